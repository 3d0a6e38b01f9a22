package io.flowscope.platform.pipeline;

import static io.flowscope.platform.testing.Frames.ACK;
import static io.flowscope.platform.testing.Frames.PSH;
import static io.flowscope.platform.testing.Frames.SYN;
import static io.flowscope.platform.testing.Frames.ethernet;
import static io.flowscope.platform.testing.Frames.tcp4;
import static io.flowscope.platform.testing.Frames.udp4;
import static io.flowscope.platform.testing.Frames.v4;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.FlowscopeApplication;
import io.flowscope.platform.flow.CloseType;
import io.flowscope.platform.testing.CaptureWriter;
import io.flowscope.platform.testing.Http;
import io.flowscope.platform.testing.TestServer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The server's flow table settings reach the pipelines it opens: an import through the API, with an established
 * timeout of 1 s and a table of two flows, splits a connection silent for 3 s into two flows (the first reported
 * as timed out) and evicts one of three concurrent UDP flows. With the defaults (300 s, 2,000,000) the same capture
 * is one TCP flow and three UDP flows, none evicted: {@code FlowGeneratorTest} covers that side.
 */
@SpringBootTest(classes = FlowscopeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FlowTableSettingsTest {

    static final Path data = TestServer.dataDir("flowscope-flow-table-settings");
    static final long T0 = 1_700_000_000_000_000L;
    static final byte[] C = v4("10.7.0.1");
    static final byte[] S = v4("10.7.0.2");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        TestServer.properties(r, data);
        r.add("flowscope.flow.timeout.established", () -> "1s");
        r.add("flowscope.flow.max-flows", () -> "2");
    }

    @LocalServerPort
    int port;

    @Autowired
    Pipelines pipelines;

    @TempDir
    Path dir;

    @Test
    void theSettingsShapeEverySourcesFlowTable() throws Exception {
        assertThat(pipelines.liveSettings().maxFlows()).isEqualTo(2);
        assertThat(pipelines.liveSettings().flowTimeouts().established()).isEqualTo(1_000_000);
        assertThat(pipelines.fileSettings().flowTimeouts().established()).isEqualTo(1_000_000);
        assertThat(pipelines.fileSettings().flowTimeouts().opening()).as("the default where nothing is set").isEqualTo(5_000_000);

        CaptureWriter w = CaptureWriter.pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 65535);
        for (int i = 0; i < 3; i++) { // three UDP flows at once in a table of two
            packet(w, T0 + i * 1000, udp4(C, 50000 + i, S, 53, new byte[20]));
        }
        long t = T0 + 100_000_000; // the UDP flows have timed out (30 s) before the TCP connection starts
        packet(w, t, tcp4(C, 40000, S, 80, 1000, 0, SYN, 64240, new byte[0]));
        packet(w, t + 100, tcp4(S, 80, C, 40000, 5000, 1001, SYN | ACK, 64240, new byte[0]));
        packet(w, t + 200, tcp4(C, 40000, S, 80, 1001, 5001, ACK, 502, new byte[0]));
        packet(w, t + 1000, tcp4(C, 40000, S, 80, 1001, 5001, PSH | ACK, 502, new byte[10]));
        packet(w, t + 3_001_000, tcp4(C, 40000, S, 80, 1011, 5001, PSH | ACK, 502, new byte[10])); // 3 s of silence
        Path pcap = w.write(dir.resolve("settings.pcap"));

        Http http = new Http(port);
        Http.Response r = http.postFile("/api/v1/import?name=settings.pcap", pcap);
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        JsonNode rows = http.get("/api/v1/flows?limit=100").json().get("rows");
        List<String> flows = new ArrayList<>();
        rows.forEach(f -> flows.add(f.get("protocol").asInt() + ":" + f.get("client_port").asInt() + ":"
                + f.get("close_type").asInt()));
        assertThat(flows).containsExactlyInAnyOrder(
                "17:50000:" + CloseType.EVICTED, // the longest idle when the third came
                "17:50001:" + CloseType.TIMEOUT, "17:50002:" + CloseType.TIMEOUT,
                "6:40000:" + CloseType.TIMEOUT, // silent for longer than the established timeout of 1 s
                "6:40000:" + CloseType.FORCED_REPORT);
    }

    private static void packet(CaptureWriter w, long micros, byte[] ip) {
        byte[] frame = ethernet(ip);
        w.packet(micros, frame, frame.length, 0);
    }
}
