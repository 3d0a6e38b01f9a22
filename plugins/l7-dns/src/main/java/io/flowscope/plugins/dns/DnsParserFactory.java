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
 * DNS over UDP: each datagram one message. Detected by a strict check of the first datagram (a header a client or
 * server writes, one question of printable labels, every record well formed, nothing after the last one), so that
 * random UDP traffic is not claimed; the port is a hint only.
 */
@Extension
public final class DnsParserFactory implements ProtocolParserFactory {

    /** Protocol id used in summaries, the API and {@code l7_protocol_str}. */
    public static final String PROTOCOL = "dns";
    /** DeepFlow's l7_protocol of DNS. */
    static final int L7_PROTOCOL = 120;

    static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(PROTOCOL).displayName("DNS")
            .transport(Transport.UDP).defaultPorts(Set.of(53, 5353)).version("1.0.0").l7ProtocolId(L7_PROTOCOL)
            // a datagram parser keeps nothing between datagrams (its scratch is the thread's decoder)
            .maxStateBytes(1024).priority(10).build();

    @Override
    public ProtocolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Detection detect(ByteBuffer firstBytes, Direction direction, ConnectionInfo connection) {
        int len = firstBytes.remaining();
        if (len < DnsDecoder.HEADER + 5) {
            return Detection.NO_MATCH; // a datagram is whole: a shorter one is no DNS message
        }
        // the host shows at most its first KiB: a longer datagram is checked as far as its question
        int length = len < DnsTcpParserFactory.DETECT_WINDOW ? len : 65535;
        return DnsDecoder.get().judge(firstBytes, firstBytes.position(), len, length, -1) == 1
                ? Detection.MATCH : Detection.NO_MATCH;
    }

    @Override
    public ProtocolParser newParser(ParserContext context) {
        return new DnsDatagramParser(context);
    }
}
