package io.flowscope.plugins.mysql;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.Detection;
import io.flowscope.api.Direction;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolDescriptor;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.Transport;
import java.nio.ByteBuffer;
import java.util.Set;
import org.pf4j.Extension;

/**
 * MySQL and MariaDB, detected from the server's greeting (protocol 10, a printable version), the client's
 * handshake response, or, on a connection seen after its start, a query or prepare whose packet length fits and
 * whose text starts with an SQL verb. The port is not consulted.
 */
@Extension
public final class MysqlParserFactory implements ProtocolParserFactory {

    /** Protocol id used in summaries, the API and {@code l7_protocol_str}. */
    public static final String PROTOCOL = "mysql";

    static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(PROTOCOL).displayName("MySQL/MariaDB")
            .transport(Transport.TCP).defaultPorts(Set.of(3306)).version("1.0.0").l7ProtocolId(60)
            // framed and checked (lengths, sequence ids, a version or a verb): before loose detectors, after HTTP/1
            .maxStateBytes(MysqlParser.MAX_STATE_BYTES).priority(5).build();

    @Override
    public ProtocolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Detection detect(ByteBuffer first, Direction direction, ConnectionInfo connection) {
        int n = Math.min(first.remaining(), 256);
        if (n < 5) {
            return Detection.NEED_MORE_DATA;
        }
        byte[] b = new byte[n];
        first.get(first.position(), b);
        int length = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16;
        int seq = b[3] & 0xff;
        int cmd = b[4] & 0xff;
        byte[] payload = java.util.Arrays.copyOfRange(b, 4, n);
        int kept = payload.length;
        if (direction == Direction.SERVER_TO_CLIENT) {
            if (seq != 0 || cmd != Wire.PROTOCOL_VERSION || length < 20 || length > 1024) {
                return Detection.NO_MATCH;
            }
            if (Handshake.greetingVersion(payload, kept) != null) {
                return Detection.MATCH;
            }
            return kept < Math.min(length, 90) ? Detection.NEED_MORE_DATA : Detection.NO_MATCH;
        }
        if (seq == 1) {
            if (length < 32 || length > 64 * 1024) {
                return Detection.NO_MATCH;
            }
            if (kept < 32) {
                return Detection.NEED_MORE_DATA;
            }
            return Handshake.looksLikeResponse(payload, kept) ? Detection.MATCH : Detection.NO_MATCH;
        }
        if (seq != 0 || length == 0 || (cmd != Wire.COM_QUERY && cmd != Wire.COM_STMT_PREPARE)) {
            return Detection.NO_MATCH;
        }
        // the packet fills what was seen (one packet per write), or is longer
        if (length < n - 4 && length < Wire.MAX_PACKET) {
            int next = 4 + length;
            if (n - next < 4) {
                return Detection.NO_MATCH; // bytes after the packet that cannot be a header
            }
        }
        int end = Math.min(kept, 1 + length);
        if (end < Math.min(1 + length, 24)) {
            return Detection.NEED_MORE_DATA;
        }
        return SqlText.knownVerb(payload, 1, end) ? Detection.MATCH : Detection.NO_MATCH;
    }

    @Override
    public ProtocolParser newParser(ParserContext context) {
        return new MysqlParser(context);
    }
}
