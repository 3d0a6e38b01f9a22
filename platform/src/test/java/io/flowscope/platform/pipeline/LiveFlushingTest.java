package io.flowscope.platform.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.FlowscopeApplication;
import io.flowscope.platform.flow.CloseType;
import io.flowscope.platform.flow.FlowReport;
import io.flowscope.platform.testing.Http;
import io.flowscope.platform.testing.PipelineRun;
import io.flowscope.platform.testing.TcpConversation;
import io.flowscope.platform.testing.TestServer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Live-ready flushing: a frame source driven by the test, in the server, as a live capture would feed it
 * (packets stamped with the wall clock, the source ticking while it waits for more), makes each flow
 * queryable through {@code /api/v1/flows} within 1 s of its end; and a flow that lives two minutes is
 * reported every minute, its reports summing to its totals.
 */
@SpringBootTest(classes = FlowscopeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// closed after its tests: a cached server context (its DuckDB, pools and threads) would load the timing-sensitive
// whole-application tests that run after it
@DirtiesContext
class LiveFlushingTest {

    static final Path data = TestServer.dataDir("flowscope-live-flush-test");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        TestServer.properties(r, data);
    }

    @LocalServerPort
    int port;

    @Autowired
    Pipelines pipelines;

    @Test
    void eachFlowIsQueryableWithinOneSecondOfItsEnd() throws Exception {
        Http http = new Http(port);
        // the first request of a server starts its dispatcher: not what is measured here
        assertThat(http.get("/api/v1/flows?port=1").status()).isEqualTo(200);
        try (Pipeline p = pipelines.open("test-live", PipelineSettings.forLive())) {
            for (int i = 0; i < 3; i++) {
                int clientPort = 45_000 + i;
                List<byte[]> frames = new TcpConversation("10.20.0.1", clientPort, "10.20.0.2", 8080)
                        .request("GET / HTTP/1.1\r\nHost: x\r\n\r\n").response("HTTP/1.1 204 No Content\r\n\r\n").close();
                for (byte[] f : frames) {
                    p.frames().frame(ByteBuffer.wrap(f), 0, f.length, f.length, System.currentTimeMillis() * 1000, 1, 0);
                }
                long end = System.nanoTime();
                long visibleAfter = -1;
                while (System.nanoTime() - end < 3_000_000_000L) {
                    p.tick(); // the source waits for its next packet: it ticks
                    JsonNode r = http.get("/api/v1/flows?port=" + clientPort).json();
                    if (r.get("count").asInt() == 1) {
                        visibleAfter = (System.nanoTime() - end) / 1_000_000;
                        assertThat(r.get("rows").get(0).get("close_type").asInt()).isEqualTo(CloseType.NORMAL);
                        break;
                    }
                    Thread.sleep(20);
                }
                assertThat(visibleAfter).as("ms from the flow's end until /api/v1/flows shows it")
                        .isBetween(0L, 1000L);
                JsonNode req = http.get("/api/v1/requests?port=" + clientPort).json();
                assertThat(req.get("count").asInt()).as("its request too").isEqualTo(1);
            }
        }
    }

    @Test
    void aFlowOfTwoMinutesIsReportedEveryMinuteAndItsReportsSumToItsTotals() {
        PipelineRun run = new PipelineRun(List.of());
        TcpConversation c = new TcpConversation("10.21.0.1", 46_000, "10.21.0.2", 9000);
        List<byte[]> frames = c.request("a".repeat(100)).response("b".repeat(200)).request("c".repeat(300))
                .response("d".repeat(400)).close();
        // handshake and first exchange now, the second exchange 70 s later, the close 130 s after the start
        run.frames(frames.subList(0, 7)).after(70_000_000).frames(frames.subList(7, 11))
                .after(60_000_000).frames(frames.subList(11, frames.size()));
        run.finish(null);
        List<FlowReport> reports = run.rows.flows;
        assertThat(reports.size()).as("reports of a flow that lived 130 s").isGreaterThanOrEqualTo(2);
        assertThat(reports).extracting(r -> r.flowId()).containsOnly(reports.get(0).flowId());
        assertThat(reports.get(0).newFlow).isTrue();
        assertThat(reports.subList(1, reports.size())).allMatch(r -> !r.newFlow);
        assertThat(reports.subList(0, reports.size() - 1)).allMatch(r -> r.closeType == CloseType.FORCED_REPORT);
        assertThat(reports.get(reports.size() - 1).closeType).isEqualTo(CloseType.NORMAL);
        // from the client: SYN, ACK, 2 requests, 2 ACKs of responses, FIN, the last ACK; the server the other 6
        assertThat(reports.get(0).count(FlowReport.PACKET_TX)).isLessThan(8);
        assertThat(sum(reports, FlowReport.PACKET_TX)).isEqualTo(8);
        assertThat(sum(reports, FlowReport.PACKET_RX)).isEqualTo(6);
        assertThat(sum(reports, FlowReport.L4_BYTE_TX)).isEqualTo(400);
        assertThat(sum(reports, FlowReport.L4_BYTE_RX)).isEqualTo(600);
        assertThat(sum(reports, FlowReport.FIN)).isEqualTo(2);
        assertThat(sum(reports, FlowReport.SYN)).isEqualTo(1);
    }

    static long sum(List<FlowReport> reports, int index) {
        return reports.stream().mapToLong(r -> r.count(index)).sum();
    }
}
