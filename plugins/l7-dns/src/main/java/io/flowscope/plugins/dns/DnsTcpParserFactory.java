package io.flowscope.plugins.dns;

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
 * DNS over TCP (RFC 1035 §4.2.2, RFC 7766): messages behind a two-byte length, several per segment or one split
 * over several. A descriptor has one transport and the host wants protocol ids unique, so the TCP side is a
 * protocol of its own, {@code dns-tcp}, with DeepFlow's same l7_protocol 120.
 */
@Extension
public final class DnsTcpParserFactory implements ProtocolParserFactory {

    /** Protocol id used in summaries, the API and {@code l7_protocol_str}. */
    public static final String PROTOCOL = "dns-tcp";

    static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(PROTOCOL).displayName("DNS over TCP")
            .transport(Transport.TCP).defaultPorts(Set.of(53)).version("1.0.0")
            .l7ProtocolId(DnsParserFactory.L7_PROTOCOL)
            .maxStateBytes(DnsStreamParser.MAX_STATE_BYTES).priority(10).build();

    @Override
    public ProtocolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Detection detect(ByteBuffer firstBytes, Direction direction, ConnectionInfo connection) {
        int have = firstBytes.remaining();
        int at = firstBytes.position();
        if (have < 2) {
            return Detection.NEED_MORE_DATA;
        }
        int length = DnsDecoder.u16(firstBytes, at);
        if (length < DnsDecoder.HEADER + 5) {
            return Detection.NO_MATCH;
        }
        int expect = direction == Direction.CLIENT_TO_SERVER ? 0 : 1;
        int verdict = DnsDecoder.get().judge(firstBytes, at + 2, have - 2, length, expect);
        // the host shows at most its first KiB, which holds any header and question: there it is decided
        return verdict > 0 ? Detection.MATCH : verdict < 0 || have >= DETECT_WINDOW ? Detection.NO_MATCH
                : Detection.NEED_MORE_DATA;
    }

    /** The most first bytes the host shows a detector (L7Session.DETECT_BYTES). */
    static final int DETECT_WINDOW = 1024;

    @Override
    public ProtocolParser newParser(ParserContext context) {
        return new DnsStreamParser(context);
    }
}
