package io.flowscope.platform.capture.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.capture.CaptureFileReader;
import io.flowscope.platform.cli.Main;
import io.flowscope.platform.pipeline.Pipelines;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.PrivilegedCondition;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.StoreState;
import io.flowscope.platform.testing.Tcpdump;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code flowscope capture} and tcpdump on the same traffic write the same number of packets; tshark reads
 * Flowscope's pcapng without a word; and importing it gives the same flows as live capture of the same traffic
 * did: every column but the ids, and the times to the millisecond.
 */
@Privileged(programs = {"tcpdump", "tshark"})
class CaptureCommandTest {

    @TempDir
    Path dir;

    @Test
    void theFileHasWhatTcpdumpSawAndImportsToTheFlowsLiveCaptureMade() throws Exception {
        Path file = dir.resolve("flowscope.pcapng");
        Path pcap = dir.resolve("tcpdump.pcap");
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore live = DuckDbStore.open(dir.resolve("live"));
             DuckDbStore imported = DuckDbStore.open(dir.resolve("imported"))) {
            int port = server.getLocalPort();
            LoopbackCaptureTest.serveInBackground(server);
            StringWriter err = new StringWriter();
            Thread capture = new Thread(() -> new CommandLine(new Main()).setErr(new PrintWriter(err, true))
                    .execute("capture", "-i", "lo", "-f", "tcp port " + port, "-G", "3", "-w", file.toString()));
            try (Tcpdump tcpdump = Tcpdump.start(pcap, "tcp port " + port);
                 LiveCapture c = LiveCapture.start(new Pipelines(plugins, live, null), "lo", RingSettings.defaults(),
                         "tcp port " + port)) {
                capture.start();
                long end = System.nanoTime() + 5_000_000_000L;
                while (!err.toString().contains("listening") && System.nanoTime() < end) {
                    Thread.sleep(10); // until flowscope capture says its ring is bound
                }
                for (int i = 0; i < 10; i++) {
                    LoopbackCaptureTest.exchange(port, i);
                }
                capture.join(10_000);
                LoopbackCaptureTest.waitForFlows(live, port, 10);
            }
            assertThat(err.toString()).contains("packets", "written to", "0 dropped by the kernel");
            assertThat(count(file)).as("packets in Flowscope's file, against tcpdump's").isEqualTo(count(pcap)).isGreaterThan(50);

            Process tshark = new ProcessBuilder(PrivilegedCondition.which("tshark"), "-r", file.toString()).start();
            String tsharkErr = new String(tshark.getErrorStream().readAllBytes());
            tshark.getInputStream().readAllBytes();
            assertThat(tshark.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(tshark.exitValue()).isZero();
            // as root, tshark always says "Running as user "root"…": that line is about us, not the file
            assertThat(tsharkErr.lines().filter(l -> !l.startsWith("Running as user"))).as("tshark's complaints about the file")
                    .isEmpty();

            Importing.importFile(imported, file);
            // every column but the ids, the capture point (live: the interface index; a file: its interface number)
            // and the times: each AF_PACKET socket stamps a frame when it queues it, so two sockets' times of the
            // same frame differ by a microsecond or so (the times are compared to 1 ms)
            String flows = "SELECT * EXCLUDE (flow_id, capture_nic, time, start_time, end_time, duration, rtt, rtt_client, rtt_server, "
                    + "srt_sum, srt_max) FROM flow_log.l4_flow_log WHERE server_port = " + port + " ORDER BY client_port";
            List<String> fromLive = StoreState.rows(live, flows);
            assertThat(fromLive).hasSize(10);
            assertThat(StoreState.rows(imported, flows)).containsExactlyElementsOf(fromLive);
            String times = "SELECT epoch_us(start_time), epoch_us(end_time) FROM flow_log.l4_flow_log WHERE server_port = "
                    + port + " ORDER BY client_port";
            List<String> liveTimes = StoreState.rows(live, times);
            List<String> importedTimes = StoreState.rows(imported, times);
            for (int i = 0; i < liveTimes.size(); i++) {
                String[] a = liveTimes.get(i).split("\\|");
                String[] b = importedTimes.get(i).split("\\|");
                for (int k = 0; k < 2; k++) {
                    assertThat(Math.abs(Long.parseLong(a[k]) - Long.parseLong(b[k]))).as("µs between the two sockets' times")
                            .isLessThan(1000);
                }
            }
        }
    }

    static long count(Path capture) throws Exception {
        AtomicLong n = new AtomicLong();
        CaptureFileReader.read(capture, (b, off, cap, wire, ts, link, ifId) -> n.incrementAndGet(), null);
        return n.get();
    }
}
