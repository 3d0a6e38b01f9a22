package io.flowscope.platform.capture.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.capture.CaptureFileReader;
import io.flowscope.platform.cli.Main;
import io.flowscope.platform.pipeline.Pipelines;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.BridgedNamespaces;
import io.flowscope.platform.testing.Cli;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Nginx;
import io.flowscope.platform.testing.PrivilegedCondition;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.StoreState;
import io.flowscope.platform.testing.Tcpdump;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
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
 * did: every column but the ids, and the times to the millisecond. On loopback, and on a veth between two network
 * namespaces.
 */
@Privileged(programs = {"tcpdump", "tshark"})
class CaptureCommandTest {

    @TempDir
    Path dir;

    /** What a test drives through the captured interface while both captures run. */
    interface Traffic {
        void drive() throws Exception;
    }

    @Test
    void onLoopbackTheFileHasWhatTcpdumpSawAndImportsToTheFlowsLiveCaptureMade() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            LoopbackCaptureTest.serveInBackground(server);
            sameTrafficThreeWays("lo", port, 10, () -> {
                for (int i = 0; i < 10; i++) {
                    LoopbackCaptureTest.exchange(port, i);
                }
            });
        }
    }

    /** The same between two namespaces (NetnsCaptureTest): Ethernet frames as they crossed a veth, offloaded ones included. */
    @Test
    @Privileged(programs = {"tcpdump", "tshark", "ip", "nginx", "curl"})
    void onAVethBetweenTwoNamespacesTheFileHasWhatTcpdumpSawAndImportsToTheSameFlows() throws Exception {
        int port = NetnsCaptureTest.PORT;
        try (BridgedNamespaces n = BridgedNamespaces.create(dir);
             Nginx nginx = Nginx.startIn(n, Files.createDirectories(dir.resolve("nginx")), port)) {
            sameTrafficThreeWays(n.tap(), port, 4, () -> {
                NetnsCaptureTest.curl(n, NetnsCaptureTest.url(port, "/index.html"));
                NetnsCaptureTest.curl(n, NetnsCaptureTest.url(port, "/big.txt"));
                NetnsCaptureTest.curl(n, NetnsCaptureTest.url(port, "/missing"), NetnsCaptureTest.url(port, "/big.txt?again"));
                NetnsCaptureTest.curl(n, NetnsCaptureTest.url(port, "/boom"));
            });
        }
    }

    /**
     * Captures {@code traffic} (making {@code flows} connections to {@code port}) with {@code flowscope capture}, tcpdump
     * and a live capture at once, then compares the files' packet counts, tshark's reading of Flowscope's file, and
     * the flows its import makes with the live capture's.
     */
    private void sameTrafficThreeWays(String interfaceName, int port, int flows, Traffic traffic) throws Exception {
        Path file = dir.resolve("flowscope.pcapng");
        Path pcap = dir.resolve("tcpdump.pcap");
        String filter = "tcp port " + port;
        try (PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore live = DuckDbStore.open(dir.resolve("live"));
             DuckDbStore imported = DuckDbStore.open(dir.resolve("imported"))) {
            StringWriter err = new StringWriter();
            Thread capture = new Thread(() -> new CommandLine(new Main()).setErr(new PrintWriter(err, true))
                    .execute("capture", "-i", interfaceName, "-f", filter, "-G", "3", "-w", file.toString()));
            try (Tcpdump tcpdump = Tcpdump.start(pcap, interfaceName, filter);
                 LiveCapture c = LiveCapture.start(new Pipelines(plugins, live, null), interfaceName, RingSettings.defaults(),
                         filter)) {
                capture.start();
                long end = System.nanoTime() + 5_000_000_000L;
                while (!err.toString().contains("listening") && System.nanoTime() < end) {
                    Thread.sleep(10); // until flowscope capture says its ring is bound
                }
                traffic.drive();
                capture.join(10_000);
                LoopbackCaptureTest.waitForFlows(live, port, flows);
            }
            assertThat(err.toString()).contains("packets", "written to", "0 dropped by the kernel");
            assertThat(count(file)).as("packets in Flowscope's file, against tcpdump's").isEqualTo(count(pcap)).isGreaterThan(25);

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
            String rows = "SELECT * EXCLUDE (flow_id, capture_nic, time, start_time, end_time, duration, rtt, rtt_client, rtt_server, "
                    + "srt_sum, srt_max, art_sum, art_max) FROM flow_log.l4_flow_log WHERE server_port = " + port + " ORDER BY client_port";
            List<String> fromLive = StoreState.rows(live, rows);
            assertThat(fromLive).hasSize(flows);
            assertThat(StoreState.rows(imported, rows)).containsExactlyElementsOf(fromLive);
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

    /**
     * Stopped by SIGTERM (as by Ctrl-C) right after the traffic, before the kernel has retired the block it was
     * filling: the file still gets every packet tcpdump saw, and the summary is printed.
     */
    @Test
    void aCaptureStoppedBySigtermWritesEveryPacketAndItsSummary() throws Exception {
        Path file = dir.resolve("flowscope.pcapng");
        Path pcap = dir.resolve("tcpdump.pcap");
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            LoopbackCaptureTest.serveInBackground(server);
            Cli.Started capture = Cli.start(dir, "capture", "-i", "lo", "-f", "tcp port " + port, "-w", file.toString());
            try (Tcpdump tcpdump = Tcpdump.start(pcap, "tcp port " + port)) {
                long end = System.nanoTime() + 30_000_000_000L;
                while (!capture.errText().contains("listening") && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                for (int i = 0; i < 5; i++) {
                    LoopbackCaptureTest.exchange(port, i);
                }
                capture.process().destroy(); // SIGTERM
                assertThat(capture.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(capture.errText()).contains("written to", "0 dropped by the kernel");
            assertThat(count(file)).as("packets in the file, against tcpdump's").isEqualTo(count(pcap)).isGreaterThan(25);
        }
    }

    static long count(Path capture) throws Exception {
        AtomicLong n = new AtomicLong();
        CaptureFileReader.read(capture, (b, off, cap, wire, ts, link, ifId) -> n.incrementAndGet(), null);
        return n.get();
    }
}
