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
import io.flowscope.api.ProtocolSwitch;
import io.flowscope.platform.metrics.PipelineCounters;
import io.flowscope.platform.testing.PipelineRun;
import io.flowscope.platform.testing.TcpConversation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A parser that switches its connection to another protocol (as HTTP/1.1's 101 does): the host makes its rows, hands
 * the bytes past the switch point and the rest of both directions to the named protocol's parser, which knows the
 * switch; a protocol nobody parses ends L7 for the connection, counted.
 */
class ProtocolSwitchTest {

    /**
     * Lines of text: {@code Qn …} a request, {@code An} its response; a line {@code UP <protocol>} (from the server)
     * answers the last request and switches, handing over what follows it in the chunk.
     */
    static final class Lines implements ProtocolParserFactory {
        final String id;
        final List<String> fed = new ArrayList<>();
        final List<ProtocolSwitch> startedFrom = new ArrayList<>();

        Lines(String id) {
            this.id = id;
        }

        @Override
        public ProtocolDescriptor descriptor() {
            return ProtocolDescriptor.builder(id).build();
        }

        @Override
        public Detection detect(ByteBuffer first, Direction direction, ConnectionInfo connection) {
            // only "a" is detected: "b" is reached by switching to it
            return id.equals("a") && first.remaining() > 0 && first.get(first.position()) == 'Q'
                    ? Detection.MATCH : Detection.NO_MATCH;
        }

        @Override
        public ProtocolParser newParser(ParserContext context) {
            startedFrom.add(context.switchedFrom());
            return new ProtocolParser() {
                L7Message lastRequest;

                @Override
                public void onData(Direction direction, ByteBuffer data, long ts) {
                    String s = StandardCharsets.US_ASCII.decode(data.duplicate()).toString();
                    fed.add(direction.name().charAt(0) + ":" + s);
                    int at = 0;
                    for (String line : s.split("\n")) {
                        at += line.length() + 1;
                        if (line.startsWith("Q")) {
                            lastRequest = L7Message.request(id).operation(line).build();
                            context.sink().emit(lastRequest);
                        } else if (line.startsWith("A")) {
                            context.sink().emit(L7Message.response(id).statusCode(200).build());
                        } else if (line.startsWith("UP ")) {
                            context.sink().emit(L7Message.response(id).statusCode(101).build());
                            context.switchProtocol(ProtocolSwitch.to(line.substring(3)).request(lastRequest)
                                    .hint("why", "test").handOver(direction, data.duplicate()
                                            .position(data.position() + Math.min(at, s.length())), ts).build());
                            return;
                        }
                    }
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

    final Lines a = new Lines("a");
    final Lines b = new Lines("b");
    final PipelineCounters counters = new PipelineCounters();

    private List<L7Record> run(List<byte[]> frames) {
        PipelineRun run = new PipelineRun(List.of(handle(a), handle(b)));
        run.frames(frames);
        return run.finish(counters).rows.requests;
    }

    private static ProtocolHandle handle(Lines f) {
        return new ProtocolHandle(f.id + "-plugin", f, f.descriptor(), (x, y, z, u, v) -> { }, FailurePolicy.DEFAULT);
    }

    @Test
    void theRestOfBothDirectionsGoesToTheNamedProtocolHandedOverBytesFirst() {
        List<byte[]> conn = new TcpConversation("10.9.0.1", 40000, "10.9.0.2", 9000)
                .request("Q1 upgrade me\n").response("UP b\nA1\n").request("Q3\n").response("A3\n").close();
        List<L7Record> rows = run(conn);
        assertThat(rows).extracting(r -> r.protocolId + " " + r.l7Protocol + " " + r.type + " "
                        + (r.request == null ? "-" : r.request.operation()) + " " + (r.response == null ? "-" : r.response.statusCode()))
                .containsExactly("a 127 SESSION Q1 upgrade me 101", "b 127 RESPONSE - 200", "b 127 SESSION Q3 200");
        assertThat(a.fed).containsExactly("C:Q1 upgrade me\n", "S:UP b\nA1\n");
        // the bytes after the switch point in the same chunk come first, as the old parser handed them over
        assertThat(b.fed).containsExactly("S:A1\n", "C:Q3\n", "S:A3\n");
        assertThat(b.startedFrom).singleElement().satisfies(sw -> {
            assertThat(sw.protocolId()).isEqualTo("b");
            assertThat(sw.request().operation()).isEqualTo("Q1 upgrade me");
            assertThat(sw.hint("why")).isEqualTo("test");
        });
        assertThat(counters.errors()).isEmpty();
        assertThat(counters.requests()).containsEntry("a", 1L).containsEntry("b", 1L);
    }

    @Test
    void aProtocolNobodyParsesEndsL7ForTheConnectionAndIsCounted() {
        List<byte[]> conn = new TcpConversation("10.9.0.1", 40001, "10.9.0.2", 9000)
                .request("Q1 websocket\n").response("UP websocket\nbinary frames\n").request("Q2 not a request\n").close();
        List<L7Record> rows = run(conn);
        assertThat(rows).extracting(r -> r.protocolId + " " + r.type).containsExactly("a SESSION");
        assertThat(a.fed).containsExactly("C:Q1 websocket\n", "S:UP websocket\nbinary frames\n");
        assertThat(b.fed).isEmpty();
        assertThat(counters.errors()).containsExactly(java.util.Map.entry("l7_switch_unparsed", 1L));
    }

    @Test
    void switchesBackAndForthStopAtTheBound() {
        StringBuilder server = new StringBuilder();
        for (int i = 0; i < L7Session.MAX_SWITCHES + 2; i++) {
            server.append("UP ").append(i % 2 == 0 ? "b" : "a").append('\n');
        }
        List<byte[]> conn = new TcpConversation("10.9.0.1", 40002, "10.9.0.2", 9000)
                .request("Q1\n").response(server.toString()).close();
        run(conn);
        // the request and the first server chunk, then one hand-over per switch made
        assertThat(a.fed.size() + b.fed.size()).isEqualTo(2 + L7Session.MAX_SWITCHES);
        assertThat(counters.errors()).containsEntry("l7_switch_unparsed", 1L);
    }
}
