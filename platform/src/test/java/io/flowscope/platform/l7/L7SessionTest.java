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
import io.flowscope.platform.metrics.PipelineCounters;
import io.flowscope.platform.pipeline.PipelineSettings;
import io.flowscope.platform.testing.PipelineRun;
import io.flowscope.platform.testing.TcpConversation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Detection, replay, stream-id pairing and the end of a session, through the pipeline's public entry. */
class L7SessionTest {

    /** Needs 10 bytes to decide; then records every chunk it is fed, and pairs by the line's stream id. */
    static class Recording implements ProtocolParserFactory {
        final List<String> fed = new ArrayList<>();
        final List<String> calls = new ArrayList<>();

        @Override
        public ProtocolDescriptor descriptor() {
            return ProtocolDescriptor.builder("rec").build();
        }

        @Override
        public Detection detect(ByteBuffer first, Direction direction, ConnectionInfo connection) {
            calls.add("detect " + first.remaining());
            return first.remaining() < 10 ? Detection.NEED_MORE_DATA : Detection.MATCH;
        }

        @Override
        public ProtocolParser newParser(ParserContext context) {
            return new ProtocolParser() {
                @Override
                public void onData(Direction direction, ByteBuffer data, long ts) {
                    String s = StandardCharsets.US_ASCII.decode(data.duplicate()).toString();
                    fed.add(direction.name().charAt(0) + ":" + s);
                    for (String line : s.split("\n")) {
                        if (line.startsWith("Q")) {
                            context.sink().emit(L7Message.request("rec").streamId(line.charAt(1) - '0').operation(line).build());
                        } else if (line.startsWith("A")) {
                            context.sink().emit(L7Message.response("rec").streamId(line.charAt(1) - '0').statusCode(0).build());
                        }
                    }
                }

                @Override
                public void onGap(Direction direction, long lostBytes) {
                }

                @Override
                public void onClose() {
                    calls.add("close");
                }

                @Override
                public void onExpire() {
                    calls.add("expire");
                }

                @Override
                public long retainedBytes() {
                    return 0;
                }
            };
        }
    }

    @Test
    void detectionWaitsForEnoughBytesThenReplaysEverythingAndPairsByStreamId() {
        Recording f = new Recording();
        ProtocolHandle h = new ProtocolHandle("rec", f, f.descriptor(), (a, b, c, d, e) -> { }, FailurePolicy.DEFAULT);
        List<byte[]> conn = new TcpConversation("10.7.0.1", 40000, "10.7.0.2", 9000)
                .request("Q1\n").request("Q2\nxxxx\n").response("A2\n").response("A1\n").close();
        List<L7Record> rows = PluginFailurePolicyTest.run(List.of(h), new PipelineCounters(), List.of(conn));
        // 3 bytes: not enough; 3 + 8 = 11: MATCH, and both chunks are replayed in order
        assertThat(f.calls.subList(0, 2)).containsExactly("detect 3", "detect 11");
        assertThat(f.fed).containsExactly("C:Q1\n", "C:Q2\nxxxx\n", "S:A2\n", "S:A1\n");
        assertThat(rows).extracting(r -> r.type + " " + r.request.operation() + " " + r.request.streamId())
                .containsExactly("SESSION Q2 2", "SESSION Q1 1");
        assertThat(f.calls).endsWith("close");
    }

    @Test
    void aFlowThatEndsWithoutClosingExpiresItsParserAndItsRequestsStayUnanswered() {
        Recording f = new Recording();
        ProtocolHandle h = new ProtocolHandle("rec", f, f.descriptor(), (a, b, c, d, e) -> { }, FailurePolicy.DEFAULT);
        TcpConversation c = new TcpConversation("10.7.0.1", 40001, "10.7.0.2", 9000).request("Q3 waiting\n");
        List<byte[]> open = new ArrayList<>(c.close());
        open.subList(open.size() - 3, open.size()).clear(); // no FIN: the capture ends with the flow open
        List<L7Record> rows = PluginFailurePolicyTest.run(List.of(h), new PipelineCounters(), List.of(open));
        assertThat(f.calls).endsWith("expire");
        assertThat(rows).extracting(r -> r.type + " " + r.status).containsExactly("REQUEST UNKNOWN");
    }

