package io.flowscope.api.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.Detection;
import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.MessageKind;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolDescriptor;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.ProtocolSwitch;
import io.flowscope.api.Transport;
import io.flowscope.api.testkit.RecordedSession.Segment;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The conformance suite every protocol plugin passes. Extend it in the plugin's tests, return the
 * factory and recorded sessions, and JUnit runs, for each session, the checks that apply to what the
 * plugin declares ({@link #capabilities()}); checks that do not apply are reported as skipped, with why:
 * <ul>
 *   <li>the whole session gives exactly the expected messages, every field of them
 *       ({@link MessageSignature}), each segment carrying its own capture time;</li>
 *   <li>streams: splitting any segment at any byte, and feeding the session one byte at a time, gives the
 *       same messages; datagrams: each datagram arrives whole, so splits do not apply;</li>
 *   <li>truncating the session at every byte (datagrams: cutting each datagram, flagged truncated),
 *       cutting holes into it ({@code onGap}, streams only) and feeding random bytes never makes the parser
 *       throw;</li>
 *   <li>after a hole (streams) or a garbage datagram, the parser still finds the messages that follow;</li>
 *   <li>the state the parser holds, measured by walking its objects (not its own {@code retainedBytes()}
 *       figure), stays within {@link ProtocolDescriptor#maxStateBytes()} after every call, also when one
 *       message grows far past every limit;</li>
 *   <li>multiplexed protocols: every request and response carries a stream or correlation id, and each
 *       response's id was a request's;</li>
 *   <li>the factory detects each session from its first bytes (sessions that start after a protocol switch,
 *       {@link RecordedSession.Builder#switchedFrom}, are not detected: their parser is handed the connection).</li>
 * </ul>
 * A protocol switch the parser asks for ({@code ParserContext.switchProtocol}) is one expected line,
 * {@code SWITCH protocol [request=METHOD resource] [hints={…}] client=N:CRC server=N:CRC}: the length and CRC-32 of
 * what the new protocol gets in each direction (the bytes handed over, then every byte fed after the switch), so
 * that every split point must hand over exactly the right bytes. As the host does, the kit calls the parser no more
 * once it switched.
 * A kit that finds no session fails. Sessions are expected to be small (a few KiB): the split checks are
 * quadratic in their length. Run with {@code -Dflowscope.kit.regenerate=true} to rewrite the expected
 * messages of sessions loaded from files with what the parser gives now (then review the diff).
 */
public abstract class ParserConformanceKit {

    /** Capture time of a session's first segment; segment {@code i} is {@code i} ms later. */
    public static final long T0 = 1_700_000_000_000_000L;

    /** What a protocol declares about itself, which decides the checks that apply. */
    public enum Capability {
        /** Ordered bytes per direction (TCP). */
        STREAM,
        /** Whole datagrams (UDP). */
        DATAGRAM,
        /** Messages carry stream or correlation ids and may interleave (HTTP/2, DNS, Kafka). */
        MULTIPLEXED
    }

    /** The factory under test. */
    protected abstract ProtocolParserFactory factory();

    /** Recorded sessions with their expected messages. */
    protected abstract List<RecordedSession> sessions();

    /** Bytes that open a message and never close it (e.g. {@code GET /}); repeated filler follows. */
    protected abstract byte[] unterminatedMessagePrefix();

    /** STREAM or DATAGRAM from the descriptor's transport; override to add MULTIPLEXED. */
    protected Set<Capability> capabilities() {
        return EnumSet.of(factory().descriptor().transport() == Transport.UDP ? Capability.DATAGRAM : Capability.STREAM);
    }

    private boolean datagrams() {
        return capabilities().contains(Capability.DATAGRAM);
    }

    @TestFactory
    Stream<DynamicTest> wholeSessionGivesExpectedMessages() {
        boolean regenerate = Boolean.getBoolean("flowscope.kit.regenerate");
        return perSession("whole", s -> {
            List<String> got = run(s, timed(s.segments()));
            if (regenerate && s.source() != null && !got.equals(s.expected())) {
                s.rewriteExpected(got);
                return;
            }
            assertEquals(s.expected(), got, s.name());
        });
    }

    @TestFactory
    Stream<DynamicTest> everySplitGivesTheSameMessages() {
        if (datagrams()) {
            return skipped("split", "a datagram protocol: each datagram arrives whole, so splits do not apply");
        }
        return perSession("split", s -> {
            List<Timed> segs = timed(s.segments());
            for (int i = 0; i < segs.size(); i++) {
                byte[] b = segs.get(i).bytes();
                for (int cut = 1; cut < b.length; cut++) {
                    List<Timed> split = new ArrayList<>(segs.subList(0, i));
                    split.add(segs.get(i).part(0, cut));
                    split.add(segs.get(i).part(cut, b.length));
                    split.addAll(segs.subList(i + 1, segs.size()));
                    List<String> got = run(s, split);
                    if (!got.equals(s.expected())) {
                        fail(s.name() + ": segment " + i + " cut at byte " + cut + " gave " + got
                                + " instead of " + s.expected());
                    }
                }
            }
            List<Timed> bytewise = new ArrayList<>();
            for (Timed seg : segs) {
                for (int k = 0; k < seg.bytes().length; k++) {
                    bytewise.add(seg.part(k, k + 1));
                }
            }
            assertEquals(s.expected(), run(s, bytewise), s.name() + " fed one byte at a time");
        });
    }

    @TestFactory
    Stream<DynamicTest> truncationNeverThrows() {
        if (datagrams()) {
            return perSession("truncated", s -> {
                for (Timed d : timed(s.segments())) {
                    for (int keep = 0; keep < d.bytes().length; keep++) {
                        Harness h = new Harness(s);
                        h.datagram(d.part(0, keep), true);
                        h.close();
                    }
                }
            });
        }
        return perSession("truncated", s -> {
            List<Timed> segs = timed(s.segments());
            int total = segs.stream().mapToInt(x -> x.bytes().length).sum();
            for (int keep = 0; keep < total; keep++) {
                List<Timed> prefix = new ArrayList<>();
                int left = keep;
                for (Timed seg : segs) {
                    if (left == 0) {
                        break;
                    }
                    int n = Math.min(left, seg.bytes().length);
                    prefix.add(seg.part(0, n));
                    left -= n;
                }
                run(s, prefix);
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> gapsNeverThrow() {
        if (datagrams()) {
            return skipped("gaps", "a datagram protocol: lost datagrams are simply not delivered, there are no holes");
        }
        return perSession("gaps", s -> {
            List<Timed> segs = timed(s.segments());
            for (int i = 0; i < segs.size(); i++) {
                byte[] b = segs.get(i).bytes();
                for (int from = 0; from < b.length; from += Math.max(1, b.length / 16)) {
                    int to = Math.min(b.length, from + 1 + b.length / 5);
                    Harness h = new Harness(s);
                    for (int j = 0; j < segs.size(); j++) {
                        Timed seg = segs.get(j);
                        if (j == i) {
                            h.data(seg.part(0, from));
                            h.gap(seg.direction(), to - from);
                            h.data(seg.part(to, b.length));
                        } else {
                            h.data(seg);
                        }
                    }
                    h.close();
                }
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> laterMessagesAreFoundAfterAGap() {
        return perSession("resync", s -> {
            List<Timed> segs = timed(s.segments());
            List<Timed> twice = new ArrayList<>(segs);
            for (Timed seg : segs) {
                twice.add(new Timed(seg.direction(), seg.bytes(), seg.ts() + segs.size() * 1000L));
            }
            List<String> once = s.expected().stream().map(MessageSignature::withoutTimes).toList();
            List<String> doubled = new ArrayList<>(once);
            doubled.addAll(once);
            Assumptions.assumeTrue(run(s, twice).stream().map(MessageSignature::withoutTimes).toList().equals(doubled),
                    "the session does not repeat on one connection (it ends at close, or upgrades), "
                            + "so resynchronisation is checked on the other sessions");
            Harness h = new Harness(s);
            Timed first = segs.get(0);
            if (datagrams()) {
                byte[] junk = new byte[Math.max(1, first.bytes().length)];
                new Random(7).nextBytes(junk);
                h.datagram(new Timed(first.direction(), junk, first.ts()), false);
            } else {
                // a hole in the middle of the first segment, the rest of the session, then the session again
                int half = first.bytes().length / 2;
                h.data(first.part(0, half));
                h.gap(first.direction(), first.bytes().length - half);
                for (int j = 1; j < segs.size(); j++) {
                    h.data(segs.get(j));
                }
            }
            int before = h.signatures().size();
            long later = segs.size() * 1000L;
            for (Timed seg : segs) {
                h.feed(new Timed(seg.direction(), seg.bytes(), seg.ts() + later));
            }
            h.close();
            List<String> tail = h.signatures().subList(before, h.signatures().size()).stream()
                    .map(MessageSignature::withoutTimes).toList();
            List<String> expected = s.expected().stream().map(MessageSignature::withoutTimes).toList();
            assertTrue(tail.size() >= expected.size() && tail.subList(tail.size() - expected.size(), tail.size()).equals(expected),
                    s.name() + ": after a " + (datagrams() ? "garbage datagram" : "gap") + " the parser gave " + tail
                            + " for a whole session that gives " + expected);
        });
    }

    @TestFactory
    Stream<DynamicTest> garbageNeverThrows() {
        return perSession("garbage", s -> {
            Random random = new Random(s.name().hashCode());
            for (int round = 0; round < 50; round++) {
                Harness h = new Harness(s);
                if (round % 2 == 1) {
                    // a valid prefix, then garbage
                    Segment first = s.segments().get(0);
                    h.feed(new Timed(first.direction(), first.bytes(), T0));
                }
                for (int k = 0; k < 20; k++) {
                    byte[] junk = new byte[1 + random.nextInt(700)];
                    random.nextBytes(junk);
                    Direction d = random.nextBoolean() ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
                    h.feed(new Timed(d, junk, T0 + k * 1000L));
                    if (!datagrams() && random.nextInt(8) == 0) {
                        h.gap(Direction.values()[random.nextInt(2)], 1 + random.nextInt(5000));
                    }
                }
                h.close();
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> stateStaysWithinBound() {
        return perSession("bounded", s -> {
            long bound = factory().descriptor().maxStateBytes();
            for (Direction d : Direction.values()) {
                Harness h = new Harness(s);
                h.feed(new Timed(d, unterminatedMessagePrefix(), T0));
                byte[] filler = new byte[1400];
                Arrays.fill(filler, (byte) 'a');
                long fed = 0;
                int i = 1;
                while (fed < 4 * bound + 1_000_000) {
                    h.feed(new Timed(d, filler, T0 + i++ * 1000L));
                    fed += filler.length;
                }
                // the parser must still work for the session afterwards or at least not throw
                for (Segment seg : s.segments()) {
                    h.feed(new Timed(seg.direction(), seg.bytes(), T0 + i++ * 1000L));
                }
                h.close();
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> multiplexedMessagesCarryTheirIds() {
        if (!capabilities().contains(Capability.MULTIPLEXED)) {
            return skipped("multiplexed", "not declared MULTIPLEXED: the host pairs this protocol first in, first out");
        }
        return perSession("multiplexed", s -> {
            Harness h = new Harness(s);
            for (Timed seg : timed(s.segments())) {
                h.feed(seg);
            }
            h.close();
            Set<Long> requests = new HashSet<>();
            for (L7Message m : h.messages) {
                if (m.kind() == MessageKind.SESSION) {
                    continue;
                }
                assertNotEquals(L7Message.NO_STREAM, m.streamId(), s.name() + ": " + m.kind() + " without a stream id");
                if (m.kind() == MessageKind.REQUEST) {
                    requests.add(m.streamId());
                } else {
                    assertTrue(requests.contains(m.streamId()), s.name() + ": response to stream " + m.streamId()
                            + " that no request opened");
                }
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> detectsItsOwnSessions() {
        return perSession("detect", s -> {
            Assumptions.assumeTrue(s.switchedFrom() == null, "the session starts after a protocol switch: its parser is "
                    + "handed the connection, never asked to detect it");
            Segment first = s.segments().get(0);
            Detection d = factory().detect(ByteBuffer.wrap(first.bytes()).asReadOnlyBuffer(), first.direction(), connection());
            assertEquals(Detection.MATCH, d, s.name() + ": first segment not detected");
            Detection none = factory().detect(ByteBuffer.allocate(0).asReadOnlyBuffer(), first.direction(), connection());
            assertNotEquals(Detection.MATCH, none, "an empty buffer cannot be a MATCH");
        });
    }

    private Stream<DynamicTest> perSession(String what, SessionCheck check) {
        List<RecordedSession> sessions = sessions();
        assertTrue(!sessions.isEmpty(), "the conformance kit found no recorded session: it checks nothing without "
                + "one (are the session files where sessions() looks?)");
        return sessions.stream().map(s -> DynamicTest.dynamicTest(what + ": " + s.name(), () -> check.check(s)));
    }

    private static Stream<DynamicTest> skipped(String what, String why) {
        return Stream.of(DynamicTest.dynamicTest(what + ": skipped, " + why, () -> Assumptions.abort(why)));
    }

    private List<String> run(RecordedSession s, List<Timed> segments) {
        Harness h = new Harness(s);
        for (Timed seg : segments) {
            h.feed(seg);
        }
        h.close();
        return h.signatures();
    }

    /** The session's segments with their capture times: segment {@code i} at {@code T0 + i} ms. */
    private static List<Timed> timed(List<Segment> segments) {
        List<Timed> out = new ArrayList<>(segments.size());
        for (int i = 0; i < segments.size(); i++) {
            out.add(new Timed(segments.get(i).direction(), segments.get(i).bytes(), T0 + i * 1000L));
        }
        return out;
    }

    /** Bytes of one direction with the capture time of the segment they came from. */
    private record Timed(Direction direction, byte[] bytes, long ts) {
        Timed part(int from, int to) {
            return new Timed(direction, Arrays.copyOfRange(bytes, from, to), ts);
        }
    }

    /** Connection used for every run; the client is 10.0.0.1:40000, the server 10.0.0.2 on the first default port. */
    protected ConnectionInfo connection() {
        ProtocolDescriptor d = factory().descriptor();
        int port = d.defaultPorts().stream().sorted().findFirst().orElse(9);
        try {
            return ConnectionInfo.builder(d.transport()).client(InetAddress.getByName("10.0.0.1"), 40000)
                    .server(InetAddress.getByName("10.0.0.2"), port).build();
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @FunctionalInterface
    private interface SessionCheck {
        void check(RecordedSession s) throws Exception;
    }

    /** Drives one parser, wraps each call to name the session and check the measured state bound. */
    private final class Harness implements MessageSink {
        private final RecordedSession session;
        private final ProtocolParser parser;
        private final ParserContext context;
        private final List<L7Message> messages = new ArrayList<>();
        /** Signatures of the messages, and the switch, in the order the parser gave them. */
        private final List<Object> events = new ArrayList<>();
        /** The switch the parser asked for, after which it is called no more. */
        private SwitchRecord switched;
        private final long bound = factory().descriptor().maxStateBytes();
        private long now = T0;
        private int calls;

        Harness(RecordedSession session) {
            this.session = session;
            ConnectionInfo connection = connection();
            MessageSink sink = this;
            this.context = new ParserContext() {
                @Override
                public MessageSink sink() {
                    return sink;
                }

                @Override
                public ConnectionInfo connection() {
                    return connection;
                }

                @Override
                public long nowMicros() {
                    return now;
                }

                @Override
                public void reportProblem(String kind, String message) {
                    // reported problems are allowed; they never stop the parser
                }

                @Override
                public ProtocolSwitch switchedFrom() {
                    return session.switchedFrom();
                }

                @Override
                public void switchProtocol(ProtocolSwitch protocolSwitch) {
                    if (switched == null) {
                        switched = new SwitchRecord(protocolSwitch);
                        events.add(switched);
                    }
                }
            };
            this.parser = factory().newParser(context);
        }

        @Override
        public void emit(L7Message message) {
            messages.add(message);
            events.add(MessageSignature.of(message, T0));
        }

        /** A segment as the protocol's transport delivers it. */
        void feed(Timed t) {
            if (datagrams()) {
                datagram(t, false);
            } else {
                data(t);
            }
        }

        void data(Timed t) {
            if (t.bytes().length == 0) {
                return;
            }
            now = t.ts();
            if (switched != null) {
                switched.fed(t.direction(), t.bytes());
                return;
            }
            guard("onData", () -> parser.onData(t.direction(), ByteBuffer.wrap(t.bytes()).asReadOnlyBuffer(), t.ts()));
        }

        void datagram(Timed t, boolean truncated) {
            now = t.ts();
            if (switched != null) {
                switched.fed(t.direction(), t.bytes());
                return;
            }
            guard("onDatagram", () -> parser.onDatagram(t.direction(), ByteBuffer.wrap(t.bytes()).asReadOnlyBuffer(),
                    t.ts(), truncated));
        }

        void gap(Direction d, long lost) {
            if (switched != null) {
                switched.lost(d, lost);
                return;
            }
            guard("onGap", () -> parser.onGap(d, lost));
        }

        void close() {
            if (switched == null) {
                guard("onClose", parser::onClose);
            }
        }

        List<String> signatures() {
            return events.stream().map(Object::toString).toList();
        }

        private void guard(String call, Runnable r) {
            try {
                r.run();
            } catch (RuntimeException e) {
                throw new AssertionError(session.name() + ": " + call + " threw " + e, e);
            }
            // measuring walks the parser's objects: every call for small inputs, then every 64th
            if (++calls < 256 || calls % 64 == 0) {
                long held = RetainedSize.of(parser, context, this, messages, events);
                if (held > bound) {
                    fail(session.name() + ": the parser holds " + held + " bytes (measured) after " + call
                            + ", over its stated bound of " + bound + " (it says it holds " + parser.retainedBytes() + ")");
                }
            }
        }
    }

    /** A switch the parser asked for, and what the new protocol gets from it on in each direction. */
    private static final class SwitchRecord {
        private final ProtocolSwitch protocolSwitch;
        private final long[] length = new long[2];
        private final java.util.zip.CRC32[] crc = {new java.util.zip.CRC32(), new java.util.zip.CRC32()};
        private final long[] lost = new long[2];

        SwitchRecord(ProtocolSwitch protocolSwitch) {
            this.protocolSwitch = protocolSwitch;
            for (ProtocolSwitch.HandedOver h : protocolSwitch.handedOver()) {
                byte[] b = new byte[h.length()];
                h.bytes().get(b);
                fed(h.direction(), b);
            }
        }

        void fed(Direction d, byte[] bytes) {
            length[d.ordinal()] += bytes.length;
            crc[d.ordinal()].update(bytes);
        }

        void lost(Direction d, long n) {
            lost[d.ordinal()] += n;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("SWITCH ").append(protocolSwitch.protocolId());
            L7Message r = protocolSwitch.request();
            if (r != null) {
                b.append(" request=").append(r.operation()).append(' ').append(r.resource());
            }
            if (!protocolSwitch.hints().isEmpty()) {
                b.append(" hints=").append(protocolSwitch.hints());
            }
            for (Direction d : Direction.values()) {
                b.append(d == Direction.CLIENT_TO_SERVER ? " client=" : " server=").append(length[d.ordinal()]).append(':')
                        .append(String.format("%08x", crc[d.ordinal()].getValue()));
                if (lost[d.ordinal()] > 0) {
                    b.append("+lost").append(lost[d.ordinal()]);
                }
            }
            return b.toString();
        }
    }
}
