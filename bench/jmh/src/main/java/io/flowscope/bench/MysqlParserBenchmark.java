package io.flowscope.bench;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.Direction;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.Transport;
import io.flowscope.plugins.mysql.MysqlParserFactory;
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
import java.util.stream.Stream;
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
 * MySQL parsing of the traffic recorded from MariaDB 10.11 and its clients (the l7-mysql plugin's session files,
 * cut from the golden capture: the command line, Connector/J's prepared statements, mariadb-admin, mariadb-slap),
 * held in memory; one operation replays every session, on the parser of its connection (long-lived connections, the
 * usual case), or on new parsers. Its setup prints
 * the bytes and messages of one operation: MB/s = bytes / (time per op), and -prof gc's gc.alloc.rate.norm divided by
 * the messages gives the bytes allocated per message. The baseline reads every packet header of the same bytes, the
 * least any MySQL parser must do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MysqlParserBenchmark {

    /** One chunk of a session: its direction and bytes. */
    record Chunk(Direction direction, ByteBuffer bytes) {
    }

    private final ProtocolParserFactory factory = new MysqlParserFactory();
    private List<List<Chunk>> sessions;
    private ParserContext context;
    private long messages;
    private List<ProtocolParser> parsers;

    @Setup
    public void setup(Blackhole bh) throws Exception {
        Path dir = Path.of(System.getProperty("flowscope.mysql.sessions", "../../plugins/l7-mysql/src/test/resources/sessions"));
        sessions = new ArrayList<>();
        long bytes = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".session")).sorted().toList()) {
                List<Chunk> s = load(f);
                sessions.add(s);
                bytes += s.stream().mapToLong(c -> c.bytes().remaining()).sum();
            }
        }
        ConnectionInfo connection = ConnectionInfo.builder(Transport.TCP).client(InetAddress.getByName("10.0.0.1"), 40000)
                .server(InetAddress.getByName("10.0.0.2"), 3306).build();
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

            @Override
            public void reportProblem(String kind, String message) {
            }
        };
        parsers = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            parsers.add(factory.newParser(context));
        }
        parseRecordedSessions();
        messages = 0;
        parseRecordedSessions();
        System.out.println("\none operation: " + sessions.size() + " sessions, " + bytes + " bytes, " + messages + " messages");
    }

    /** Long-lived connections: each session again on its connection's parser (its greeting starts it anew). */
    @Benchmark
    public void parseRecordedSessions() {
        for (int i = 0; i < sessions.size(); i++) {
            ProtocolParser p = parsers.get(i);
            for (Chunk c : sessions.get(i)) {
                p.onData(c.direction(), c.bytes().duplicate(), 1);
            }
        }
    }

    /** Each session on a new parser: what a new connection costs besides its bytes. */
    @Benchmark
    public void parseRecordedSessionsOnNewConnections() {
        for (List<Chunk> s : sessions) {
            ProtocolParser p = factory.newParser(context);
            for (Chunk c : s) {
                p.onData(c.direction(), c.bytes().duplicate(), 1);
            }
            p.onClose();
        }
    }

    @Benchmark
    public void baselineReadPacketHeaders(Blackhole bh) {
        long n = 0;
        for (List<Chunk> s : sessions) {
            long[] skip = new long[2];
            for (Chunk c : s) {
                int d = c.direction().ordinal();
                ByteBuffer b = c.bytes();
                int p = b.position();
                int end = b.limit();
                while (p < end) {
                    if (skip[d] > 0) {
                        int adv = (int) Math.min(skip[d], end - p);
                        p += adv;
                        skip[d] -= adv;
                    } else if (p + 4 <= end) {
                        skip[d] = (b.get(p) & 0xff) | (b.get(p + 1) & 0xff) << 8 | (b.get(p + 2) & 0xff) << 16;
                        n += b.get(p + 3);
                        p += 4;
                    } else {
                        break; // a header cut by the chunk: the baseline does not carry it over
                    }
                }
            }
        }
        bh.consume(n);
    }

    /** The segments of a session file ({@code > } client, {@code < } server, {@code ---} between two of one direction). */
    static List<Chunk> load(Path f) throws IOException {
        List<Chunk> out = new ArrayList<>();
        Direction current = null;
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            Direction d = line.startsWith("> ") ? Direction.CLIENT_TO_SERVER : line.startsWith("< ") ? Direction.SERVER_TO_CLIENT : null;
            if (d != null && (current == null || d == current)) {
                current = d;
                unescape(line.substring(2), pending);
                continue;
            }
            if (current != null) {
                out.add(new Chunk(current, ByteBuffer.wrap(pending.toByteArray()).asReadOnlyBuffer()));
                pending.reset();
            }
            current = d;
            if (d != null) {
                unescape(line.substring(2), pending);
            }
        }
        if (current != null) {
            out.add(new Chunk(current, ByteBuffer.wrap(pending.toByteArray()).asReadOnlyBuffer()));
        }
        return out;
    }

    private static void unescape(String s, ByteArrayOutputStream out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(utf8, 0, utf8.length);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case 'x' -> {
                    out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> out.write(e);
            }
        }
    }
}