    @Test
    void whatFlowsHoldWhileDetectingStaysWithinThePipelinesBudgetAndIsGivenBack() {
        ProtocolParserFactory undecided = new Recording() {
            @Override
            public Detection detect(ByteBuffer first, Direction direction, ConnectionInfo connection) {
                return Detection.NEED_MORE_DATA;
            }
        };
        ProtocolHandle h = new ProtocolHandle("rec", undecided, undecided.descriptor(), (a, b, c, d, e) -> { },
                FailurePolicy.DEFAULT);
        PipelineRun run = new PipelineRun(List.of(h), withBudgets(100, L7Pipeline.DEFAULT_PAIRING_BUDGET));
        io.flowscope.platform.budget.ByteBudget budget = run.pipeline.l7().budgets().detection();
        long peak = 0;
        List<List<byte[]>> conns = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // all five open before any closes: their held bytes add up
            conns.add(new TcpConversation("10.8.0.1", 41_000 + i, "10.8.0.2", 9000).request("y".repeat(60)).close());
        }
        for (int k = 0; k < conns.get(0).size(); k++) {
            for (List<byte[]> frames : conns) {
                run.frames(List.of(frames.get(k)));
                peak = Math.max(peak, budget.used());
            }
        }
        run.finish(null);
        assertThat(peak).isLessThanOrEqualTo(100);
        // the least recently active holder gives way to the newcomer: four evictions, each of an older flow
        assertThat(budget.evictions()).isEqualTo(4);
        assertThat(run.pipeline.counters().errors()).containsEntry("l7_detection_budget", 4L);
        assertThat(budget.used()).isZero();
    }

    static PipelineSettings withBudgets(long detection, long pairing) {
        PipelineSettings d = PipelineSettings.forFiles();
        return new PipelineSettings(d.maxFlows(), d.reassemblyBudget(), detection, pairing, d.parserStateBudget(),
                d.commitAgeMillis(), false, d.socketIdleMicros(),
                d.fragmentBudget(), d.fragmentTimeoutMicros());
    }

    @Test
    void overThePairingBudgetTheLeastRecentlyActiveConnectionsWaitingRequestsAreReportedNotTheNewcomers() {
        Recording f = new Recording();
        ProtocolHandle h = new ProtocolHandle("rec", f, f.descriptor(), (a, b, c, d, e) -> { }, FailurePolicy.DEFAULT);
        // room for two waiting requests (each is estimated at 282 bytes: 256 and its 13-char operation)
        PipelineRun run = new PipelineRun(List.of(h), withBudgets(L7Pipeline.DEFAULT_DETECTION_BUDGET, 600));
        List<List<byte[]>> conns = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            conns.add(new TcpConversation("10.9.0.1", 42_000 + i, "10.9.0.2", 9000)
                    .request("Q" + (i + 1) + " waits....\n").response("A" + (i + 1) + "\n").close());
        }
        // the three requests go out first (handshakes, then each request), then the responses
        for (int k = 0; k < 5; k++) {
            for (List<byte[]> frames : conns) {
                run.frames(List.of(frames.get(k)));
            }
        }
        assertThat(run.rows.requests).extracting(r -> r.type + " " + r.request.operation().substring(0, 2) + " " + r.status)
                .as("the first connection's request made room for the third's").containsExactly("REQUEST Q1 UNKNOWN");
        for (List<byte[]> frames : conns) {
            run.frames(frames.subList(5, frames.size()));
        }
        run.finish(null);
        assertThat(run.rows.requests).extracting(r -> r.type + " " + (r.request != null ? r.request.operation().substring(0, 2) : "-"))
                .containsExactly("REQUEST Q1", "RESPONSE -", "SESSION Q2", "SESSION Q3");
        assertThat(run.pipeline.counters().errors()).containsEntry("l7_pairing_budget", 1L);
        assertThat(run.pipeline.l7().budgets().pairing().used()).isZero();
    }

    /** Keeps every chunk it is fed as retained state, and counts how often it was fed. */
    static class Hoarding extends Recording {
        @Override
        public ProtocolParser newParser(ParserContext context) {
            return new ProtocolParser() {
                long held;

                @Override
                public void onData(Direction direction, ByteBuffer data, long ts) {
                    held += data.remaining();
                    fed.add("x");
                }

                @Override
                public void onGap(Direction direction, long lostBytes) {
                }

                @Override
                public void onClose() {
                }

                @Override
                public void onExpire() {
                }

                @Override
                public long retainedBytes() {
                    return held;
                }
            };
        }
    }

    @Test
    void overTheParserStateBudgetTheLeastRecentlyActiveParsersSessionEndsAndTheBudgetHolds() {
        Hoarding f = new Hoarding();
        ProtocolHandle h = new ProtocolHandle("rec", f, f.descriptor(), (a, b, c, d, e) -> { }, FailurePolicy.DEFAULT);
        PipelineSettings d = PipelineSettings.forFiles();
        PipelineRun run = new PipelineRun(List.of(h), new PipelineSettings(d.maxFlows(), d.reassemblyBudget(),
                d.detectionBudget(), d.pairingBudget(), 1000, d.commitAgeMillis(), false, d.socketIdleMicros(),
                d.fragmentBudget(), d.fragmentTimeoutMicros()));
        List<List<byte[]>> conns = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            conns.add(new TcpConversation("10.9.1.1", 43_000 + i, "10.9.1.2", 9000).request("z".repeat(400)).close());
        }
        long peak = 0;
        for (int k = 0; k < conns.get(0).size(); k++) {
            for (List<byte[]> frames : conns) {
                run.frames(List.of(frames.get(k)));
                peak = Math.max(peak, run.pipeline.l7().budgets().parserState().used());
            }
        }
        run.finish(null);
        // 4 × 400 bytes do not fit in 1000: the oldest parsers were dropped when the newer ones needed room
        assertThat(peak).isLessThanOrEqualTo(1000 + 400);
        assertThat(run.pipeline.l7().budgets().parserState().used()).isZero();
        assertThat(run.pipeline.counters().errors()).containsEntry("l7_parser_state_budget", 2L);
    }

    @Test
    void aParserEvictedWhileItsHeldBytesAreReplayedIsNotBlamedOnItsPlugin() {
        Hoarding f = new Hoarding() {
            @Override
            public Detection detect(ByteBuffer first, Direction direction, ConnectionInfo connection) {
                return first.remaining() < 700 ? Detection.NEED_MORE_DATA : Detection.MATCH;
            }
        };
        ProtocolHandle h = new ProtocolHandle("rec", f, f.descriptor(), (a, b, c, d, e) -> { }, FailurePolicy.DEFAULT);
        PipelineSettings d = PipelineSettings.forFiles();
        PipelineRun run = new PipelineRun(List.of(h), new PipelineSettings(d.maxFlows(), d.reassemblyBudget(),
                d.detectionBudget(), d.pairingBudget(), 300, d.commitAgeMillis(), false, d.socketIdleMicros(),
                d.fragmentBudget(), d.fragmentTimeoutMicros()));
        // two chunks held while detecting; replaying the first takes the parser over its budget
        run.frames(new TcpConversation("10.9.2.1", 44_000, "10.9.2.2", 9000).request("p".repeat(400))
                .request("q".repeat(400)).close());
        run.finish(null);
        assertThat(f.fed).as("the second held chunk is not fed to a parser that is gone").hasSize(1);
        assertThat(h.failureCount()).isZero();
        assertThat(run.pipeline.counters().errors()).containsEntry("l7_parser_state_budget", 1L);
        assertThat(run.pipeline.l7().budgets().parserState().used()).isZero();
    }

    @Test
    void aFlowThatExpiresHalfClosedTimesItsWaitingRequestsOut() {
        Recording f = new Recording();
        ProtocolHandle h = new ProtocolHandle("rec", f, f.descriptor(), (a, b, c, d, e) -> { }, FailurePolicy.DEFAULT);
        PipelineRun run = new PipelineRun(List.of(h));
        List<byte[]> frames = new TcpConversation("10.9.3.1", 44_100, "10.9.3.2", 9000).request("Q1 no answer\n").close();
        // the client's FIN only: the server never closes, and the flow expires half-closed
        run.frames(frames.subList(0, frames.size() - 2));
        run.after(io.flowscope.platform.flow.FlowGenerator.TCP_IDLE_TIMEOUT + 2_000_000)
                .frames(new TcpConversation("10.9.3.5", 44_101, "10.9.3.6", 9000).close());
        run.finish(null);
        assertThat(run.rows.requests).extracting(r -> r.type + " " + r.status).containsExactly("REQUEST TIMEOUT");
        assertThat(run.rows.flows.get(0).closeType).isEqualTo(io.flowscope.platform.flow.CloseType.CLIENT_HALF_CLOSE);
    }
}
