package io.flowscope.plugins.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.Direction;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.Transport;
import io.flowscope.api.testkit.MessageSignature;
import io.flowscope.api.testkit.RecordedSession;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The bulk-scanning parser gives exactly what the byte-by-byte parser it replaced gave ({@code bytewise}, kept
 * unchanged in the tests): every field of every message, every problem reported, in the same order, for the
 * recorded sessions and for thousands of variants of them: chunked anywhere (down to one byte), holes cut in,
 * bytes mutated towards the edge cases of heads (bare LF, CR, colons, spaces, long lines), sessions joined,
 * buffers of either byte order, direct or heap, and small head limits so that heads overflow.
 */
class Http1DifferentialTest {

    private static final int ROUNDS = 3000;

    /** What a parser did: its messages (every field) and its problems, one string each. */
    private static final class Recorder implements ParserContext {
        final List<String> events = new ArrayList<>();
        private final int maxHead;
        private final MessageSink sink = m -> events.add(MessageSignature.of(m, 0));

        Recorder(int maxHead) {
            this.maxHead = maxHead;
        }

        @Override
        public MessageSink sink() {
            return sink;
        }

        @Override
        public ConnectionInfo connection() {
            return ConnectionInfo.builder(Transport.TCP).build();
        }

        @Override
        public int maxMessageHeadBytes() {
            return maxHead;
        }

        @Override
        public void reportProblem(String kind, String message) {
            events.add("problem " + kind + ": " + message);
        }
    }

    /** One call to a parser, replayed on both. */
    private record Call(Direction direction, byte[] bytes, long lost, long ts) {
    }

    @Test
    void recordedSessionsGiveWhatTheByteWiseParserGave() {
        for (RecordedSession s : Http1ConformanceTest.recorded()) {
            List<Call> calls = new ArrayList<>();
            long ts = 1;
            for (RecordedSession.Segment seg : s.segments()) {
                calls.add(new Call(seg.direction(), seg.bytes(), 0, ts++));
            }
            compare(s.name(), calls, 64 * 1024, false, ByteOrder.BIG_ENDIAN);
        }
    }

    @Test
    void variantsOfTheSessionsGiveWhatTheByteWiseParserGave() {
        List<RecordedSession> sessions = Http1ConformanceTest.recorded();
        Random random = new Random(20261202);
        for (int round = 0; round < ROUNDS; round++) {
            // one or more sessions back to back, per direction, then cut and mutated
            ByteArrayOutputStream[] streams = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
            List<Direction> order = new ArrayList<>();
            int joined = 1 + random.nextInt(3);
            for (int j = 0; j < joined; j++) {
                RecordedSession s = sessions.get(random.nextInt(sessions.size()));
                for (RecordedSession.Segment seg : s.segments()) {
                    byte[] b = mutate(seg.bytes(), random);
                    order.add(seg.direction());
                    streams[seg.direction().ordinal()].writeBytes(b);
                    streams[seg.direction().ordinal()].writeBytes(new byte[] {(byte) 0xff}); // segment end marker
                }
            }
            List<Call> calls = cut(order, streams, random);
            int maxHead = switch (random.nextInt(6)) {
                case 0 -> 16 + random.nextInt(100);
                case 1 -> 600 + random.nextInt(600);
                default -> 64 * 1024;
            };
            compare("round " + round, calls, maxHead, random.nextBoolean(),
                    random.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        }
    }

    @Test
    void longHeadsAndLinesGiveWhatTheByteWiseParserGave() {
        Random random = new Random(7);
        for (int round = 0; round < 120; round++) {
            StringBuilder req = new StringBuilder("GET /" + "a".repeat(random.nextInt(2000)) + " HTTP/1.1\r\n");
            int headers = random.nextInt(120);
            for (int h = 0; h < headers; h++) {
                req.append("X-H").append(h).append(": ").append("v".repeat(random.nextInt(900))).append(random.nextInt(9) == 0 ? "\n" : "\r\n");
            }
            req.append(random.nextBoolean() ? "\r\n" : "\n");
            StringBuilder resp = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            resp.append(Integer.toHexString(1 + random.nextInt(50))).append(";x=").append("e".repeat(random.nextInt(6000))).append("\r\n");
            resp.append("z".repeat(random.nextInt(60))).append("\r\n0\r\nT: ").append("t".repeat(random.nextInt(6000))).append("\r\n\r\n");
            byte[] a = req.toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] b = resp.toString().getBytes(StandardCharsets.ISO_8859_1);
            List<Call> calls = new ArrayList<>();
            int step = 1 + random.nextInt(random.nextBoolean() ? 8 : 5000);
            for (int p = 0; p < Math.max(a.length, b.length); p += step) {
                if (p < a.length) {
                    calls.add(new Call(Direction.CLIENT_TO_SERVER, java.util.Arrays.copyOfRange(a, p, Math.min(a.length, p + step)), 0, p));
                }
                if (p < b.length) {
                    calls.add(new Call(Direction.SERVER_TO_CLIENT, java.util.Arrays.copyOfRange(b, p, Math.min(b.length, p + step)), 0, p));
                }
            }
            compare("long " + round, calls, random.nextBoolean() ? 64 * 1024 : 1000 + random.nextInt(30000), random.nextBoolean(),
                    ByteOrder.BIG_ENDIAN);
        }
    }

