package io.flowscope.platform.capture.afpacket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowscope.platform.capture.CaptureFileReader;
import io.flowscope.platform.pipeline.Pipelines;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.StoreState;
import io.flowscope.platform.testing.Tcpdump;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live capture on loopback through an AF_PACKET TPACKET_V3 ring with a classic BPF filter: a test client
 * and server exchange a known number of HTTP/1 connections and bytes; the stored flows match them exactly,
 * and their packet counts match tcpdump's on the same traffic.
 */
@Privileged(programs = {"tcpdump"})
class LoopbackCaptureTest {

    static final int CONNECTIONS = 20;

    @TempDir
    Path dir;

    @Test
    void flowsAndRequestsOfKnownTrafficAreCapturedExactly() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            int port = server.getLocalPort();
            serveInBackground(server);
            Path pcap = dir.resolve("tcpdump.pcap");
            long requestBytes = 0;
            long responseBytes = 0;
            try (Tcpdump tcpdump = Tcpdump.start(pcap, "tcp port " + port);
                 LiveCapture capture = LiveCapture.start(new Pipelines(plugins, store, null), "lo", RingSettings.defaults(),
                         "tcp port " + port)) {
                for (int i = 0; i < CONNECTIONS; i++) {
                    long[] sent = exchange(port, i);
                    requestBytes += sent[0];
                    responseBytes += sent[1];
                }
                waitForFlows(store, port, CONNECTIONS);
                assertThat(capture.failure()).isNull();
                assertThat(capture.kernelDrops()).isZero();
            }
            AtomicLong tcpdumpPackets = new AtomicLong();
            CaptureFileReader.read(pcap, (b, off, cap, wire, ts, link, ifId) -> tcpdumpPackets.incrementAndGet(), null);
            try (Connection c = store.connection(); Statement s = c.createStatement()) {
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT flow_id), sum(l4_byte_tx), sum(l4_byte_rx), "
                        + "sum(packet_tx + packet_rx), min(close_type), max(close_type), sum(syn_count), "
                        + "sum(l7_request), sum(l7_response), min(ip4_str(ip4_0)), max(ip4_str(ip4_1)), sum(ooo_tx + ooo_rx + retrans_tx + retrans_rx) "
                        + "FROM flow_log.l4_flow_log WHERE server_port = " + port);
                rs.next();
                assertThat(rs.getLong(2)).as("connections").isEqualTo(CONNECTIONS);
                assertThat(rs.getLong(3)).as("bytes from the clients").isEqualTo(requestBytes);
                assertThat(rs.getLong(4)).as("bytes from the server").isEqualTo(responseBytes);
                assertThat(rs.getLong(5)).as("packets, against tcpdump's").isEqualTo(tcpdumpPackets.get());
                assertThat(rs.getInt(6)).as("every one closed normally").isEqualTo(1);
                assertThat(rs.getInt(7)).isEqualTo(1);
                assertThat(rs.getLong(8)).isEqualTo(CONNECTIONS);
                assertThat(rs.getLong(9)).isEqualTo(CONNECTIONS);
                assertThat(rs.getLong(10)).isEqualTo(CONNECTIONS);
                assertThat(rs.getString(11)).as("addresses read in network byte order from the ring").isEqualTo("127.0.0.1");
                assertThat(rs.getString(12)).isEqualTo("127.0.0.1");
                assertThat(rs.getLong(13)).as("sequence numbers too: nothing out of order on loopback").isZero();
                rs = s.executeQuery("SELECT count(*), min(response_code), max(response_code), count(DISTINCT request_resource) "
                        + "FROM flow_log.l7_flow_log WHERE server_port = " + port + " AND type = 2");
                rs.next();
                assertThat(rs.getLong(1)).as("paired HTTP requests").isEqualTo(CONNECTIONS);
                assertThat(rs.getInt(2)).isEqualTo(200);
                assertThat(rs.getInt(3)).isEqualTo(200);
                assertThat(rs.getLong(4)).isEqualTo(CONNECTIONS);
            }
        }
    }

    @Test
    void aTinyRingUnderABurstCountsKernelDropsAndKeepsCapturing() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            int port = server.getLocalPort();
            serveInBackground(server);
            // two 8 KiB blocks: a burst of connections overflows them while the reader is busy
            RingSettings tiny = RingSettings.defaults().withBlocks(8192, 2);
            try (LiveCapture capture = LiveCapture.start(new Pipelines(plugins, store, null), "lo", tiny, "tcp port " + port)) {
                burst(port);
                long end = System.nanoTime() + 5_000_000_000L;
                while (capture.kernelDrops() == 0 && System.nanoTime() < end) {
                    Thread.sleep(100); // the counters are read about once a second
                }
                assertThat(capture.kernelDrops()).as("frames the kernel could not queue in the tiny ring").isPositive();
                assertThat(capture.failure()).isNull();
                assertThat(capture.isRunning()).isTrue();
                assertThat(capture.packets()).isPositive();
            }
        }
    }

    @Test
    void theBlockTheKernelIsStillFillingIsReadWhenTheCaptureStops() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            int port = server.getLocalPort();
            serveInBackground(server);
            // a block is handed over when full or after 1.5 s: three small exchanges stay in the block being filled
            RingSettings slow = new RingSettings(1 << 20, 4, 1500, 65_535, false, 0);
            LiveCapture capture = LiveCapture.start(new Pipelines(plugins, store, null), "lo", slow, "tcp port " + port);
            for (int i = 0; i < 3; i++) {
                exchange(port, i);
            }
            capture.close(); // at once: the block is not retired yet
            assertThat(StoreState.rows(store, "SELECT count(*), min(fin_count) FROM flow_log.l4_flow_log WHERE server_port = " + port))
                    .as("the stop waits for the kernel to hand over the block it was filling").containsExactly("3|2");
        }
    }

    @Test
    void readersSpreadByFanoutEachSeeWholeFlows() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            int port = server.getLocalPort();
            serveInBackground(server);
            long requestBytes = 0;
            java.util.List<LiveCapture> readers = LiveCapture.startReaders(new Pipelines(plugins, store, null), "lo",
                    RingSettings.defaults(), "tcp port " + port, 3);
            try {
                for (int i = 0; i < 40; i++) {
                    requestBytes += exchange(port, i)[0];
                }
                waitForFlows(store, port, 40);
            } finally {
                readers.forEach(LiveCapture::close);
            }
            assertThat(readers).allMatch(r -> r.failure() == null);
            assertThat(readers.stream().filter(r -> r.packets() > 0).count()).as("readers that got flows").isGreaterThan(1);
            // a flow split between readers would be two half rows: each connection is one whole row
            assertThat(StoreState.rows(store, "SELECT count(*), count(DISTINCT client_port), sum(l4_byte_tx), min(syn_count), "
                    + "min(fin_count), min(l7_request) FROM flow_log.l4_flow_log WHERE server_port = " + port))
                    .containsExactly("40|40|" + requestBytes + "|1|2|1");
        }
    }

    @Test
    void anInvalidFilterIsRefusedWithLibpcapsOwnMessage() {
        assertThatThrownBy(() -> BpfProgram.compile("tcp prot 80", AfPacketRing.LINKTYPE_ETHERNET, 65535))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tcp prot 80").hasMessageContaining("syntax error");
    }

    static void waitForFlows(DuckDbStore store, int port, int n) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            try (Connection c = store.connection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM flow_log.l4_flow_log WHERE server_port = " + port)) {
                rs.next();
                if (rs.getLong(1) >= n) {
                    return;
                }
            }
            Thread.sleep(50);
        }
    }

    /** 400 connections from 4 threads at once, one request each: more than a tiny ring holds. */
    static void burst(int port) throws InterruptedException {
        Thread[] clients = new Thread[4];
        for (int t = 0; t < clients.length; t++) {
            int base = t * 1000;
            clients[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 100; i++) {
                        exchange(port, base + i);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            clients[t].start();
        }
        for (Thread c : clients) {
            c.join();
        }
    }

    /** One HTTP/1.1 request and its response on a new connection; returns the bytes each way. */
    static long[] exchange(int port, int i) throws Exception {
        byte[] request = ("GET /item/" + i + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        long received = 0;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            for (int r; (r = in.read(buf)) > 0; ) {
                received += r;
            }
        }
        return new long[] {request.length, received};
    }

    /** Answers every connection of {@code server} with one HTTP/1.1 response, on a daemon thread. */
    static void serveInBackground(ServerSocket server) {
        Thread serving = new Thread(() -> serve(server), "test-server");
        serving.setDaemon(true);
        serving.start();
    }

    static void serve(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    head.append((char) b);
                }
                String body = "x".repeat(1000 + head.length());
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (java.io.IOException e) {
                return;
            }
        }
    }
}
