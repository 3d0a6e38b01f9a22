package io.flowscope.platform.l7;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.Detection;
import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolDescriptor;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.platform.flow.Flow;
import io.flowscope.platform.flow.FlowGenerator;
import io.flowscope.platform.metrics.PipelineCounters;
import io.flowscope.platform.packet.MetaPacket;
import io.flowscope.platform.packet.PacketDecoder;
import io.flowscope.platform.testing.TcpConversation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * A plugin whose code throws loses only that connection's L7 session; only throwing on most of what it
 * sees disables it, for a cool-down; priorities keep a greedy detector from taking other protocols' flows.
 */
class PluginFailurePolicyTest {

    /** "ping" lines answered by "pong"; throws on the connections {@code throwsOn} picks (by client port). */
    static final class PingFactory implements ProtocolParserFactory {
        private final IntPredicate throwsOn;
        private final int priority;
        private final boolean greedy;

        PingFactory(IntPredicate throwsOn, int priority, boolean greedy) {
            this.throwsOn = throwsOn;
            this.priority = priority;
            this.greedy = greedy;
        }

        @Override
        public ProtocolDescriptor descriptor() {
            return ProtocolDescriptor.builder(greedy ? "greedy" : "ping").priority(priority).build();
        }

        @Override
        public Detection detect(ByteBuffer first, Direction direction, ConnectionInfo connection) {
            if (greedy) {
                return first.hasRemaining() ? Detection.MATCH : Detection.NEED_MORE_DATA;
            }
            return first.remaining() >= 4 && first.get(first.position()) == 'p' ? Detection.MATCH : Detection.NO_MATCH;
        }

        @Override
        public ProtocolParser newParser(ParserContext context) {
            int port = context.connection().clientPort();
            return new ProtocolParser() {
                @Override
                public void onData(Direction direction, ByteBuffer data, long ts) {
                    if (throwsOn.test(port)) {
                        throw new IllegalStateException("broken on port " + port);
                    }
                    String kind = direction == Direction.CLIENT_TO_SERVER ? "request" : "response";
                    L7Message.Builder b = kind.equals("request") ? L7Message.request(descriptor().id()) : L7Message.response(descriptor().id());
                    context.sink().emit(b.operation(greedy ? "ANY" : "PING").bytes(data.remaining()).time(ts, ts).build());
                }

                @Override
                public void onGap(Direction direction, long lostBytes) {
                }

                @Override
                public void onClose() {
                }

                @Override
                public long retainedBytes() {
                    return 0;
                }
            };
        }
    }

    /** Runs the given connections through a pipeline's frame entry with these protocols; returns the L7 rows. */
    static List<L7Record> run(List<ProtocolHandle> protocols, PipelineCounters counters, List<List<byte[]>> connections) {
        io.flowscope.platform.testing.PipelineRun run = new io.flowscope.platform.testing.PipelineRun(protocols);
        for (List<byte[]> frames : connections) {
            run.frames(frames);
        }
        return run.finish(counters).rows.requests;
    }

    static List<byte[]> ping(int clientPort) {
        return new TcpConversation("10.1.0.1", clientPort, "10.1.0.2", 7000).request("ping\n").response("pong\n").close();
    }

    final List<String> reported = new ArrayList<>();
    final ProtocolHandle.FailureListener listener = (plugin, during, error, connection, disabled) ->
            reported.add(plugin + " " + during + " " + connection + (disabled ? " DISABLED" : ""));

    @Test
    void aParserThatThrowsOnOneConnectionInAHundredKeepsWorkingForTheOthers() {
        ProtocolHandle h = new ProtocolHandle("ping-plugin", new PingFactory(port -> port == 40_050, 0, false),
                new PingFactory(p -> false, 0, false).descriptor(), listener, FailurePolicy.DEFAULT);
        List<List<byte[]>> conns = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            conns.add(ping(40_000 + i));
        }
        List<L7Record> rows = run(List.of(h), new PipelineCounters(), conns);
        assertThat(rows).hasSize(99);
        assertThat(h.enabled()).isTrue();
        assertThat(h.failureCount()).isEqualTo(1);
        assertThat(reported).singleElement().asString().contains("onData", "10.1.0.1", "40050").doesNotContain("DISABLED");
    }

    @Test
    void aParserThatThrowsOnEverythingIsDisabledForItsCoolDownAndCanBeEnabledAgain() throws Exception {
        FailurePolicy policy = new FailurePolicy(5, 0.5, Duration.ofMinutes(1), Duration.ofMillis(300));
        ProtocolHandle h = new ProtocolHandle("ping-plugin", new PingFactory(port -> true, 0, false),
                new PingFactory(p -> false, 0, false).descriptor(), listener, policy);
        List<List<byte[]>> conns = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            conns.add(ping(41_000 + i));
        }
        assertThat(run(List.of(h), new PipelineCounters(), conns)).isEmpty();
        assertThat(h.enabled()).isFalse();
        assertThat(h.failureCount()).isEqualTo(5); // disabled at the fifth; the rest were not tried
        assertThat(reported.get(4)).endsWith("DISABLED");
        Thread.sleep(400);
        assertThat(h.enabled()).as("back after the cool-down").isTrue();
        h.failed("onData", new IllegalStateException("x"), "test");
        h.enable();
        assertThat(h.enabled()).isTrue();
    }

    @Test
    void aGreedyDetectorDoesNotTakeTheFlowsOfAStricterProtocol() {
        // "greedy" says MATCH to everything, and sorts before "ping" by id; ping's higher priority wins
        ProtocolHandle greedy = new ProtocolHandle("a-greedy", new PingFactory(p -> false, 0, true),
                new PingFactory(p -> false, 0, true).descriptor(), listener, FailurePolicy.DEFAULT);
        PingFactory strict = new PingFactory(p -> false, 10, false);
        ProtocolHandle ping = new ProtocolHandle("ping-plugin", strict, strict.descriptor(), listener, FailurePolicy.DEFAULT);
        PipelineCounters counters = new PipelineCounters();
        List<List<byte[]>> conns = List.of(ping(42_000), ping(42_001),
                new TcpConversation("10.1.0.1", 42_002, "10.1.0.2", 7000).request("hello\n").close());
        List<L7Record> rows = run(List.of(greedy, ping), counters, conns);
        assertThat(rows).extracting(r -> r.protocolId).containsExactly("ping", "ping", "greedy");
        assertThat(counters.errors()).containsEntry("l7_ambiguous_detection", 2L);
    }

    static String ascii(ByteBuffer b) {
        return StandardCharsets.US_ASCII.decode(b.duplicate()).toString();
    }
}