    /**
     * Heads made of the pieces the parser looks at, each in its odd forms: absolute-form and odd targets,
     * versions, the headers it keeps in any case with odd values (repeated, folded, empty, spaced), status lines
     * with interim, bodiless and error codes; then the exchanges cut at random.
     */
    @Test
    void craftedHeadsGiveWhatTheByteWiseParserGave() {
        String[] methods = {"GET", "HEAD", "POST", "PUT", "CONNECT", "OPTIONS", "MKCALENDAR", "PURGE", "BREW", "get"};
        String[] targets = {"/", "/a/b?c=d#e", "/a#f?g", "*", "http://h.example/x/y?z", "https://h:8443", "h://x",
            "://x/y", "ftp://h/p?q", "abcdefgh://x/y", "a://", "/p/://q", "?q", "#f", "", "/caf\u00e9", "/" + "s".repeat(300)};
        String[] versions = {"1.1", "1.0", "1.2", "1.10", "1.", "2.0"};
        String[] headers = {"Host: h.example", "host:h", "HOST:  spaced  ", "Host:", "Host: " + "l".repeat(300),
            "Content-Length: 0", "Content-Length: 5", "content-length: 3", "Content-Length: 5, 5", "Content-Length: -1",
            "Content-Length: 99999999999999999999", "Content-Length:", "Transfer-Encoding: chunked",
            "transfer-encoding: gzip, CHUNKED", "Transfer-Encoding: chunked, gzip",
            "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "traceparent: 00-short",
            "X-B3-TraceId: 80f198ee56343ba864fe8b2a57d3eff7", "x-b3-spanid: e457b5a2e4d86bd1",
            "uber-trace-id: 5a4b:6c7d:0:1", "uber-trace-id: nocolon", "User-Agent: curl/8.5.0",
            "user-agent: " + "u".repeat(400), "User-Agent:", "Connection: close", "Upgrade: websocket",
            "Expect: 100-continue", " folded continuation", "\tfolded", ": no name", "no colon at all",
            "X-Other: v", "Host : spaced-name", "Content-Length : 4"};
        String[] statuses = {"200 OK", "204 No Content", "304 Not Modified", "100 Continue", "101 Switching Protocols",
            "103 Early Hints", "404 Not Found", "500 Internal Server Error", "400", "401 ", "999 Odd", "20x Bad", "099 Low"};
        Random random = new Random(1202);
        for (int round = 0; round < 1500; round++) {
            StringBuilder client = new StringBuilder();
            StringBuilder server = new StringBuilder();
            int exchanges = 1 + random.nextInt(3);
            for (int e = 0; e < exchanges; e++) {
                String eol = random.nextInt(6) == 0 ? "\n" : "\r\n";
                client.append(methods[random.nextInt(methods.length)]).append(' ').append(targets[random.nextInt(targets.length)])
                        .append(" HTTP/").append(versions[random.nextInt(versions.length)]).append(eol);
                for (int h = random.nextInt(6); h > 0; h--) {
                    client.append(headers[random.nextInt(headers.length)]).append(eol);
                }
                client.append(eol).append("x".repeat(random.nextInt(4) == 0 ? random.nextInt(8) : 0));
                server.append("HTTP/").append(versions[random.nextInt(versions.length)]).append(' ')
                        .append(statuses[random.nextInt(statuses.length)]).append(eol);
                for (int h = random.nextInt(6); h > 0; h--) {
                    server.append(headers[random.nextInt(headers.length)]).append(eol);
                }
                server.append(eol);
                if (random.nextBoolean()) {
                    String chunked = "5\r\nhello\r\n0\r\n\r\n";
                    server.append(chunked, 0, random.nextBoolean() ? chunked.length() : random.nextInt(chunked.length() + 1));
                }
            }
            byte[][] bytes = {client.toString().getBytes(StandardCharsets.UTF_8), server.toString().getBytes(StandardCharsets.UTF_8)};
            List<Call> calls = new ArrayList<>();
            int[] pos = {0, 0};
            int step = random.nextBoolean() ? 1 + random.nextInt(12) : 1 + random.nextInt(500);
            while (pos[0] < bytes[0].length || pos[1] < bytes[1].length) {
                int s = pos[0] >= bytes[0].length ? 1 : pos[1] >= bytes[1].length ? 0 : random.nextInt(2);
                int n = Math.min(bytes[s].length - pos[s], 1 + random.nextInt(step));
                calls.add(new Call(Direction.values()[s], java.util.Arrays.copyOfRange(bytes[s], pos[s], pos[s] + n), 0, calls.size()));
                pos[s] += n;
            }
            compare("crafted " + round + ": " + client + " / " + server, calls, 64 * 1024, random.nextBoolean(), ByteOrder.BIG_ENDIAN);
        }
    }

