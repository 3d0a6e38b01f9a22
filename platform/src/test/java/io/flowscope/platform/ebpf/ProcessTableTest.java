package io.flowscope.platform.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.pipeline.Pipelines;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Privileged;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process table: the processes running when the probe starts come from /proc (this JVM among them); one
 * started later appears from its exec event with its command line and executable, and its exit is recorded
 * with its code, short-lived or not; both are rows of event.proc_event.
 */
@Privileged
class ProcessTableTest {

    @TempDir
    Path dir;

    @Test
    void processesStartedAfterTheProbeAppearWithTheirCommandLineAndExit() throws Exception {
        try (PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            int[] pids;
            try (SocketTraceCollector c = SocketTraceCollector.start(new Pipelines(plugins, store, null),
                    SocketTraceObjects.bytes(), new SocketTraceCollector.Settings(64, List.of(), List.of(), List.of(), List.of(1), false))) {
                pids = startAndCheck(c);
            }
            // closing the probe commits its rows: the same processes as event.proc_event rows (the JDK's launcher,
            // jspawnhelper, may exec first in the same process)
            assertThat(events(store, pids[0])).endsWith("exec|sleep|/usr/bin/sleep|sleep 0.4|null", "exit|sleep|/usr/bin/sleep|sleep 0.4|0");
            assertThat(events(store, pids[1])).last().asString().startsWith("exit|sh|").endsWith("|3");
        }
    }

    /** Event type, name, executable, command line and exit code of a pid's events, in order; forks left out. */
    private static List<String> events(DuckDbStore store, int pid) throws Exception {
        List<String> rows = new java.util.ArrayList<>();
        try (java.sql.Connection c = store.connection(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery("SELECT event_type, process_kname, executable, command_line, exit_code "
                     + "FROM event.proc_event WHERE process_id = " + pid + " AND event_type <> 'fork' ORDER BY start_time")) {
            while (r.next()) {
                rows.add(r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|" + r.getString(4) + "|"
                        + r.getString(5));
            }
        }
        return rows;
    }

    private static int[] startAndCheck(SocketTraceCollector c) throws Exception {
        ProcessTable t = c.processes();
        int self = (int) ProcessHandle.current().pid();
        assertThat(t.get(self)).isNotNull();
        assertThat(t.get(self).executable()).endsWith("/java");
        assertThat(t.get(1)).as("init, read from /proc").isNotNull();

        Process sleep = new ProcessBuilder("sleep", "0.4").start();
        Process quick = new ProcessBuilder("sh", "-c", "exit 3").start();
        assertThat(sleep.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(quick.waitFor(10, TimeUnit.SECONDS)).isTrue();
        int sleepPid = (int) sleep.pid();
        int quickPid = (int) quick.pid();
        long end = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end && (exit(t, sleepPid) == 0 || exit(t, quickPid) == 0)) {
            Thread.sleep(50);
        }
        ProcessTable.Info s = t.get(sleepPid);
        assertThat(s).isNotNull();
        assertThat(s.commandLine()).containsExactly("sleep", "0.4");
        assertThat(s.executable()).isEqualTo("/usr/bin/sleep");
        assertThat(s.name()).isEqualTo("sleep");
        assertThat(s.ppid()).isEqualTo(self);
        assertThat(s.exitMicros()).isGreaterThanOrEqualTo(s.startMicros());
        assertThat(s.exitCode()).isZero();
        ProcessTable.Info q = t.get(quickPid);
        assertThat(q).isNotNull();
        assertThat(q.exitCode()).isEqualTo(3);
        assertThat(q.executable()).endsWith("sh");
        return new int[] {sleepPid, quickPid};
    }

    private static long exit(ProcessTable t, int pid) {
        ProcessTable.Info i = t.get(pid);
        return i == null ? 0 : i.exitMicros();
    }
}
