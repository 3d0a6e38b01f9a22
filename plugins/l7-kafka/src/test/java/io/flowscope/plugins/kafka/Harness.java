package io.flowscope.plugins.kafka;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.MessageKind;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.Transport;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** One parser of a test connection, the messages it emitted and the problems it reported. */
final class Harness {

    final List<L7Message> messages = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    final ProtocolParser parser;
    private long now = 1_000;

    Harness() {
        this(new KafkaParserFactory(), "10.0.0.1", 40000, "10.0.0.2", 9092, 0);
    }

    /** A connection from {@code client:clientPort} to {@code server:serverPort} in a network namespace, parsed by {@code factory}. */
    Harness(KafkaParserFactory factory, String client, int clientPort, String server, int serverPort, long namespace) {
        ConnectionInfo connection;
        try {
            connection = ConnectionInfo.builder(Transport.TCP).client(InetAddress.getByName(client), clientPort)
                    .server(InetAddress.getByName(server), serverPort).networkNamespace(namespace).build();
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
        MessageSink sink = messages::add;
        parser = factory.newParser(new ParserContext() {
            @Override
            public MessageSink sink() {
                return sink;
            }

            @Override
            public ConnectionInfo connection() {
                return connection;
            }

            @Override
            public void reportProblem(String kind, String message) {
                problems.add(kind);
            }
        });
    }

    Harness client(byte[] bytes) {
        return send(Direction.CLIENT_TO_SERVER, bytes);
    }

    Harness server(byte[] bytes) {
        return send(Direction.SERVER_TO_CLIENT, bytes);
    }

    Harness send(Direction d, byte[] bytes) {
        parser.onData(d, ByteBuffer.wrap(bytes).asReadOnlyBuffer(), now++);
        return this;
    }

    List<L7Message> requests() {
        return messages.stream().filter(m -> m.kind() == MessageKind.REQUEST).toList();
    }

    List<L7Message> responses() {
        return messages.stream().filter(m -> m.kind() == MessageKind.RESPONSE).toList();
    }

    L7Message last() {
        return messages.get(messages.size() - 1);
    }
}
