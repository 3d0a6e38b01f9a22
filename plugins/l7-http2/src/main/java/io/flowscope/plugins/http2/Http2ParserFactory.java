package io.flowscope.plugins.http2;

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
 * HTTP/2 in clear text (h2c with prior knowledge, RFC 9113 §3.3), detected from the client preface or, for a capture
 * begun late, from bytes that read as HTTP/2 frames. Connections whose first request is gRPC are the
 * {@link GrpcParserFactory}'s.
 */
@Extension
public final class Http2ParserFactory implements ProtocolParserFactory {

    /** Protocol id used in summaries, the API and {@code l7_protocol_str}. */
    public static final String PROTOCOL = "http2";
    /** DeepFlow's l7_protocol of HTTP/2. */
    static final int L7_PROTOCOL = 21;

    static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(PROTOCOL).displayName("HTTP/2")
            .transport(Transport.TCP).defaultPorts(Set.of(80, 8080, 8443)).version("1.0.0").l7ProtocolId(L7_PROTOCOL)
            // the preface is certain; frames alone are strict (type, flags, length, stream id all checked)
            .maxStateBytes(Http2Parser.MAX_STATE_BYTES).priority(15).build();

    @Override
    public ProtocolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Detection detect(ByteBuffer firstBytes, Direction direction, ConnectionInfo connection) {
        return Sniffer.answer(Sniffer.classify(firstBytes, direction), Sniffer.Kind.HTTP2);
    }

    @Override
    public ProtocolParser newParser(ParserContext context) {
        return new Http2Parser(context, PROTOCOL);
    }
}
