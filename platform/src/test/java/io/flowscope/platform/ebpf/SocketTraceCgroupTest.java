package io.flowscope.platform.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.pipeline.Pipelines;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Nginx;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.PrivilegedCondition;
import io.flowscope.platform.testing.StoreState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cgroup filter: with a cgroup given, only processes in it or in a cgroup below it (made after the probe
 * started, here) are traced. A curl moved into the child cgroup is seen; the same curl outside it and nginx (in
 * neither) are not. Its process events carry the cgroup's id.
 */
@Privileged(programs = {"nginx", "curl"})
class SocketTraceCgroupTest {

    @TempDir
    Path dir;

    @Test
    void onlyProcessesInTheCgroupOrBelowItAreTraced() throws Exception {
        Path parent = ProcessTable.cgroupRoot().resolve("flowscope-test-" + ProcessHandle.current().pid());
        Path child = parent.resolve("client");
        Files.createDirectories(parent);
        try (Nginx nginx = Nginx.start(dir.resolve("nginx"));
             PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            String base = "http://127.0.0.1:" + nginx.port();
            String curl = PrivilegedCondition.which("curl");
            long inside;
            try (SocketTraceCollector c = SocketTraceCollector.start(new Pipelines(plugins, store, null),
                    SocketTraceObjects.bytes(), new SocketTraceCollector.Settings(1024, List.of(), List.of(),
                            List.of("/" + parent.getFileName()), List.of(nginx.port()), false))) {
                Files.createDirectories(child); // made while the probe runs: a descendant is traced all the same
                Process in = new ProcessBuilder("sh", "-c", "echo $$ > " + child.resolve("cgroup.procs") + " && exec " + curl
                        + " -s -o /dev/null -o /dev/null " + base + "/echo " + base + "/nope").start();
                Process out = new ProcessBuilder(curl, "-s", "-o", "/dev/null", base + "/teapot").start();
                assertThat(in.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(out.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(in.exitValue()).isZero();
                inside = in.pid();
                long end = System.nanoTime() + 5_000_000_000L;
                while (System.nanoTime() < end && rows(store) < 2) {
                    Thread.sleep(100);
                }
                Thread.sleep(500); // time for what should not come
            }
            assertThat(StoreState.rows(store, "SELECT request_resource, response_code, process_kname_0, process_id_0 = " + inside
                    + ", process_kname_1 FROM flow_log.l7_flow_log ORDER BY start_time"))
                    .containsExactly("/echo|200|curl|true|null", "/nope|404|curl|true|null");
            long childId = ((Number) Files.getAttribute(child, "unix:ino")).longValue();
            assertThat(StoreState.rows(store, "SELECT process_kname, cgroup_id = " + childId
                    + " FROM event.proc_event WHERE process_id = " + inside + " AND event_type = 'exec' ORDER BY start_time"))
                    .as("sh execs in the JVM's cgroup, moves itself, then execs curl").endsWith("sh|false", "curl|true");
        } finally {
            Files.deleteIfExists(child);
            Files.deleteIfExists(parent);
        }
    }

    private static long rows(DuckDbStore store) throws Exception {
        return Long.parseLong(StoreState.rows(store, "SELECT count(*) FROM flow_log.l7_flow_log").get(0));
    }
}
