package io.flowscope.plugins.postgresql;

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
 * PostgreSQL's frontend/backend protocol 3, detected from what only it sends first: a client's
 * StartupMessage, SSLRequest, GSSENCRequest or CancelRequest (a length and a code no other protocol has), or,
 * on a connection seen from its middle, a Query or Parse carrying SQL text; from the server, an
 * Authentication message or an ErrorResponse. The port is not consulted.
 */
@Extension
public final class PostgresqlParserFactory implements ProtocolParserFactory {

    /** Protocol id used in summaries and the API. */
    public static final String PROTOCOL = "postgresql";

    static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(PROTOCOL).displayName("PostgreSQL")
            .transport(Transport.TCP).defaultPorts(Set.of(5432)).version("1.0.0").l7ProtocolId(61)
            // strict: a start packet's code or a Query's length and text prove it
            .maxStateBytes(PostgresqlParser.MAX_STATE_BYTES).priority(5).build();

    private static final int LOOK = 64;

    @Override
    public ProtocolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Detection detect(ByteBuffer firstBytes, Direction direction, ConnectionInfo connection) {
        int n = Math.min(LOOK, firstBytes.remaining());
        if (n == 0) {
            return Detection.NEED_MORE_DATA;
        }
        byte[] h = new byte[n];
        firstBytes.get(firstBytes.position(), h);
        return direction == Direction.CLIENT_TO_SERVER ? client(h, firstBytes.remaining()) : server(h);
    }

    private static Detection client(byte[] h, int available) {
        int n = h.length;
        if (h[0] == 0) {
            if (n < 8) {
                return Detection.NEED_MORE_DATA;
            }
            int len = MessageFramer.int32(h, 0);
            int code = MessageFramer.int32(h, 4);
            if (code == MessageFramer.SSL_REQUEST || code == MessageFramer.GSSENC_REQUEST) {
                return len == 8 ? Detection.MATCH : Detection.NO_MATCH;
            }
            if (code == MessageFramer.CANCEL_REQUEST) {
                return len == 16 ? Detection.MATCH : Detection.NO_MATCH;
            }
            boolean v3 = (code >>> 16) == 3 && (code & 0xffff) < 16;
            return v3 && len > 8 && len <= MessageFramer.MAX_STARTUP_LENGTH ? Detection.MATCH : Detection.NO_MATCH;
        }
        if (h[0] != 'Q' && h[0] != 'P') {
            return Detection.NO_MATCH;
        }
        if (n < 5) {
            return Detection.NEED_MORE_DATA;
        }
        int len = MessageFramer.int32(h, 1);
        if (len < 6 || len > MessageFramer.MAX_LENGTH) {
            return Detection.NO_MATCH;
        }
        int body = 5;
        if (h[0] == 'P') {
            // a statement name (NUL-terminated) comes before the text
            int nul = PostgresqlParser.indexOfZero(h, 5, n);
            if (nul < 0) {
                return n < available || n == LOOK ? Detection.NO_MATCH : Detection.NEED_MORE_DATA;
            }
            body = nul + 1;
        }
        int end = Math.min(n, len + 1); // the message's own bytes within what we see
        int textEnd = PostgresqlParser.indexOfZero(h, body, end);
        int to = textEnd < 0 ? end : textEnd;
        if (to - body < 4) {
            if (textEnd >= 0 || end == len + 1) {
                return Detection.NO_MATCH; // too short a statement to tell
            }
            return Detection.NEED_MORE_DATA;
        }
        for (int i = body; i < to; i++) {
            int c = h[i] & 0xff;
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0x7f) {
                return Detection.NO_MATCH;
            }
        }
        return SqlText.verb(h, body, to) != null ? Detection.MATCH : Detection.NO_MATCH;
    }

    private static Detection server(byte[] h) {
        int n = h.length;
        if (h[0] != 'R' && h[0] != 'E') {
            return Detection.NO_MATCH;
        }
        if (n < 9) {
            return Detection.NEED_MORE_DATA;
        }
        int len = MessageFramer.int32(h, 1);
        if (h[0] == 'R') {
            int code = MessageFramer.int32(h, 5);
            return len >= 8 && len <= 2048 && code >= 0 && code <= 12 ? Detection.MATCH : Detection.NO_MATCH;
        }
        // ErrorResponse: 'S' then a severity
        if (len < 10 || h[5] != 'S') {
            return Detection.NO_MATCH;
        }
        String rest = new String(h, 6, Math.min(5, n - 6), java.nio.charset.StandardCharsets.US_ASCII);
        return rest.startsWith("ERROR") || rest.startsWith("FATAL") || rest.startsWith("PANIC") ? Detection.MATCH
                : Detection.NO_MATCH;
    }

    @Override
    public ProtocolParser newParser(ParserContext context) {
        return new PostgresqlParser(context);
    }
}