    /** Replaces, inserts or removes a few bytes, mostly with bytes that matter to the head grammar. */
    private static byte[] mutate(byte[] b, Random random) {
        if (random.nextInt(3) == 0) {
            return b;
        }
        byte[] tokens = {'\r', '\n', ':', ' ', '\t', '0', '9', 'a', 'H', 'T', 'P', '/', '1', '.', ';', (byte) 0x80};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int edits = 1 + random.nextInt(4);
        int[] at = new int[edits];
        for (int e = 0; e < edits; e++) {
            at[e] = random.nextInt(b.length + 1);
        }
        java.util.Arrays.sort(at);
        int e = 0;
        for (int i = 0; i <= b.length; i++) {
            boolean drop = false;
            while (e < edits && at[e] == i) {
                switch (random.nextInt(4)) {
                    case 0 -> out.write(tokens[random.nextInt(tokens.length)]);
                    case 1 -> out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    case 2 -> drop = true;
                    default -> out.write(random.nextInt(256));
                }
                e++;
            }
            if (i < b.length && !drop) {
                out.write(b[i]);
            }
        }
        return out.toByteArray();
    }

    /** The two directions' bytes in calls of random sizes, interleaved as the segments were, with a few holes. */
    private static List<Call> cut(List<Direction> order, ByteArrayOutputStream[] streams, Random random) {
        byte[][] bytes = {streams[0].toByteArray(), streams[1].toByteArray()};
        int[] pos = {0, 0};
        List<Call> calls = new ArrayList<>();
        long ts = 0;
        int mode = random.nextInt(4); // 0: segments as recorded, 1: one byte at a time, 2: small pieces, 3: large
        for (Direction d : order) {
            int s = d.ordinal();
            int end = pos[s];
            while (end < bytes[s].length && bytes[s][end] != (byte) 0xff) {
                end++;
            }
            int p = pos[s];
            while (p < end) {
                int n = switch (mode) {
                    case 0 -> end - p;
                    case 1 -> 1;
                    case 2 -> 1 + random.nextInt(40);
                    default -> 1 + random.nextInt(400);
                };
                n = Math.min(n, end - p);
                if (random.nextInt(60) == 0) {
                    calls.add(new Call(d, null, n, ts));
                } else {
                    calls.add(new Call(d, java.util.Arrays.copyOfRange(bytes[s], p, p + n), 0, ts));
                }
                p += n;
                ts += random.nextInt(3);
            }
            pos[s] = end + 1;
        }
        return calls;
    }

    private static void compare(String name, List<Call> calls, int maxHead, boolean direct, ByteOrder byteOrder) {
        Recorder expected = new Recorder(maxHead);
        Recorder got = new Recorder(maxHead);
        run(new io.flowscope.plugins.http1.bytewise.Http1Parser(expected), calls, b -> view(b, false, ByteOrder.BIG_ENDIAN));
        run(new Http1ParserFactory().newParser(got), calls, b -> view(b, direct, byteOrder));
        assertEquals(expected.events, got.events, name + " (max head " + maxHead + ", " + (direct ? "direct" : "heap")
                + ", " + byteOrder + ")");
    }

    private static void run(ProtocolParser parser, List<Call> calls, Function<byte[], ByteBuffer> view) {
        for (Call c : calls) {
            if (c.bytes() == null) {
                parser.onGap(c.direction(), c.lost());
            } else {
                parser.onData(c.direction(), view.apply(c.bytes()), c.ts());
            }
        }
        parser.onClose();
    }

    /** The bytes at an offset inside a larger buffer, so that positions do not start at 0. */
    private static ByteBuffer view(byte[] b, boolean direct, ByteOrder order) {
        ByteBuffer backing = direct ? ByteBuffer.allocateDirect(b.length + 10) : ByteBuffer.allocate(b.length + 10);
        backing.position(3);
        backing.put(b);
        backing.position(3).limit(3 + b.length);
        return backing.asReadOnlyBuffer().order(order);
    }

    @Test
    void theComparisonSeesDifferences() {
        // guard against a comparison that passes trivially: the two recorders do differ when the bytes do
        Recorder a = new Recorder(64 * 1024);
        Recorder b = new Recorder(64 * 1024);
        run(new Http1ParserFactory().newParser(a), List.of(new Call(Direction.CLIENT_TO_SERVER,
                "GET /a HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0, 1)), x -> view(x, false, ByteOrder.BIG_ENDIAN));
        run(new Http1ParserFactory().newParser(b), List.of(new Call(Direction.CLIENT_TO_SERVER,
                "GET /b HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0, 1)), x -> view(x, false, ByteOrder.BIG_ENDIAN));
        assertEquals(1, a.events.size());
        org.junit.jupiter.api.Assertions.assertNotEquals(a.events, b.events);
    }
}
