package io.flowscope.bench;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.Direction;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.Transport;
import io.flowscope.plugins.redis.RedisParserFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Redis parsing of the golden capture's traffic held in memory ({@code platform/src/test/resources/captures/redis.pcap}:
 * redis-benchmark's 20,000 pipelined SET and GET, redis-cli's script with its 170 KB COMMAND DOCS reply, pub/sub,
 * RESP3), each TCP payload fed as captured, a new parser per connection. One operation is the whole capture:
 * MB/s = {@link #BYTES} / time; messages per operation in {@link #MESSAGES} (for -prof gc's bytes per message).
 * The baseline reads every byte once, the least a parser must do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RedisParserBenchmark {

    static long BYTES;
    static long MESSAGES;

    /** One connection's payloads in capture order. */
    private record Conversation(List<Direction> directions, List<ByteBuffer> payloads) {
    }

    private final List<Conversation> conversations = new ArrayList<>();
    private ParserContext context;
    private long messages;

    @Setup
    public void setup(Blackhole bh) throws Exception {
        Path root = Path.of(System.getProperty("flowscope.root", "../.."));
        Path pcap = root.resolve("platform/src/test/resources/captures/redis.pcap");
        int port = Integer.parseInt(Files.readString(root.resolve("platform/src/test/resources/captures/redis.port")).trim());
        read(pcap, port);
        ConnectionInfo connection = ConnectionInfo.builder(Transport.TCP).client(InetAddress.getByName("10.0.0.1"), 40000)
                .server(InetAddress.getByName("10.0.0.2"), 6379).build();
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
        parseCapture();
        MESSAGES = messages;
        System.out.printf("%nredis.pcap in memory: %d connections, %d payload bytes, %d messages per operation%n",
                conversations.size(), BYTES, MESSAGES);
    }

    /** Classic pcap, Ethernet, IPv4, TCP: each payload of the capture, grouped by client port. */
    private void read(Path pcap, int port) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        b.position(24);
        Map<Integer, Conversation> byClient = new LinkedHashMap<>();
        long bytes = 0;
        while (b.remaining() >= 16) {
            b.getInt();
            b.getInt();
            int caplen = b.getInt();
            b.getInt();
            int frame = b.position();
            int ip = frame + 14;
            int ihl = (b.get(ip) & 0x0f) * 4;
            int total = ((b.get(ip + 2) & 0xff) << 8) | (b.get(ip + 3) & 0xff);
            int tcp = ip + ihl;
            int src = ((b.get(tcp) & 0xff) << 8) | (b.get(tcp + 1) & 0xff);
            int dst = ((b.get(tcp + 2) & 0xff) << 8) | (b.get(tcp + 3) & 0xff);
            int off = ((b.get(tcp + 12) & 0xf0) >> 4) * 4;
            int payload = total - ihl - off;
            if (payload > 0) {
                byte[] data = new byte[payload];
                b.get(tcp + off, data);
                boolean toServer = dst == port;
                Conversation c = byClient.computeIfAbsent(toServer ? src : dst, k -> new Conversation(new ArrayList<>(), new ArrayList<>()));
                c.directions().add(toServer ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT);
                c.payloads().add(ByteBuffer.wrap(data).asReadOnlyBuffer());
                bytes += payload;
            }
            b.position(frame + caplen);
        }
        conversations.addAll(byClient.values());
        BYTES = bytes;
    }

    private void parseCapture() {
        for (Conversation c : conversations) {
            ProtocolParser parser = new RedisParserFactory().newParser(context);
            List<ByteBuffer> payloads = c.payloads();
            for (int i = 0; i < payloads.size(); i++) {
                parser.onData(c.directions().get(i), payloads.get(i).duplicate(), i);
            }
            parser.onClose();
        }
    }

    @Benchmark
    public void baselineReadEveryByte(Blackhole bh) {
        long sum = 0;
        for (Conversation c : conversations) {
            for (ByteBuffer b : c.payloads()) {
                for (int i = b.position(); i < b.limit(); i++) {
                    sum += b.get(i);
                }
            }
        }
        bh.consume(sum);
    }

    @Benchmark
    public void parseGoldenCapture() {
        parseCapture();
    }
}
