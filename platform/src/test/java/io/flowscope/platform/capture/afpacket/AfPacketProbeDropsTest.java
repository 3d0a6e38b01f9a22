package io.flowscope.platform.capture.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.FlowscopeApplication;
import io.flowscope.platform.testing.Http;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A deliberately tiny ring (two 8 KiB blocks) under a burst: the kernel drops frames, and the drops are
 * reported in {@code /api/v1/probes} and in the metrics while the probe keeps running and nothing else fails.
 */
@Privileged
@SpringBootTest(classes = FlowscopeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class AfPacketProbeDropsTest {

    static final Path data = TestServer.dataDir("flowscope-afpacket-drops-test");
    static final ServerSocket server;

    static {
        try {
            server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        TestServer.properties(r, data);
        r.add("flowscope.probes.afpacket.enabled", () -> "true");
        r.add("flowscope.probes.afpacket.interfaces", () -> "lo");
        r.add("flowscope.probes.afpacket.filter", () -> "tcp port " + server.getLocalPort());
        r.add("flowscope.probes.afpacket.block-size", () -> "8192");
        r.add("flowscope.probes.afpacket.block-count", () -> "2");
    }

    @AfterAll
    static void close() throws IOException {
        server.close();
    }

    @LocalServerPort
    int port;

    @Test
    void kernelDropsOfATinyRingAreReportedAndCapturingGoesOn() throws Exception {
        Http http = new Http(port);
        int served = server.getLocalPort();
        LoopbackCaptureTest.serveInBackground(server);
        LoopbackCaptureTest.burst(served);
        JsonNode probe;
        long end = System.nanoTime() + 5_000_000_000L;
        do {
            Thread.sleep(200); // the kernel's counters are read about once a second
            probe = AfPacketProbeTest.afpacket(http);
        } while (probe.get("drops").asLong() == 0 && System.nanoTime() < end);

        assertThat(probe.get("state").asText()).as(probe.toString()).isEqualTo("RUNNING");
        assertThat(probe.get("settings").get("block-count").asText()).isEqualTo("2");
        JsonNode lo = probe.get("interfaces").get(0);
        assertThat(lo.get("kernelDrops").asLong()).as(probe.toString()).isPositive();
        assertThat(probe.get("drops").asLong()).isEqualTo(lo.get("kernelDrops").asLong());
        assertThat(lo.get("packets").asLong()).isPositive();
        Matcher m = Pattern.compile("flowscope_capture_kernel_drops_total\\{interface=\"lo\",probe=\"afpacket\"\\} ([0-9.E]+)")
                .matcher(http.get("/actuator/prometheus").body());
        assertThat(m.find()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isPositive();
        // what was captured still became flows, and the server answers as before
        assertThat(AfPacketProbeTest.awaitFlows(http, served, 1).get("count").asInt()).isPositive();
        assertThat(http.get("/actuator/health").status()).isEqualTo(200);
    }
}
