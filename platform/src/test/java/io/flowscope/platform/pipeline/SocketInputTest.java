package io.flowscope.platform.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.Detection;
import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolDescriptor;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.platform.connection.Connection;
import io.flowscope.platform.l7.FailurePolicy;
import io.flowscope.platform.l7.ProtocolHandle;
import io.flowscope.platform.testing.PipelineRun;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The socket entry point on its own: quiet connections, lost chunks, reused socket ids, unknown ones. */
class SocketInputTest {

    /** One request per line from the client, one response per line from the server. */
    static final class Lines implements ProtocolParserFactory {
        @Override
        public ProtocolDescriptor descriptor() {
            return ProtocolDescriptor.builder("lines").build();
        }

        @Override
        public Detection detect(ByteBuffer first, Direction direction, ConnectionInfo connection) {
            return Detection.MATCH;
        }

        @Override
        public ProtocolParser newParser(ParserContext context) {
            return new ProtocolParser() {
                @Override
                public void onData(Direction d, ByteBuffer data, long ts) {
                    for (String line : StandardCharsets.US_ASCII.decode(data).toString().split("\\n")) {
                        context.sink().emit((d == Direction.CLIENT_TO_SERVER ? L7Message.request("lines").operation(line)
                                : L7Message.response("lines").statusCode(0)).time(ts, ts).build());
                    }
                }

                @Override
                public void onGap(Direction d, long lost) {
                }

                @Override
                public void onClose() {
                }

                @Override
                public void onExpire() {
                }

                @Override
                public long retainedBytes() {
                    return 0;
                }
            };
        }
    }

    final PipelineRun run = new PipelineRun(List.of(new ProtocolHandle("lines", new Lines(), new Lines().descriptor(),
            (a, b, c, d, e) -> { }, FailurePolicy.DEFAULT)));
    final SocketInput in = run.pipeline.sockets();
    long t = 1_700_000_000_000_000L;

    void chunk(long id, int side, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        in.data(id, side, ByteBuffer.wrap(b), 0, b.length, b.length, t);
    }

    Connection.Builder conn(int port) {
        return Connection.builder(6).signalSource(Connection.SIGNAL_EBPF).process(1, 812, 813, "db")
                .client(true, 0, 0x0a000001, port).server(0, 0x0a000002, 5432);
    }

    @Test
    void aConnectionQuietForLongerThanTheIdleTimeStaysOpenWhenItsNextChunkComes() {
        in.open(1, conn(40000), t);
        chunk(1, 0, "Q1");
        t += PipelineSettings.forFiles().socketIdleMicros() + 10_000_000;
        chunk(1, 1, "A1");
        in.close(1, t);
        run.finish(null);
        assertThat(run.rows.requests).extracting(r -> r.type + " " + r.request.operation()).containsExactly("SESSION Q1");
        assertThat(run.rows.requests.get(0).connection.processName()).isEqualTo("db");
        assertThat(run.pipeline.counters().errors()).isEmpty();
    }

    @Test
    void idleConnectionsEndWhenTheClockPassesThemAndChunksOfUnknownOnesAreCounted() {
        in.open(1, conn(40001), t);
        chunk(1, 0, "Q1");
        in.open(2, conn(40002), t);
        t += PipelineSettings.forFiles().socketIdleMicros() + 2_000_000;
        chunk(2, 0, "Q2"); // moves the clock: connection 1 has been idle too long
        chunk(1, 1, "A1");
        in.gap(2, 0, 100);
        in.open(2, conn(40003), t); // the source reuses its id: connection 2 is over
        chunk(2, 0, "Q3");
        run.finish(null);
        assertThat(run.rows.requests).extracting(r -> r.type + " " + r.request.operation() + " " + r.status)
                .containsExactly("REQUEST Q1 TIMEOUT", "REQUEST Q2 UNKNOWN", "REQUEST Q3 UNKNOWN");
        assertThat(run.pipeline.counters().errors()).containsEntry("socket_data_without_connection", 1L);
        assertThat(run.rows.requests).extracting(r -> r.connection.id()).doesNotHaveDuplicates();
    }
}
