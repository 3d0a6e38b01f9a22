package io.flowscope.platform.capture.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.api.CapturedInterface;
import io.flowscope.platform.capture.CaptureFileReader;
import io.flowscope.platform.pipeline.Pipelines;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.BridgedNamespaces;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Nginx;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.StoreState;
import io.flowscope.platform.testing.Tcpdump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live capture of real traffic between two network namespaces the test creates: nginx serving in one, curl
 * in the other ({@link BridgedNamespaces}: each namespace has a veth end, the peers are ports of a bridge in
 * the root namespace). Flowscope captures in the root namespace, where this JVM's AF_PACKET sockets live, on
 * the root end of the client's veth, which carries every frame between the two namespaces exactly once; tcpdump
 * captures the same interface. Loopback (LoopbackCaptureTest) hands each frame to a capture twice and without
 * real link addresses; here frames are Ethernet as between two containers, segmentation offload included.
 */
@Privileged(programs = {"ip", "tcpdump", "nginx", "curl"})
class NetnsCaptureTest {

    static final int PORT = 8088;
    static final int OTHER_PORT = 9099;
    static final String CLIENT = BridgedNamespaces.CLIENT_ADDRESS;
    static final String SERVER = BridgedNamespaces.SERVER_ADDRESS;

    @TempDir
    Path dir;

    @Test
    void aPortFilterKeepsExactlyItsFlowsWithTheirSidesBytesAndTcpdumpsPackets() throws Exception {
        try (BridgedNamespaces n = BridgedNamespaces.create(dir);
             Nginx nginx = Nginx.startIn(n, Files.createDirectories(dir.resolve("nginx")), PORT, OTHER_PORT);
             PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            String filter = "tcp port " + PORT;
            Path kept = dir.resolve("kept.pcap");
            Path other = dir.resolve("other.pcap");
            long[] bytes = new long[2];
            try (Tcpdump t1 = Tcpdump.start(kept, n.tap(), filter);
                 Tcpdump t2 = Tcpdump.start(other, n.tap(), "tcp port " + OTHER_PORT);
                 LiveCapture capture = LiveCapture.start(new Pipelines(plugins, store, null), n.tap(), RingSettings.defaults(),
                         filter)) {
                // four connections of one request each (two 94 KB bodies: many segments, offloaded as large frames),
                // and one keep-alive connection of three requests
                for (int i = 0; i < 4; i++) {
                    add(bytes, curl(n, url(PORT, i % 2 == 0 ? "/index.html?" + i : "/big.txt?" + i)));
                }
                add(bytes, curl(n, url(PORT, "/index.html"), url(PORT, "/big.txt"), url(PORT, "/missing")));
                // the same client and server on another port: on the wire, kept out by the filter
                curl(n, url(OTHER_PORT, "/index.html"));
                curl(n, url(OTHER_PORT, "/big.txt"));
                awaitFinalReports(store, PORT, 5);
                assertThat(capture.failure()).isNull();
                assertThat(capture.kernelDrops()).isZero();
            }
            long[] tcpdump = packetsAndBytes(kept);
            assertThat(packetsAndBytes(other)[0]).as("packets on the other port, which the filter keeps out").isGreaterThan(10);
            assertThat(StoreState.rows(store, "SELECT count(DISTINCT flow_id), count(DISTINCT client_port), min(ip4_str(ip4_0)), "
                    + "max(ip4_str(ip4_0)), min(ip4_str(ip4_1)), max(ip4_str(ip4_1)), min(server_port), min(capture_nic), "
                    + "max(capture_nic), sum(l4_byte_tx), sum(l4_byte_rx), sum(packet_tx + packet_rx), sum(byte_tx + byte_rx), "
                    + "sum(syn_count), sum(l7_request), sum(l7_response) FROM flow_log.l4_flow_log"))
                    .as("connections, their sides, payload bytes each way (curl's counts), packets and frame bytes (tcpdump's)")
                    .containsExactly(String.join("|", "5", "5", CLIENT, CLIENT, SERVER, SERVER, String.valueOf(PORT),
                            String.valueOf(n.tapIndex()), String.valueOf(n.tapIndex()), String.valueOf(bytes[0]),
                            String.valueOf(bytes[1]), String.valueOf(tcpdump[0]), String.valueOf(tcpdump[1]), "5", "7", "7"));
            assertThat(StoreState.rows(store, "SELECT count(*) FROM flow_log.l4_flow_log WHERE server_port <> " + PORT))
                    .containsExactly("0");
            assertThat(StoreState.rows(store, "SELECT count(*), min(server_port), max(server_port) FROM flow_log.l7_flow_log"))
                    .containsExactly("7|" + PORT + "|" + PORT);
        }
    }

