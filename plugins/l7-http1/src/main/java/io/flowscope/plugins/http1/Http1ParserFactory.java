package io.flowscope.plugins.http1;

import io.flowscope.api.Detection;
import io.flowscope.api.Direction;
import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolDescriptor;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.Transport;
import java.nio.ByteBuffer;
import java.util.Set;
import org.pf4j.Extension;

/** HTTP/1.0 and 1.1, detected from a request method or a status line; the port is not consulted. */
@Extension
public final class Http1ParserFactory implements ProtocolParserFactory {

    /** Protocol id used in summaries and the API. */
    public static final String PROTOCOL = "http1";

    static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(PROTOCOL).displayName("HTTP/1.x")
            .transport(Transport.TCP).defaultPorts(Set.of(80, 8080, 8000, 8888)).version("1.0.0").l7ProtocolId(20)
            // a strict detector (a known method or status line, then HTTP/1.x): asked before loose ones
            .maxStateBytes(Http1Parser.MAX_STATE_BYTES).priority(10).build();

    @Override
    public ProtocolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Detection detect(ByteBuffer firstBytes, Direction direction, ConnectionInfo connection) {
        byte[] head = new byte[Math.min(16, firstBytes.remaining())];
        firstBytes.get(firstBytes.position(), head);
        return direction == Direction.CLIENT_TO_SERVER
                ? StartLine.request(head, head.length)
                : StartLine.response(head, head.length);
    }

    @Override
    public ProtocolParser newParser(ParserContext context) {
        return new Http1Parser(context);
    }
}
