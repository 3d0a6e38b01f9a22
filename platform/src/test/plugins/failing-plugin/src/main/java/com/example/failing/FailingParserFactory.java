package com.example.failing;

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

/** Test fixture: describes itself, then throws from every other call, as a badly broken plugin would. */
@Extension(ordinal = -1)
public final class FailingParserFactory implements ProtocolParserFactory {

    @Override
    public ProtocolDescriptor descriptor() {
        return ProtocolDescriptor.builder("always-fails").displayName("Always fails").transport(Transport.TCP)
                .defaultPorts(Set.of(80)).version("0.0.1").maxStateBytes(1024).build();
    }

    @Override
    public Detection detect(ByteBuffer first, Direction direction, ConnectionInfo connection) {
        throw new IllegalStateException("detect is broken on purpose");
    }

    @Override
    public ProtocolParser newParser(ParserContext context) {
        throw new IllegalStateException("newParser is broken on purpose");
    }
}