    @Test
    void requestsFromCurlInOneNamespaceToNginxInTheOtherAreStoredWithTheirStatus() throws Exception {
        try (BridgedNamespaces n = BridgedNamespaces.create(dir);
             Nginx nginx = Nginx.startIn(n, Files.createDirectories(dir.resolve("nginx")), PORT);
             PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            try (LiveCapture capture = LiveCapture.start(new Pipelines(plugins, store, null), n.tap(), RingSettings.defaults(),
                    "tcp port " + PORT)) {
                // 7 × 200, 4 × 404, 3 × 500: some on connections of their own, the rest on keep-alive connections;
                // nginx closes a connection after a 500, so curl makes a ninth connection for /missing/4
                for (int i = 0; i < 3; i++) {
                    curl(n, url(PORT, "/index.html?single=" + i));
                }
                curl(n, url(PORT, "/big.txt"), url(PORT, "/echo"), url(PORT, "/index.html?ka=1"), url(PORT, "/index.html?ka=2"));
                curl(n, url(PORT, "/missing/1"));
                curl(n, url(PORT, "/missing/2"), url(PORT, "/missing/3"), url(PORT, "/boom?1"), url(PORT, "/missing/4"));
                curl(n, url(PORT, "/boom?2"));
                curl(n, url(PORT, "/boom?3"));
                awaitFinalReports(store, PORT, 9);
                assertThat(capture.failure()).isNull();
            }
            assertThat(StoreState.rows(store, "SELECT response_code, count(*), count(DISTINCT request_resource), min(request_type), "
                    + "min(ip4_str(ip4_0)), max(ip4_str(ip4_1)) FROM flow_log.l7_flow_log WHERE server_port = " + PORT
                    + " AND type = 2 GROUP BY response_code ORDER BY response_code"))
                    .containsExactly("200|7|7|GET|" + CLIENT + "|" + SERVER, "404|4|4|GET|" + CLIENT + "|" + SERVER,
                            "500|3|3|GET|" + CLIENT + "|" + SERVER);
            assertThat(StoreState.rows(store, "SELECT count(*) FROM flow_log.l7_flow_log WHERE type <> 2"))
                    .as("requests or responses left unpaired").containsExactly("0");
            assertThat(StoreState.rows(store, "SELECT count(DISTINCT flow_id), sum(l7_request), sum(l7_response), "
                    + "sum(l7_client_error), sum(l7_server_error) FROM flow_log.l4_flow_log WHERE server_port = " + PORT))
                    .containsExactly("9|14|14|4|3");
        }
    }

