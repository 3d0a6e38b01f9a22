package io.flowscope.platform.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.testing.Cli;
import io.flowscope.platform.testing.Http;
import io.flowscope.platform.testing.Privileged;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code flowscope run} without the privileges to capture or trace (root with CAP_NET_RAW, CAP_BPF, CAP_PERFMON
 * and CAP_SYS_ADMIN taken away by setpriv, which is what an unprivileged user lacks): the server starts and
 * serves the API, and {@code /api/v1/probes} says why the AF_PACKET probe is not capturing and why the
 * socket-trace probe is not tracing.
 */
class RunWithoutPrivilegeTest {

    @TempDir
    Path dir;

    @Test
    @Privileged(programs = "setpriv")
    void theServerRunsAndTheProbeSaysWhyItDoesNotCapture() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String dropped = "-net_raw,-bpf,-perfmon,-sys_admin";
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--inh-caps=" + dropped, "--bounding-set=" + dropped));
        cmd.addAll(Cli.command("run", "--port", String.valueOf(port), "--data-dir", dir.resolve("data").toString()));
        Path log = dir.resolve("run.log");
        Process run = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Http http = new Http(port);
            JsonNode probe = null;
            JsonNode trace = null;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (probe == null && System.nanoTime() < end && run.isAlive()) {
                try {
                    for (JsonNode p : http.get("/api/v1/probes").json()) {
                        if (p.get("id").asText().equals("afpacket")) {
                            probe = p;
                        } else if (p.get("id").asText().equals("socket-trace")) {
                            trace = p;
                        }
                    }
                } catch (IOException notYet) {
                    Thread.sleep(200);
                }
            }
            assertThat(probe).as(Files.readString(log)).isNotNull();
            assertThat(probe.get("state").asText()).isEqualTo("FAILED");
            assertThat(probe.get("detail").asText()).startsWith("could not start: no privilege")
                    .contains("CAP_NET_RAW");
            assertThat(trace).isNotNull();
            assertThat(trace.get("state").asText()).isEqualTo("FAILED");
            assertThat(trace.get("detail").asText()).startsWith("could not start: no privilege").contains("CAP_BPF");
            assertThat(http.get("/actuator/health").status()).isEqualTo(200);
            assertThat(http.get("/api/v1/flows?limit=1").status()).isEqualTo(200);
            assertThat(Files.readString(log)).as("said once, in words, without a stack trace")
                    .containsOnlyOnce("probe afpacket could not start: no privilege").doesNotContain("\tat ");
        } finally {
            run.destroy();
            if (!run.waitFor(20, TimeUnit.SECONDS)) {
                run.destroyForcibly();
            }
        }
    }
}
