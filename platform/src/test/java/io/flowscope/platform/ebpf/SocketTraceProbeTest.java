package io.flowscope.platform.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.FlowscopeApplication;
import io.flowscope.platform.testing.Http;
import io.flowscope.platform.testing.Nginx;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.PrivilegedCondition;
import io.flowscope.platform.testing.TestServer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The socket-trace probe plugin in the server, as {@code flowscope run} starts it: the plugin's BPF object
 * loaded and every hook attached (shown in {@code /api/v1/probes}), and requests of curl to nginx queryable
 * through {@code /api/v1/requests} with signal_source 3 and both processes.
 */
@Privileged(programs = {"nginx", "curl"})
@SpringBootTest(classes = FlowscopeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class SocketTraceProbeTest {

    static final Path data = TestServer.dataDir("flowscope-socket-trace-probe-test");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        TestServer.properties(r, data);
        r.add("flowscope.probes.socket-trace.enabled", () -> "true"); // the build turns it off for other server tests
        r.add("flowscope.probes.socket-trace.max-connections", () -> "1000");
    }

    @LocalServerPort
    int port;

    @TempDir
    Path dir;

    @Test
    void thePluginsObjectRunsAndCurlsRequestsToNginxAreRows() throws Exception {
        Http http = new Http(port);
        JsonNode probe = null;
        for (JsonNode p : http.get("/api/v1/probes").json()) {
            if (p.get("id").asText().equals("socket-trace")) {
                probe = p;
            }
        }
        assertThat(probe).isNotNull();
        assertThat(probe.get("state").asText()).as(probe.toString()).isEqualTo("RUNNING");
        assertThat(probe.get("detail").asText()).startsWith("32 of 32 hooks attached");
        assertThat(probe.get("hooks")).hasSize(32).allMatch(h -> h.get("attached").asBoolean());
        assertThat(probe.get("hooks").get(0).get("attachPoint").asText()).startsWith("tracepoint/");
        // every bounded table of the trace with its bound (the settings' in user space) and evictions
        java.util.Map<String, JsonNode> tables = new java.util.HashMap<>();
        probe.get("tables").forEach(t -> tables.put(t.get("name").asText(), t));
        assertThat(tables).containsKeys("connections", "processes", "l7 detection bytes", "l7 pairing bytes",
                "l7 parser state bytes", "in-flight syscalls (kernel)", "sockets (kernel, LRU)");
        assertThat(tables.get("processes").get("capacity").asLong()).isEqualTo(65_536);
        assertThat(tables.get("processes").get("size").asLong()).isPositive();
        assertThat(tables.get("connections").get("capacity").asLong()).isEqualTo(1_000);
        assertThat(tables.get("processes").get("evictions").asLong()).isZero();

        try (Nginx nginx = Nginx.start(dir.resolve("nginx"))) {
            String base = "http://127.0.0.1:" + nginx.port();
            Process curl = new ProcessBuilder(PrivilegedCondition.which("curl"), "-s", "-o", "/dev/null", "-o", "/dev/null",
                    "-o", "/dev/null", base + "/echo", base + "/nope", base + "/boom").start();
            assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
            JsonNode rows = null;
            long end = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < end) {
                rows = http.get("/api/v1/requests?port=" + nginx.port() + "&limit=100").json();
                if (rows.get("count").asInt() >= 3) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(rows.get("count").asInt()).as(rows.toString()).isEqualTo(3);
            for (JsonNode r : rows.get("rows")) {
                assertThat(r.get("signal_source").asInt()).isEqualTo(3);
                assertThat(r.get("process_kname_0").asText()).isEqualTo("curl");
                assertThat(r.get("process_kname_1").asText()).isEqualTo("nginx");
                assertThat(r.get("process_id_0").asLong()).isEqualTo(curl.pid());
            }
            // curl's life as process events, through the read-only SQL endpoint (the JDK's launcher execs first)
            String sql = "SELECT event_type, process_kname, command_line, exit_code FROM event.proc_event WHERE process_id = "
                    + curl.pid() + " AND process_kname = 'curl' AND event_type <> 'fork' ORDER BY start_time";
            JsonNode events = null;
            while (System.nanoTime() < end) {
                events = http.postText("/api/v1/sql", sql).json();
                if (events.get("row_count").asInt() >= 2) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(events.get("row_count").asInt()).as(events.toString()).isEqualTo(2);
            JsonNode exec = events.get("rows").get(0);
            assertThat(exec.get(0).asText()).isEqualTo("exec");
            assertThat(exec.get(1).asText()).isEqualTo("curl");
            assertThat(exec.get(2).asText()).contains("curl -s -o /dev/null").endsWith(base + "/boom");
            JsonNode exit = events.get("rows").get(1);
            assertThat(exit.get(0).asText()).isEqualTo("exit");
            assertThat(exit.get(3).asInt()).isZero();
        }
    }
}
