package io.flowscope.plugins.http1;

import io.flowscope.api.Detection;
import io.flowscope.api.Direction;
import io.flowscope.api.FlowInfo;
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

    static final ProtocolDescriptor DESCRIPTOR = new ProtocolDescriptor(PROTOCOL, "HTTP/1.x", Transport.TCP,
            Set.of(80, 8080, 8000, 8888), "1.0.0", 20, Http1Parser.MAX_STATE_BYTES);

    @Override
    public ProtocolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Detection detect(ByteBuffer firstBytes, Direction direction, FlowInfo flow) {
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
