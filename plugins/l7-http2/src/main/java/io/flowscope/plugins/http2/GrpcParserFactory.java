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
 * gRPC over HTTP/2: the same parser as {@link Http2ParserFactory}, for connections whose first HEADERS carries
 * {@code content-type: application/grpc}. The host takes the l7_protocol of a connection from the protocol that
 * detected it, so gRPC is a protocol of its own, {@code grpc}, with DeepFlow's l7_protocol 41 (as DNS over TCP is
 * {@code dns-tcp} next to {@code dns}).
 */
@Extension
public final class GrpcParserFactory implements ProtocolParserFactory {

    /** Protocol id used in summaries, the API and {@code l7_protocol_str}. */
    public static final String PROTOCOL = "grpc";
    /** DeepFlow's l7_protocol of gRPC. */
    static final int L7_PROTOCOL = 41;

    static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(PROTOCOL).displayName("gRPC")
            .transport(Transport.TCP).defaultPorts(Set.of(50051)).version("1.0.0").l7ProtocolId(L7_PROTOCOL)
            // asked before http2, which would otherwise take every gRPC connection
            .maxStateBytes(Http2Parser.MAX_STATE_BYTES).priority(16).build();

    @Override
    public ProtocolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Detection detect(ByteBuffer firstBytes, Direction direction, ConnectionInfo connection) {
        return Sniffer.answer(Sniffer.classify(firstBytes, direction), Sniffer.Kind.GRPC);
    }

    @Override
    public ProtocolParser newParser(ParserContext context) {
        return new Http2Parser(context, PROTOCOL);
    }
}
