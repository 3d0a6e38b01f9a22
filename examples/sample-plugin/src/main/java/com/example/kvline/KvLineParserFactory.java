package com.example.kvline;

import io.flowscope.api.Detection;
import io.flowscope.api.Direction;
import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolDescriptor;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.Transport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.pf4j.Extension;

/**
 * kvline: the client sends {@code fetch KEY} or {@code store KEY VALUE} lines; the server answers each
 * with {@code ok}, {@code value V} or {@code error TEXT}.
 */
@Extension
public final class KvLineParserFactory implements ProtocolParserFactory {

    static final String ID = "kvline";
    private static final String[] COMMANDS = {"fetch ", "store "};

    @Override
    public ProtocolDescriptor descriptor() {
        return ProtocolDescriptor.builder(ID).displayName("kvline").transport(Transport.TCP).defaultPorts(Set.of(7070))
                .version("1.0.0").maxStateBytes(2 * KvLineParser.MAX_LINE + 1024).build(); // two lines and the parser itself
    }

    @Override
    public Detection detect(ByteBuffer first, Direction direction, ConnectionInfo connection) {
        if (direction != Direction.CLIENT_TO_SERVER) {
            return Detection.NO_MATCH;
        }
        byte[] head = new byte[Math.min(6, first.remaining())];
        first.get(first.position(), head);
        String s = new String(head, StandardCharsets.US_ASCII);
        for (String c : COMMANDS) {
            if (s.equals(c)) {
                return Detection.MATCH;
            }
            if (c.startsWith(s)) {
                return Detection.NEED_MORE_DATA;
            }
        }
        return Detection.NO_MATCH;
    }

    @Override
    public ProtocolParser newParser(ParserContext context) {
        return new KvLineParser(context);
    }
}