    @Test
    void aTinyRingUnderABurstReportsKernelDropsAndKeepsCapturing() throws Exception {
        try (BridgedNamespaces n = BridgedNamespaces.create(dir);
             Nginx nginx = Nginx.startIn(n, Files.createDirectories(dir.resolve("nginx")), PORT);
             PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            String filter = "tcp port " + PORT;
            Path pcap = dir.resolve("tcpdump.pcap");
            // the smallest ring there is (two blocks of one page); each 94 KB response is sent as large offloaded
            // frames, every one of which fills a block alone
            RingSettings tiny = RingSettings.defaults().withBlocks(4096, 2);
            try (InterfaceCaptures captures = new InterfaceCaptures(new Pipelines(plugins, store, null), List.of(n.tap()),
                    tiny, filter, 1)) {
                try (Tcpdump tcpdump = Tcpdump.start(pcap, n.tap(), filter)) {
                    String[] urls = new String[200];
                    for (int i = 0; i < urls.length; i++) {
                        urls[i] = url(PORT, "/big.txt?" + i);
                    }
                    n.run(n.client(), burst(urls));
                }
                long wire = packetsAndBytes(pcap)[0];
                // counters are read from the kernel about once a second: wait until they account for every frame
                CapturedInterface s = awaitStatus(captures, n.tap(), x -> x.packets() + x.kernelDrops() >= wire);
                assertThat(s.state()).isEqualTo(CapturedInterface.State.CAPTURING);
                assertThat(s.kernelDrops()).as("frames the kernel could not queue in the tiny ring").isPositive();
                assertThat(s.packets() + s.kernelDrops()).as("frames read and dropped, against tcpdump's").isEqualTo(wire);

                // it goes on: a request after the burst is captured whole
                curl(n, url(PORT, "/echo?after-the-burst"));
                awaitRow(store, "SELECT count(*) FROM flow_log.l7_flow_log WHERE request_resource = '/echo?after-the-burst' "
                        + "AND response_code = 200", "1");
                assertThat(StoreState.rows(store, "SELECT count(*) FROM flow_log.l7_flow_log WHERE request_resource = "
                        + "'/echo?after-the-burst' AND response_code = 200")).containsExactly("1");
                assertThat(awaitStatus(captures, n.tap(), x -> true).state()).isEqualTo(CapturedInterface.State.CAPTURING);
            }
        }
    }

    static String url(int port, String path) {
        return "http://" + SERVER + ":" + port + path;
    }

    /** curl in the client namespace, one connection for all its URLs; the payload bytes it sent and received. */
    static long[] curl(BridgedNamespaces n, String... urls) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-w", "%{size_request} %{size_upload} %{size_header} %{size_download}\\n"));
        for (String u : urls) {
            cmd.addAll(List.of("-o", "/dev/null", u));
        }
        long[] bytes = new long[2];
        for (String line : n.run(n.client(), cmd.toArray(String[]::new)).split("\n")) {
            String[] f = line.trim().split(" ");
            bytes[0] += Long.parseLong(f[0]) + Long.parseLong(f[1]);
            bytes[1] += Long.parseLong(f[2]) + Long.parseLong(f[3]);
        }
        return bytes;
    }

    /** All the URLs at once, 16 transfers in parallel, as fast as curl goes. */
    static String[] burst(String... urls) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "--parallel", "--parallel-max", "16"));
        for (String u : urls) {
            cmd.addAll(List.of("-o", "/dev/null", u));
        }
        return cmd.toArray(String[]::new);
    }

    static void add(long[] total, long[] more) {
        total[0] += more[0];
        total[1] += more[1];
    }

    /** Packets in a capture file and their bytes on the wire. */
    static long[] packetsAndBytes(Path capture) throws Exception {
        AtomicLong packets = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        CaptureFileReader.read(capture, (b, off, cap, wire, ts, link, ifId) -> {
            packets.incrementAndGet();
            bytes.addAndGet(wire);
        }, null);
        return new long[] {packets.get(), bytes.get()};
    }

    /** Until {@code n} flows to the port have had their last report (closed or timed out, not a minute's). */
    static void awaitFinalReports(DuckDbStore store, int port, int n) throws Exception {
        awaitRow(store, "SELECT count(DISTINCT flow_id) FROM flow_log.l4_flow_log WHERE server_port = " + port
                + " AND close_type <> 5", String.valueOf(n));
    }

    /** Polls a one-value query until it gives {@code expected}, for up to 10 s; the caller asserts afterwards. */
    static void awaitRow(DuckDbStore store, String sql, String expected) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!StoreState.rows(store, sql).equals(List.of(expected)) && System.nanoTime() < end) {
            Thread.sleep(50);
        }
    }

    static CapturedInterface awaitStatus(InterfaceCaptures c, String name, Predicate<CapturedInterface> condition)
            throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (true) {
            Map<String, CapturedInterface> byName = new TreeMap<>();
            c.interfaces().forEach(s -> byName.put(s.name(), s));
            CapturedInterface s = byName.get(name);
            if (s != null && condition.test(s) || System.nanoTime() > end) {
                return s;
            }
            Thread.sleep(100);
        }
    }
}
