package io.flowscope.plugins.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ResponseStatus;
import io.flowscope.api.Transport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Defects found in review, each named after what went wrong. */
class Http1RegressionTest {

    private final List<L7Message> messages = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final ProtocolParser parser = new Http1ParserFactory().newParser(new ParserContext() {
        @Override
        public MessageSink sink() {
            return messages::add;
        }

        @Override
        public ConnectionInfo connection() {
            return ConnectionInfo.builder(Transport.TCP).build();
        }

        @Override
        public void reportProblem(String kind, String message) {
            problems.add(kind);
        }
    });

    private void send(Direction d, String s) {
        parser.onData(d, ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1)), 1);
    }

    @Test
    void afterALostRequestHeadTheNextResponseIsNotSwallowedAsABody() {
        // the HEAD request was lost; its response announces 42 bytes it does not send
        parser.onGap(Direction.CLIENT_TO_SERVER, 60);
        send(Direction.SERVER_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n");
        send(Direction.CLIENT_TO_SERVER, "GET /next HTTP/1.1\r\nHost: h\r\n\r\n");
        send(Direction.SERVER_TO_CLIENT, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        parser.onClose();
        assertEquals(List.of("RESPONSE 200", "REQUEST GET", "RESPONSE 404"), messages.stream()
                .map(m -> m.kind() + " " + (m.operation() != null ? m.operation() : m.statusCode())).toList());
        assertEquals(39, messages.get(0).bytes()); // its head, and no body
    }

    @Test
    void aLossyMessageKeepsItsAttributes() {
        send(Direction.CLIENT_TO_SERVER, "POST /up HTTP/1.1\r\nHost: h\r\nUser-Agent: curl/8\r\nContent-Length: 100\r\n\r\nabc");
        parser.onGap(Direction.CLIENT_TO_SERVER, 97);
        parser.onClose();
        assertEquals(1, messages.size());
        assertEquals("curl/8", messages.get(0).attributes().get("user_agent"));
        assertEquals("incomplete", messages.get(0).attributes().get("capture"));
    }

    @Test
    void aHeadOverTheLimitIsReportedAndTheNextMessageIsFound() {
        send(Direction.CLIENT_TO_SERVER, "GET /" + "a".repeat(70_000) + " HTTP/1.1\r\n\r\n");
        send(Direction.CLIENT_TO_SERVER, "GET /ok HTTP/1.1\r\nHost: h\r\n\r\n");
        parser.onClose();
        assertEquals(List.of("head_too_large"), problems);
        assertEquals(ResponseStatus.PARSE_FAILED, messages.get(0).status());
        assertTrue(messages.stream().anyMatch(m -> "/ok".equals(m.resource())), messages.toString());
    }
}
