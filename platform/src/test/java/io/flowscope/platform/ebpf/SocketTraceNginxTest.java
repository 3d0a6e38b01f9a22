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
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nginx (Debian's) on loopback driven by curl, seen from their syscalls only: each request is one
 * l7_flow_log row with signal_source 3, its method, path and status, curl's pid and name on the client side
 * and nginx's on the server side (both ends are on this host: one row, both processes), and a duration
 * between 0 and what curl took; through the ring buffer and through the perf buffers alike. nginx's socket, the
 * peer of curl's, is muted once paired: its bytes are curl's and stay in the kernel. After the collector
 * stops, none of its programs is left in the kernel.
 */
@Privileged(programs = {"nginx", "curl", "bpftool"})
class SocketTraceNginxTest {

    @TempDir
    Path dir;

    @org.junit.jupiter.params.ParameterizedTest(name = "perf buffer: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void everyRequestOfCurlToNginxIsOneRowWithBothProcesses(boolean perfBuffer) throws Exception {
        try (Nginx nginx = Nginx.start(dir.resolve("nginx"));
             PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            String base = "http://127.0.0.1:" + nginx.port();
            long curlPid;
            long wallMicros;
            try (SocketTraceCollector c = SocketTraceCollector.start(new Pipelines(plugins, store, null),
                    SocketTraceObjects.bytes(), new SocketTraceCollector.Settings(1024, List.of(), List.of(), List.of(), List.of(nginx.port()), perfBuffer))) {
                assertThat(c.attachments()).allMatch(BpfObject.Attachment::attached);
                long start = System.nanoTime();
                // one curl, one keep-alive connection, five requests 100 ms apart (time for the reader to pair the
                // two sockets and mute nginx's after the first)
                Process curl = new ProcessBuilder(PrivilegedCondition.which("curl"), "-s", "--rate", "10/s", "-o", "/dev/null", "-o", "/dev/null",
                        "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
                        base + "/echo", base + "/echo", base + "/nope", base + "/boom", base + "/teapot").start();
                assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
                wallMicros = (System.nanoTime() - start) / 1000;
                curlPid = curl.pid();
                long end = System.nanoTime() + 5_000_000_000L;
                while (System.nanoTime() < end && count(store) < 5) {
                    Thread.sleep(100);
                }
                assertThat(c.lostEvents()).isZero();
                assertThat(c.failure()).isNull();
                // nginx's socket is the peer of curl's: once paired, its reads and writes stay in the kernel
                // (at least the last two requests and responses: the first may pass while the reader starts)
                assertThat(c.mutedEvents()).isGreaterThanOrEqualTo(4);
            }
            assertThat(StoreState.rows(store, "SELECT signal_source, request_type, request_resource, response_code, "
                    + "process_kname_0, process_kname_1, process_id_0 = " + curlPid + ", server_port FROM flow_log.l7_flow_log "
                    + "ORDER BY start_time"))
                    .containsExactly(
                            "3|GET|/echo|200|curl|nginx|true|" + nginx.port(),
                            "3|GET|/echo|200|curl|nginx|true|" + nginx.port(),
                            "3|GET|/nope|404|curl|nginx|true|" + nginx.port(),
                            "3|GET|/boom|500|curl|nginx|true|" + nginx.port(),
                            "3|GET|/teapot|418|curl|nginx|true|" + nginx.port());
            assertThat(StoreState.rows(store, "SELECT count(*) FROM flow_log.l7_flow_log WHERE response_duration BETWEEN 0 AND "
                    + wallMicros + " AND process_id_1 <> process_id_0 AND process_id_1 > 0")).containsExactly("5");
            // the kernel frees a map once its last reference is gone, a moment after (deferred work): waited for
            String programs = "";
            String maps = "";
            String links = "";
            long gone = System.nanoTime() + 10_000_000_000L;
            do {
                programs = io.flowscope.platform.testing.Processes.run(dir, List.of("bpftool", "prog", "show"));
                maps = io.flowscope.platform.testing.Processes.run(dir, List.of("bpftool", "map", "show"));
                links = io.flowscope.platform.testing.Processes.run(dir, List.of("bpftool", "link", "show"));
                if (!(programs + maps + links).matches("(?s).*(enter_read|exit_read|process_exec|inflight|pid_filter|next_socket_id).*")) {
                    break;
                }
                Thread.sleep(100);
            } while (System.nanoTime() < gone);
            assertThat(programs).as("no program of the collector is left").doesNotContain("enter_read", "exit_read", "process_exec");
            assertThat(maps).as("no map of the collector is left").doesNotContain("inflight", "pid_filter", "next_socket_id");
            assertThat(links).as("no link of the collector is left").doesNotContain("enter_read", "exit_write");
        }
    }

    private static long count(DuckDbStore store) throws Exception {
        return Long.parseLong(StoreState.rows(store, "SELECT count(*) FROM flow_log.l7_flow_log").get(0));
    }
}
