package io.flowscope.bench;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.Direction;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.Transport;
import io.flowscope.plugins.dns.DnsParserFactory;
import io.flowscope.plugins.dns.DnsTcpParserFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * DNS parsing of the golden traffic held in memory (the dnsmasq/dig capture's sessions in plugins/l7-dns, five
 * queries and their answers over UDP, the same five over TCP, 38 to 73 bytes each): over UDP a new parser per flow, as dig and most resolvers use a socket per query; over TCP one
 * connection's stream, whole segments. Time and bytes allocated (-prof gc) per message; MB/s is the average message
 * size over the time per message. The baseline reads every byte once, the least any parser does.
 *
 * <p>{@code -Dflowscope.dns.sessions=<dir>} names the sessions directory (default: the source tree's, from bench/jmh).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DnsParserBenchmark {

    /** One flow or connection: its messages (datagrams, or TCP segments) and their directions. */
    record Flow(List<Direction> directions, List<ByteBuffer> payloads) {
    }

    static final int UDP_MESSAGES = 10;
    static final int TCP_MESSAGES = 10;

    private final List<Flow> udp = new ArrayList<>();
    private final List<Flow> tcp = new ArrayList<>();
    private ParserContext udpContext;
    private ParserContext tcpContext;
    private final ProtocolParserFactory udpFactory = new DnsParserFactory();
    private final ProtocolParserFactory tcpFactory = new DnsTcpParserFactory();
    private ProtocolParser tcpParser;
    private long udpBytes;
    private long tcpBytes;

    @Setup
    public void setup(Blackhole bh) throws Exception {
        Path dir = Path.of(System.getProperty("flowscope.dns.sessions", "../../plugins/l7-dns/src/test/resources/sessions"));
        udpBytes = load(dir.resolve("udp"), udp);
        tcpBytes = load(dir.resolve("tcp"), tcp);
        int udpCount = udp.stream().mapToInt(f -> f.payloads().size()).sum();
        if (udpCount != UDP_MESSAGES) {
            throw new IllegalStateException("expected " + UDP_MESSAGES + " datagrams in " + dir + ", found " + udpCount);
        }
        System.out.printf("%nDNS golden traffic: UDP %d messages, %d bytes (%.1f per message); TCP %d messages, %d bytes"
                + " (%.1f per message)%n", udpCount, udpBytes, udpBytes / (double) udpCount, TCP_MESSAGES, tcpBytes,
                tcpBytes / (double) TCP_MESSAGES);
        MessageSink sink = bh::consume;
        udpContext = context(Transport.UDP, 53, sink);
        tcpContext = context(Transport.TCP, 53, sink);
        tcpParser = tcpFactory.newParser(tcpContext);
    }

    private static ParserContext context(Transport t, int port, MessageSink sink) throws IOException {
        ConnectionInfo c = ConnectionInfo.builder(t).client(InetAddress.getByName("10.0.0.1"), 40000)
                .server(InetAddress.getByName("10.0.0.2"), port).build();
        return new ParserContext() {
            @Override
            public MessageSink sink() {
                return sink;
            }

            @Override
            public ConnectionInfo connection() {
                return c;
            }
        };
    }

    /** Reads the session files (the kit's text format) of a directory; returns their bytes. */
    private static long load(Path dir, List<Flow> into) throws IOException {
        long bytes = 0;
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("dig-") && p.toString().endsWith(".session")).sorted().toList()) {
                List<Direction> dirs = new ArrayList<>();
                List<ByteBuffer> payloads = new ArrayList<>();
                ByteArrayOutputStream pending = new ByteArrayOutputStream();
                Direction current = null;
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    Direction d = line.startsWith("> ") ? Direction.CLIENT_TO_SERVER
                            : line.startsWith("< ") ? Direction.SERVER_TO_CLIENT : null;
                    if (d != null && (current == null || d == current)) {
                        current = d;
                        unescape(line.substring(2), pending);
                        continue;
                    }
                    if (current != null && pending.size() > 0) {
                        dirs.add(current);
                        payloads.add(ByteBuffer.wrap(pending.toByteArray()).asReadOnlyBuffer());
                        bytes += pending.size();
                        pending.reset();
                    }
                    current = d;
                    if (d != null) {
                        unescape(line.substring(2), pending);
                    }
                }
                if (current != null && pending.size() > 0) {
                    dirs.add(current);
                    payloads.add(ByteBuffer.wrap(pending.toByteArray()).asReadOnlyBuffer());
                    bytes += pending.size();
                }
                into.add(new Flow(dirs, payloads));
            }
        }
        return bytes;
    }

    private static void unescape(String s, ByteArrayOutputStream out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                switch (e) {
                    case 'x' -> {
                        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                        i += 2;
                    }
                    case 'r' -> out.write('\r');
                    case 'n' -> out.write('\n');
                    case 't' -> out.write('\t');
                    default -> out.write(e);
                }
            } else {
                out.write(c);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(UDP_MESSAGES)
    public long baselineReadEveryByte() {
        long sum = 0;
        for (Flow f : udp) {
            for (ByteBuffer b : f.payloads()) {
                for (int i = b.position(); i < b.limit(); i++) {
                    sum += b.get(i);
                }
            }
        }
        return sum;
    }

    /** Every UDP flow of the golden traffic, a new parser each (one per query, as dig does). */
    @Benchmark
    @OperationsPerInvocation(UDP_MESSAGES)
    public void parseDatagramsParserPerFlow() {
        for (Flow f : udp) {
            ProtocolParser p = udpFactory.newParser(udpContext);
            List<ByteBuffer> payloads = f.payloads();
            for (int i = 0; i < payloads.size(); i++) {
                p.onDatagram(f.directions().get(i), payloads.get(i), i, false); // the parsers read by absolute index: no copy needed
            }
            p.onClose();
        }
    }

    /** dig's TCP connection (+keepopen), fed again and again to one parser. */
    @Benchmark
    @OperationsPerInvocation(TCP_MESSAGES)
    public void parseTcpStream() {
        for (Flow f : tcp) {
            List<ByteBuffer> payloads = f.payloads();
            for (int i = 0; i < payloads.size(); i++) {
                tcpParser.onData(f.directions().get(i), payloads.get(i), i);
            }
        }
    }
}
