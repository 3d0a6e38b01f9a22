package io.flowscope.bench;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.Direction;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.Transport;
import io.flowscope.plugins.kafka.KafkaParserFactory;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Kafka parsing of one producer connection held in memory: {@link #PAIRS} Produce v9 requests (acks=-1, one
 * topic, one partition, a record batch of {@code recordBytes}) and their responses, written here byte by byte as
 * a Java client and a broker do (there is no golden capture yet), fed in 64 KiB chunks as reassembly would. One
 * operation is the whole connection: MB/s = bytes / time; two messages per pair (for -prof gc's bytes per
 * message). The baseline reads every byte once.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KafkaParserBenchmark {

    static final int PAIRS = 10_000;
    static final int CHUNK = 65_536;

    /** Bytes of each produce's record batch: small messages cost per message, large ones show the skipping. */
    @Param({"100", "10000"})
    public int recordBytes;

    private byte[] requests;
    private byte[] responses;
    private int requestSize;
    private int responseSize;
    private ParserContext context;
    private long messages;

    @Setup
    public void setup(Blackhole bh) throws Exception {
        ByteArrayOutputStream q = new ByteArrayOutputStream();
        ByteArrayOutputStream r = new ByteArrayOutputStream();
        for (int i = 0; i < PAIRS; i++) {
            q.write(produce(i, recordBytes));
            r.write(produceResponse(i));
        }
        requestSize = produce(0, recordBytes).length;
        responseSize = produceResponse(0).length;
        requests = q.toByteArray();
        responses = r.toByteArray();
        ConnectionInfo connection = ConnectionInfo.builder(Transport.TCP).client(InetAddress.getByName("10.0.0.1"), 40000)
                .server(InetAddress.getByName("10.0.0.2"), 9092).build();
        MessageSink sink = m -> {
            messages++;
            bh.consume(m);
        };
        context = new ParserContext() {
            @Override
            public MessageSink sink() {
                return sink;
            }

            @Override
            public ConnectionInfo connection() {
                return connection;
            }
        };
        messages = 0;
        parse();
        if (messages != 2L * PAIRS) {
            throw new IllegalStateException("the parser gave " + messages + " messages for " + PAIRS + " pairs");
        }
    }

    /** Produce v9 (flexible): header v2, transactional_id null, acks -1, one topic, one partition, a batch. */
    static byte[] produce(int correlationId, int recordBytes) {
        byte[] client = "producer-1".getBytes(StandardCharsets.US_ASCII);
        byte[] topic = "orders".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(64 + client.length + topic.length + recordBytes + 8);
        b.putInt(0).putShort((short) 0).putShort((short) 9).putInt(correlationId);
        b.putShort((short) client.length).put(client).put((byte) 0); // client_id, header tagged fields
        b.put((byte) 0).putShort((short) -1).putInt(30_000); // transactional_id null, acks, timeout_ms
        b.put((byte) 2).put((byte) (topic.length + 1)).put(topic); // one topic
        b.put((byte) 2).putInt(0); // one partition, index 0
        uvarint(b, recordBytes + 1);
        byte[] batch = new byte[recordBytes];
        if (recordBytes > 16) {
            batch[16] = 2; // magic 2
        }
        b.put(batch).put((byte) 0).put((byte) 0).put((byte) 0); // partition, topic, body tagged fields
        return frame(b);
    }

    /** Its response v9: header v1, one topic, one partition, error 0. */
    static byte[] produceResponse(int correlationId) {
        byte[] topic = "orders".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(64 + topic.length);
        b.putInt(0).putInt(correlationId).put((byte) 0);
        b.put((byte) 2).put((byte) (topic.length + 1)).put(topic);
        b.put((byte) 2).putInt(0).putShort((short) 0).putLong(42).putLong(-1).putLong(0); // index, error, offsets
        b.put((byte) 1).put((byte) 0).put((byte) 0); // record_errors empty, error_message null, tagged fields
        b.put((byte) 0).putInt(0).put((byte) 0); // topic tagged fields, throttle_time_ms, tagged fields
        return frame(b);
    }

    private static void uvarint(ByteBuffer b, int v) {
        while ((v & ~0x7f) != 0) {
            b.put((byte) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }

    private static byte[] frame(ByteBuffer b) {
        int end = b.position();
        b.putInt(0, end - 4);
        byte[] out = new byte[end];
        b.get(0, out);
        return out;
    }

    private void parse() {
        ProtocolParser parser = new KafkaParserFactory().newParser(context);
        // requests and responses interleave chunk by chunk, as a pipelining producer's connection does
        for (int at = 0, back = 0; at < requests.length || back < responses.length; ) {
            if (at < requests.length) {
                int n = Math.min(CHUNK, requests.length - at);
                parser.onData(Direction.CLIENT_TO_SERVER, ByteBuffer.wrap(requests, at, n).asReadOnlyBuffer(), at);
                at += n;
            }
            int due = at / requestSize * responseSize; // the responses of the requests whole so far
            if (due > back) {
                parser.onData(Direction.SERVER_TO_CLIENT, ByteBuffer.wrap(responses, back, due - back).asReadOnlyBuffer(), at);
                back = due;
            }
        }
        parser.onClose();
    }

    @Benchmark
    public void baselineReadEveryByte(Blackhole bh) {
        long sum = 0;
        for (byte x : requests) {
            sum += x;
        }
        for (byte x : responses) {
            sum += x;
        }
        bh.consume(sum);
    }

    @Benchmark
    public void parseProducerConnection() {
        messages = 0;
        parse();
    }
}
