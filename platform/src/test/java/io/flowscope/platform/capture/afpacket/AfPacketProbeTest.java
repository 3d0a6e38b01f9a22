package io.flowscope.platform.capture.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.FlowscopeApplication;
import io.flowscope.platform.testing.Http;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.TestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The AF_PACKET probe plugin in the server, as {@code flowscope run} starts it: loopback captured through
 * the host's rings, its flows queryable, the server's own API traffic left out in the kernel, each
 * interface's counters in {@code /api/v1/probes} and in the metrics, and a restart that leaves no socket or
 * mapping behind.
 */
@Privileged
@SpringBootTest(classes = FlowscopeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class AfPacketProbeTest {

    static final Path data = TestServer.dataDir("flowscope-afpacket-probe-test");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        TestServer.properties(r, data);
        r.add("flowscope.probes.afpacket.enabled", () -> "true"); // the build turns it off for other server tests
        r.add("flowscope.probes.afpacket.interfaces", () -> "lo");
    }

    @LocalServerPort
    int port;

    @Test
    void loopbackIsCapturedExceptTheServersOwnTrafficAndRestartsCleanly() throws Exception {
        Http http = new Http(port);
        JsonNode probe = afpacket(http);
        assertThat(probe.get("state").asText()).as(probe.toString()).isEqualTo("RUNNING");
        assertThat(probe.get("detail").asText()).isEqualTo("capturing lo");
        assertThat(probe.get("settings").get("interfaces").asText()).isEqualTo("lo");
        assertThat(probe.get("interfaces")).singleElement().satisfies(i -> {
            assertThat(i.get("name").asText()).isEqualTo("lo");
            assertThat(i.get("state").asText()).isEqualTo("CAPTURING");
        });

        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int served = server.getLocalPort();
            LoopbackCaptureTest.serveInBackground(server);
            long requestBytes = 0;
            for (int i = 0; i < 12; i++) {
                requestBytes += LoopbackCaptureTest.exchange(served, i)[0];
            }
            JsonNode flows = awaitFlows(http, served, 12);
            assertThat(flows.get("count").asInt()).isEqualTo(12);
            long sum = 0;
            for (JsonNode f : flows.get("rows")) {
                sum += f.get("l4_byte_tx").asLong();
            }
            assertThat(sum).isEqualTo(requestBytes);
            JsonNode requests = http.get("/api/v1/requests?port=" + served + "&limit=100").json();
            assertThat(requests.get("count").asInt()).as("one HTTP request per connection").isEqualTo(12);
        }
        // every call above went to the server on loopback: none of it was captured
        assertThat(http.get("/api/v1/flows?port=" + port + "&limit=1").json().get("count").asInt())
                .as("the server's own API traffic is left out").isZero();

        JsonNode lo = afpacket(http).get("interfaces").get(0);
        assertThat(lo.get("packets").asLong()).isPositive();
        assertThat(lo.get("bytes").asLong()).isGreaterThan(lo.get("packets").asLong() * 54);
        String metrics = http.get("/actuator/prometheus").body();
        assertThat(metrics).containsPattern("flowscope_capture_packets_total\\{interface=\"lo\",probe=\"afpacket\"\\} [1-9]");
        assertThat(metrics).contains("flowscope_capture_kernel_drops_total{interface=\"lo\",probe=\"afpacket\"}");

        CaptureResourcesTest.Held held = CaptureResourcesTest.held();
        for (int i = 0; i < 3; i++) {
            JsonNode restarted = http.postJson("/api/v1/probes/afpacket/restart", "").json();
            assertThat(restarted.get("state").asText()).as(restarted.toString()).isEqualTo("RUNNING");
        }
        assertThat(CaptureResourcesTest.held()).as("AF_PACKET sockets and ring mappings after three restarts").isEqualTo(held);
        assertThat(metrics(http)).as("a restarted probe publishes its own counters, once")
                .containsOnlyOnce("flowscope_capture_packets_total{interface=\"lo\",probe=\"afpacket\"}");
    }

    private static String metrics(Http http) throws Exception {
        return http.get("/actuator/prometheus").body();
    }

    static JsonNode afpacket(Http http) throws Exception {
        for (JsonNode p : http.get("/api/v1/probes").json()) {
            if (p.get("id").asText().equals("afpacket")) {
                return p;
            }
        }
        throw new AssertionError("no afpacket probe in " + http.get("/api/v1/probes").body());
    }

    static JsonNode awaitFlows(Http http, int port, int n) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        JsonNode flows;
        do {
            flows = http.get("/api/v1/flows?port=" + port + "&limit=1000").json();
            if (flows.get("count").asInt() >= n) {
                break;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < end);
        return flows;
    }
}
