package io.flowscope.bench;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.Direction;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.Transport;
import io.flowscope.plugins.postgresql.PostgresqlParserFactory;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * PostgreSQL parsing of the golden capture's traffic ({@code platform/src/test/resources/captures/postgresql-15.pcap}:
 * psql, pgbench in its three modes, the JDBC driver), its TCP payloads held in memory in capture order, every
 * connection fed to a new parser as the host would. One operation is the whole capture; MB/s is
 * {@code bytes / (time per operation)}, and {@code -prof gc}'s {@code gc.alloc.rate.norm} divided by the
 * messages per operation (both printed at setup) gives the bytes allocated per message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PostgresqlParserBenchmark {

    /** The capture, from the repository root or from bench/jmh. */
    @Param({"platform/src/test/resources/captures/postgresql-15.pcap"})
    public String capture;

    /** One TCP payload: which connection, which way, what bytes. */
    record Chunk(int connection, Direction direction, ByteBuffer bytes) {
    }

    private final List<Chunk> chunks = new ArrayList<>();
    private int connections;
    private ProtocolParser[] parsers;
    private final ProtocolParserFactory factory = new PostgresqlParserFactory();
    private ParserContext context;
    private long messages;

    @Setup
    public void setup(Blackhole bh) throws IOException {
        Path file = Path.of(capture);
        if (!Files.exists(file)) {
            file = Path.of("../..").resolve(capture);
        }
        int serverPort = Integer.parseInt(Files.readString(Path.of(file.toString().replace(".pcap", ".port"))).trim());
        long bytes = read(Files.readAllBytes(file), serverPort);
        ConnectionInfo connection = ConnectionInfo.builder(Transport.TCP).client(InetAddress.getByName("127.0.0.1"), 40000)
                .server(InetAddress.getByName("127.0.0.1"), serverPort).build();
        long[] count = new long[1];
        MessageSink counting = m -> count[0]++;
        context = context(connection, counting);
        runOnce();
        messages = count[0];
        MessageSink sink = bh::consume;
        context = context(connection, sink);
        System.out.printf("%npostgresql-15.pcap: %d connections, %d payloads, %d bytes, %d messages per operation%n",
                connections, chunks.size(), bytes, messages);
    }

    private static ParserContext context(ConnectionInfo connection, MessageSink sink) {
        return new ParserContext() {
            @Override
            public MessageSink sink() {
                return sink;
            }

            @Override
            public ConnectionInfo connection() {
                return connection;
            }
        };
    }

    @Benchmark
    public void parseGoldenCapture() {
        runOnce();
    }

    private void runOnce() {
        for (int i = 0; i < connections; i++) {
            parsers[i] = factory.newParser(context);
        }
        for (Chunk c : chunks) {
            ByteBuffer b = c.bytes();
            parsers[c.connection()].onData(c.direction(), b.duplicate(), 0);
        }
        for (ProtocolParser p : parsers) {
            p.onClose();
        }
    }

    /** Classic pcap, Ethernet, IPv4, TCP: each payload with its connection (by client port) and direction. */
    private long read(byte[] pcap, int serverPort) {
        ByteBuffer b = ByteBuffer.wrap(pcap);
        int magic = b.getInt(0);
        b.order(magic == 0xa1b2c3d4 || magic == 0xa1b23c4d ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        Map<Integer, Integer> byClientPort = new LinkedHashMap<>();
        long total = 0;
        int p = 24;
        while (p + 16 <= pcap.length) {
            int captured = b.getInt(p + 8);
            int frame = p + 16;
            p = frame + captured;
            int ip = frame + 14;
            if ((pcap[frame + 12] & 0xff) != 0x08 || pcap[frame + 13] != 0x00 || pcap[ip + 9] != 6) {
                continue;
            }
            int ihl = (pcap[ip] & 0x0f) * 4;
            int ipLength = ((pcap[ip + 2] & 0xff) << 8) | (pcap[ip + 3] & 0xff);
            int tcp = ip + ihl;
            int src = ((pcap[tcp] & 0xff) << 8) | (pcap[tcp + 1] & 0xff);
            int dst = ((pcap[tcp + 2] & 0xff) << 8) | (pcap[tcp + 3] & 0xff);
            int payload = tcp + ((pcap[tcp + 12] & 0xf0) >> 4) * 4;
            int length = ip + ipLength - payload;
            if (length <= 0) {
                continue;
            }
            boolean toServer = dst == serverPort;
            int client = toServer ? src : dst;
            Integer id = byClientPort.computeIfAbsent(client, k -> byClientPort.size());
            chunks.add(new Chunk(id, toServer ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT,
                    ByteBuffer.wrap(pcap, payload, length).slice().asReadOnlyBuffer()));
            total += length;
        }
        connections = byClientPort.size();
        parsers = new ProtocolParser[connections];
        return total;
    }
}
