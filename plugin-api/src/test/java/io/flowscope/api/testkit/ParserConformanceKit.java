package io.flowscope.api.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.flowscope.api.Detection;
import io.flowscope.api.Direction;
import io.flowscope.api.FlowInfo;
import io.flowscope.api.L7Message;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolDescriptor;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.testkit.RecordedSession.Segment;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The conformance suite every protocol plugin passes. Extend it in the plugin's tests, return the
 * factory and recorded sessions, and JUnit runs, for each session:
 * <ul>
 *   <li>the whole session gives exactly the expected messages;</li>
 *   <li>splitting any segment at any byte, and feeding the session one byte at a time, gives the same messages;</li>
 *   <li>truncating the session at every byte, cutting holes ({@code onGap}) into it and feeding random bytes
 *       (alone and after a valid prefix) never makes the parser throw;</li>
 *   <li>{@link ProtocolParser#retainedBytes()} stays within {@link ProtocolDescriptor#maxStateBytes()} after
 *       every call, also when one message grows far past every limit;</li>
 *   <li>the factory detects each session from its first bytes.</li>
 * </ul>
 * Sessions are expected to be small (a few KiB): the split checks are quadratic in their length.
 */
public abstract class ParserConformanceKit {

    private static final long T0 = 1_700_000_000_000_000L;

    /** The factory under test. */
    protected abstract ProtocolParserFactory factory();

    /** Recorded sessions with their expected messages. */
    protected abstract List<RecordedSession> sessions();

    /** Bytes that open a message and never close it (e.g. {@code GET /}); repeated filler follows. */
    protected abstract byte[] unterminatedMessagePrefix();

    @TestFactory
    Stream<DynamicTest> wholeSessionGivesExpectedMessages() {
        return perSession("whole", s -> assertEquals(s.expected(), run(s, s.segments()), s.name()));
    }

    @TestFactory
    Stream<DynamicTest> everySplitGivesTheSameMessages() {
        return perSession("split", s -> {
            List<Segment> segs = s.segments();
            for (int i = 0; i < segs.size(); i++) {
                byte[] b = segs.get(i).bytes();
                for (int cut = 1; cut < b.length; cut++) {
                    List<Segment> split = new ArrayList<>(segs.subList(0, i));
                    split.add(new Segment(segs.get(i).direction(), Arrays.copyOfRange(b, 0, cut)));
                    split.add(new Segment(segs.get(i).direction(), Arrays.copyOfRange(b, cut, b.length)));
                    split.addAll(segs.subList(i + 1, segs.size()));
                    List<String> got = run(s, split);
                    if (!got.equals(s.expected())) {
                        fail(s.name() + ": segment " + i + " cut at byte " + cut + " gave " + got
                                + " instead of " + s.expected());
                    }
                }
            }
            List<Segment> bytewise = new ArrayList<>();
            for (Segment seg : segs) {
                for (byte x : seg.bytes()) {
                    bytewise.add(new Segment(seg.direction(), new byte[] {x}));
                }
            }
            assertEquals(s.expected(), run(s, bytewise), s.name() + " fed one byte at a time");
        });
    }

    @TestFactory
    Stream<DynamicTest> truncationNeverThrows() {
        return perSession("truncated", s -> {
            int total = s.segments().stream().mapToInt(x -> x.bytes().length).sum();
            for (int keep = 0; keep < total; keep++) {
                List<Segment> prefix = new ArrayList<>();
                int left = keep;
                for (Segment seg : s.segments()) {
                    if (left == 0) {
                        break;
                    }
                    int n = Math.min(left, seg.bytes().length);
                    prefix.add(new Segment(seg.direction(), Arrays.copyOf(seg.bytes(), n)));
                    left -= n;
                }
                run(s, prefix);
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> gapsNeverThrow() {
        return perSession("gaps", s -> {
            List<Segment> segs = s.segments();
            for (int i = 0; i < segs.size(); i++) {
                byte[] b = segs.get(i).bytes();
                for (int from = 0; from < b.length; from += Math.max(1, b.length / 16)) {
                    int to = Math.min(b.length, from + 1 + b.length / 5);
                    Harness h = new Harness(s);
                    for (int j = 0; j < segs.size(); j++) {
                        Segment seg = segs.get(j);
                        if (j == i) {
                            h.data(seg.direction(), Arrays.copyOfRange(seg.bytes(), 0, from), j);
                            h.gap(seg.direction(), to - from);
                            h.data(seg.direction(), Arrays.copyOfRange(seg.bytes(), to, b.length), j);
                        } else {
                            h.data(seg.direction(), seg.bytes(), j);
                        }
                    }
                    h.close();
                }
            }
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
                    h.data(first.direction(), first.bytes(), 0);
                }
                for (int k = 0; k < 20; k++) {
                    byte[] junk = new byte[1 + random.nextInt(700)];
                    random.nextBytes(junk);
                    h.data(random.nextBoolean() ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT, junk, k);
                    if (random.nextInt(8) == 0) {
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
                h.data(d, unterminatedMessagePrefix(), 0);
                byte[] filler = new byte[1400];
                Arrays.fill(filler, (byte) 'a');
                long fed = 0;
                int i = 1;
                while (fed < 4 * bound + 1_000_000) {
                    h.data(d, filler, i++);
                    fed += filler.length;
                }
                // the parser must still work for the session afterwards or at least not throw
                for (Segment seg : s.segments()) {
                    h.data(seg.direction(), seg.bytes(), i++);
                }
                h.close();
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> detectsItsOwnSessions() {
        return perSession("detect", s -> {
            Segment first = s.segments().get(0);
            Detection d = factory().detect(ByteBuffer.wrap(first.bytes()).asReadOnlyBuffer(), first.direction(), flowInfo());
            assertEquals(Detection.MATCH, d, s.name() + ": first segment not detected");
            Detection none = factory().detect(ByteBuffer.allocate(0).asReadOnlyBuffer(), first.direction(), flowInfo());
            assertNotEquals(Detection.MATCH, none, "an empty buffer cannot be a MATCH");
        });
    }

    private Stream<DynamicTest> perSession(String what, SessionCheck check) {
        List<RecordedSession> sessions = sessions();
        assertTrue(!sessions.isEmpty(), "the conformance kit needs at least one recorded session");
        return sessions.stream().map(s -> DynamicTest.dynamicTest(what + ": " + s.name(), () -> check.check(s)));
    }

    private List<String> run(RecordedSession s, List<Segment> segments) {
        Harness h = new Harness(s);
        for (int i = 0; i < segments.size(); i++) {
            h.data(segments.get(i).direction(), segments.get(i).bytes(), i);
        }
        h.close();
        return h.signatures();
    }

    /** Connection used for every run; the client is 10.0.0.1:40000, the server 10.0.0.2 on the first default port. */
    protected FlowInfo flowInfo() {
        ProtocolDescriptor d = factory().descriptor();
        int port = d.defaultPorts().stream().findFirst().orElse(9);
        try {
            return new FlowInfo(d.transport(), InetAddress.getByName("10.0.0.1"), 40000,
                    InetAddress.getByName("10.0.0.2"), port);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @FunctionalInterface
    private interface SessionCheck {
        void check(RecordedSession s) throws Exception;
    }

    /** Drives one parser, wraps each call to name the session and check the state bound. */
    private final class Harness implements MessageSink {
        private final RecordedSession session;
        private final ProtocolParser parser;
        private final List<L7Message> messages = new ArrayList<>();
        private final long bound = factory().descriptor().maxStateBytes();

        Harness(RecordedSession session) {
            this.session = session;
            FlowInfo flow = flowInfo();
            MessageSink sink = this;
            this.parser = factory().newParser(new ParserContext() {
                @Override
                public MessageSink sink() {
                    return sink;
                }

                @Override
                public FlowInfo flow() {
                    return flow;
                }
            });
        }

        @Override
        public void emit(L7Message message) {
            messages.add(message);
        }

        void data(Direction d, byte[] bytes, int index) {
            if (bytes.length == 0) {
                return;
            }
            guard("onData", () -> parser.onData(d, ByteBuffer.wrap(bytes).asReadOnlyBuffer(), T0 + index * 1000L));
        }

        void gap(Direction d, long lost) {
            guard("onGap", () -> parser.onGap(d, lost));
        }

        void close() {
            guard("onClose", parser::onClose);
        }

        List<String> signatures() {
            return messages.stream().map(MessageSignature::of).toList();
        }

        private void guard(String call, Runnable r) {
            try {
                r.run();
            } catch (RuntimeException e) {
                throw new AssertionError(session.name() + ": " + call + " threw " + e, e);
            }
            long held = parser.retainedBytes();
            if (held > bound) {
                fail(session.name() + ": parser holds " + held + " bytes after " + call + ", over its stated bound of " + bound);
            }
        }
    }

}
