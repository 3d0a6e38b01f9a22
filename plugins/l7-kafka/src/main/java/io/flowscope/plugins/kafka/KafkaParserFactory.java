package io.flowscope.plugins.kafka;

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
 * Kafka, detected from the client's first request: a size that the header fits in, a known api key with a
 * version Kafka defines, a non-negative correlation id and a client id of printable ASCII. A request without a
 * client id proves less, so it is taken only when the whole request is in the first bytes and its size says so.
 * The server never speaks first: its bytes are never taken as proof. The port is only a hint. Stateless but for
 * the topic ids its parsers learn together, which are locked (the host shares one factory between pipelines).
 */
@Extension
public final class KafkaParserFactory implements ProtocolParserFactory {

    /** Protocol id used in summaries and the API. */
    public static final String PROTOCOL = "kafka";
    /** The most bytes detection is given (the host's first-bytes window). */
    static final int DETECT_WINDOW = 1024;

    static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(PROTOCOL).displayName("Kafka")
            .transport(Transport.TCP).defaultPorts(Set.of(9092, 9093, 9094)).version("1.0.0").l7ProtocolId(100)
            // a strict binary detector (size, api key and version, client id), below HTTP/1's 10
            .maxStateBytes(KafkaParser.MAX_STATE_BYTES).priority(5).build();

    @Override
    public ProtocolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Detection detect(ByteBuffer first, Direction direction, ConnectionInfo connection) {
        if (direction != Direction.CLIENT_TO_SERVER) {
            return Detection.NO_MATCH;
        }
        int n = Math.min(first.remaining(), DETECT_WINDOW);
        if (n < 4) {
            return Detection.NEED_MORE_DATA;
        }
        int size = first.getInt(first.position());
        if (size < 10 || size > Framer.MAX_PLAUSIBLE_SIZE) {
            return Detection.NO_MATCH;
        }
        int body = n - 4;
        byte[] header = new byte[body];
        first.get(first.position() + 4, header, 0, body);
        if (!KafkaParser.plausibleRequestHeader(size, header, Math.min(body, size))) {
            return Detection.NO_MATCH;
        }
        if (body < 10) {
            return Detection.NEED_MORE_DATA;
        }
        int idLength = KafkaParser.i16(header, 8);
        if (idLength > 0) {
            if (body >= 10 + idLength) {
                return Detection.MATCH;
            }
            return n < DETECT_WINDOW ? Detection.NEED_MORE_DATA : Detection.NO_MATCH;
        }
        // no client id: only a whole request, exactly as long as its size says, is proof enough
        if (body == size) {
            return Detection.MATCH;
        }
        return body < size && size + 4 <= DETECT_WINDOW ? Detection.NEED_MORE_DATA : Detection.NO_MATCH;
    }

    /**
     * Topic ids → names for every connection this factory parses: the host keeps one factory per plugin and gives
     * it to every pipeline, so a Produce on one connection is named by the Metadata another asked (see {@link TopicIds}).
     */
    private final TopicIds topicIds = new TopicIds();

    @Override
    public ProtocolParser newParser(ParserContext context) {
        return new KafkaParser(context, topicIds);
    }

    /** The topic ids learned so far, for tests. */
    TopicIds topicIds() {
        return topicIds;
    }
}
