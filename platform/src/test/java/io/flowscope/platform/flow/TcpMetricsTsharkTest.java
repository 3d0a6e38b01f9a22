package io.flowscope.platform.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.ingest.FileSummary;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.BridgedNamespaces;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Netns;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.Processes;
import io.flowscope.platform.testing.StoreState;
import io.flowscope.platform.testing.Tcpdump;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-flow TCP metrics of real traffic, checked against tshark's {@code tcp.analysis.*} on the same capture. Two
 * network namespaces ({@link BridgedNamespaces}); the peers are this JVM's own sockets, made by threads that entered
 * the namespaces; loss is made by nftables rules ({@code numgen inc}: every n-th frame) at each receiver's input, after
 * the capture point (the capture sees the segment, then its retransmission). This kernel has no sch_netem, so there
 * is no tc delay. Holes in the capture (tshark's lost segments) and exact timings are checked on a capture written
 * with chosen timestamps ({@link TcpMetricsCaptureTest}).
 */
@Privileged(programs = {"ip", "nft", "tcpdump", "tshark", "python3"})
class TcpMetricsTsharkTest {

    static final String CLIENT = BridgedNamespaces.CLIENT_ADDRESS;
    static final String SERVER = BridgedNamespaces.SERVER_ADDRESS;
    static final int PORT = 7801;

    @TempDir
    Path dir;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @Test
    void underLossRetransmissionsOutOfOrderAndLostSegmentsPerFlowEqualTsharks() throws Exception {
        Path pcap = dir.resolve("loss.pcap");
        try (BridgedNamespaces n = BridgedNamespaces.create(dir)) {
            n.run(n.client(), "nft", "add table inet loss");
            n.run(n.client(), "nft", "add chain inet loss in { type filter hook input priority 0 ; }");
            // every 17th data frame to the client and every 19th to the server dropped on arrival, after the capture
            // point: the loss is certain to hit data both ways (segmentation offload makes frames of up to 64 KB, so
            // they are few). Only frames with data (over 100 bytes): a lost ACK of the last FIN would make the FIN
            // come again after Flowscope reported the flow, which tshark counts and Flowscope cannot (a difference
            // stated in docs/data-model.md, TcpMetricsCaptureTest). A drop at the sender's output (or its eth0's
            // egress) makes no loss on the wire: the sender's stack is told and sends the segment again later.
            n.run(n.client(), "nft", "add rule inet loss in tcp sport " + PORT + " meta length > 100 numgen inc mod 17 == 8 drop");
            n.run(n.server(), "nft", "add table inet loss");
            n.run(n.server(), "nft", "add chain inet loss in { type filter hook input priority 0 ; }");
            n.run(n.server(), "nft", "add rule inet loss in tcp dport " + PORT + " meta length > 100 numgen inc mod 19 == 9 drop");
            try (ServerSocket server = listen(n, PORT);
                 Tcpdump t = Tcpdump.start(pcap, n.tap(), "tcp port " + PORT)) {
                Future<?> serving = threads.submit(() -> serve(server, 4, 1_000_000, 3_000_000));
                for (int i = 0; i < 4; i++) {
                    inClient(n, () -> exchange(1_000_000, 3_000_000));
                }
                serving.get(60, TimeUnit.SECONDS);
            }
        }
        Map<String, String> flowscope = flowscope(pcap, "retrans_tx, retrans_rx, ooo_tx, ooo_rx, lost_tx, lost_rx");
        Map<String, String> tshark = tshark(pcap, "tcp.analysis.retransmission", "tcp.analysis.out_of_order",
                "tcp.analysis.lost_segment");
        assertThat(flowscope).hasSize(4);
        assertThat(flowscope).as("per client port: retrans, out-of-order, lost, each way").isEqualTo(tshark);
        long[] retrans = new long[2];
        flowscope.values().forEach(v -> {
            retrans[0] += Long.parseLong(v.split("\\|")[0]);
            retrans[1] += Long.parseLong(v.split("\\|")[1]);
        });
        assertThat(Math.min(retrans[0], retrans[1])).as("the loss made retransmissions both ways").isPositive();
    }

    /**
     * Loss before the capture point too: client and server in namespaces of their own, routed through a third, where
     * tcpdump captures the client's link and nftables' forward chain drops frames. A frame to the client dropped there
     * never reaches the captured link (the capture sees a hole: tshark's lost segment, then the retransmission that
     * fills it); a frame to the server dropped there was captured first (the capture sees it twice). Frames to the
     * client are also dropped at its input, after the capture. Data frames only, as above.
     */
    @Test
    void underLossOnBothSidesOfTheCapturePointLostSegmentsToo() throws Exception {
        Path pcap = dir.resolve("routed-loss.pcap");
        String suffix = Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        String client = "fs" + suffix + "-rc";
        String router = "fs" + suffix + "-rr";
        String server = "fs" + suffix + "-rs";
        try {
            for (String ns : List.of(client, router, server)) {
                Netns.add(dir, ns);
                Processes.run(dir, ipNetnsExec(ns, "sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 && "
                        + "echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6 && ip link set lo up"));
            }
            Processes.ip(dir, "link", "add", "eth0", "netns", client, "type", "veth", "peer", "name", "toc", "netns", router);
            Processes.ip(dir, "link", "add", "eth0", "netns", server, "type", "veth", "peer", "name", "tos", "netns", router);
            address(client, "eth0", "10.78.1.1/24");
            address(router, "toc", "10.78.1.254/24");
            address(server, "eth0", "10.78.2.1/24");
            address(router, "tos", "10.78.2.254/24");
            Processes.ip(dir, "-n", client, "route", "add", "default", "via", "10.78.1.254");
            Processes.ip(dir, "-n", server, "route", "add", "default", "via", "10.78.2.254");
            Processes.run(dir, ipNetnsExec(router, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"));
            nft(router, "add table inet loss");
            nft(router, "add chain inet loss forwarded { type filter hook forward priority 0 ; }");
            nft(router, "add rule inet loss forwarded ip daddr 10.78.1.1 tcp sport " + PORT + " meta length > 100 numgen inc mod 23 == 11 drop");
            nft(router, "add rule inet loss forwarded ip daddr 10.78.2.1 tcp dport " + PORT + " meta length > 100 numgen inc mod 19 == 9 drop");
            nft(client, "add table inet loss");
            nft(client, "add chain inet loss in { type filter hook input priority 0 ; }");
            nft(client, "add rule inet loss in tcp sport " + PORT + " meta length > 100 numgen inc mod 29 == 14 drop");
            ServerSocket listening = inNamespace(server, () -> {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress("10.78.2.1", PORT));
                return s;
            });
            Tcpdump t;
            try (Netns.Inside inRouter = Netns.enter(router)) {
                t = Tcpdump.start(pcap, "toc", "tcp port " + PORT); // tcpdump starts in the router's namespace
            }
            try (ServerSocket s = listening; Tcpdump capture = t) {
                Future<?> serving = threads.submit(() -> serve(s, 4, 1_000_000, 3_000_000));
                for (int i = 0; i < 4; i++) {
                    inNamespace(client, () -> exchange("10.78.2.1", 0, 1_000_000, 3_000_000));
                }
                serving.get(60, TimeUnit.SECONDS);
            }
        } finally {
            for (String ns : List.of(client, router, server)) {
                Netns.delete(dir, ns);
            }
        }
        Map<String, String> flowscope = flowscope(pcap, "retrans_tx, retrans_rx, ooo_tx, ooo_rx, lost_tx, lost_rx");
        Map<String, String> tshark = tshark(pcap, "tcp.analysis.retransmission", "tcp.analysis.out_of_order",
                "tcp.analysis.lost_segment");
        assertThat(flowscope).hasSize(4);
        assertThat(flowscope).as("per client port: retrans, out-of-order, lost, each way").isEqualTo(tshark);
        long lostFromServer = flowscope.values().stream().mapToLong(v -> Long.parseLong(v.split("\\|")[5])).sum();
        assertThat(lostFromServer).as("holes in what the server sent: segments dropped before the capture point").isPositive();
    }

    private List<String> ipNetnsExec(String ns, String... command) {
        List<String> cmd = new ArrayList<>(List.of(io.flowscope.platform.testing.PrivilegedCondition.which("ip"), "netns", "exec", ns));
        cmd.addAll(List.of(command));
        return cmd;
    }

    private void address(String ns, String link, String address) throws Exception {
        Processes.ip(dir, "-n", ns, "addr", "add", address, "dev", link);
        Processes.ip(dir, "-n", ns, "link", "set", link, "up");
    }

    private void nft(String ns, String rule) throws Exception {
        Processes.run(dir, ipNetnsExec(ns, io.flowscope.platform.testing.PrivilegedCondition.which("nft"), rule));
    }

    @Test
    void aSlowReaderWithASmallReceiveBufferZeroWindowsEqualTsharks() throws Exception {
        Path pcap = dir.resolve("zero-window.pcap");
        try (BridgedNamespaces n = BridgedNamespaces.create(dir)) {
            try (ServerSocket server = listen(n, PORT);
                 Tcpdump t = Tcpdump.start(pcap, n.tap(), "tcp port " + PORT)) {
                Future<?> serving = threads.submit(() -> serve(server, 2, 10, 200_000));
                for (int i = 0; i < 2; i++) {
                    inClient(n, () -> slowReader(200_000));
                }
                serving.get(60, TimeUnit.SECONDS);
            }
        }
        Map<String, String> flowscope = flowscope(pcap, "zero_win_tx, zero_win_rx, retrans_tx, retrans_rx");
        Map<String, String> tshark = tshark(pcap, "tcp.analysis.zero_window", "tcp.analysis.retransmission");
        assertThat(flowscope).hasSize(2);
        assertThat(flowscope).as("per client port: zero windows and retransmissions, each way").isEqualTo(tshark);
        assertThat(flowscope.values()).as("the slow reader advertised zero windows").allMatch(v -> !v.startsWith("0|"));
    }

    @Test
    void closeTypesOfRefusedResetKilledAndUnansweredConnectionsAreWhatThePacketsSay() throws Exception {
        int refusedPort = 7802;
        int killedPort = 7803;
        int silentPort = 7804;
        Path pcap = dir.resolve("close.pcap");
        try (BridgedNamespaces n = BridgedNamespaces.create(dir)) {
            // SYNs to the silent port never reach the server: the client repeats them until its connect times out
            n.run(n.server(), "nft", "add table inet silent");
            n.run(n.server(), "nft", "add chain inet silent in { type filter hook input priority 0 ; }");
            n.run(n.server(), "nft", "add rule inet silent in tcp dport " + silentPort + " drop");
            Process killed = new ProcessBuilder(n.in(n.server(), "python3", "-c",
                    "import socket, time\n"
                            + "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                            + "s.bind(('0.0.0.0', " + killedPort + ")); s.listen(1); print('listening', flush=True)\n"
                            + "c, _ = s.accept(); time.sleep(60)\n")).redirectErrorStream(true).start();
            assertThat(new String(killed.getInputStream().readNBytes(10))).isEqualTo("listening\n");
            try (ServerSocket server = listen(n, PORT);
                 Tcpdump t = Tcpdump.start(pcap, n.tap(), "tcp")) {
                long start = System.nanoTime();
                inClient(n, () -> connect(41001, silentPort, 1_500)); // SYN, and its repeat 1 s later
                inClient(n, () -> connect(41002, refusedPort, 2_000)); // nothing listens: RST to the SYN
                Future<?> serving = threads.submit(() -> {
                    try (Socket s = server.accept()) {
                        s.getInputStream().read(new byte[100]);
                        return s.getInputStream().read(); // -1 or an exception when the client resets
                    } catch (IOException e) {
                        return -2;
                    }
                });
                inClient(n, () -> {
                    try (Socket s = connect(41003, PORT, 2_000)) {
                        s.getOutputStream().write("hello".getBytes());
                        Thread.sleep(100);
                        s.setSoLinger(true, 0); // close with a reset
                    }
                    return null;
                });
                serving.get(10, TimeUnit.SECONDS);
                inClient(n, () -> {
                    try (Socket s = connect(41004, killedPort, 2_000)) {
                        s.getOutputStream().write("unread by the server".getBytes());
                        Thread.sleep(200);
                        killed.destroyForcibly().waitFor(); // SIGKILL: the kernel closes its socket with data unread
                        Thread.sleep(200);
                    }
                    return null;
                });
                // the SYN-only flow times out (5 s of silence in the opening state) only when the packets' clock
                // passes that: a normal connection after it moves the clock
                long sinceStart = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                Thread.sleep(Math.max(0, 7_000 - sinceStart));
                Future<?> lastServed = threads.submit(() -> serve(server, 1, 10, 10));
                inClient(n, () -> exchange(41005, 10, 10));
                lastServed.get(10, TimeUnit.SECONDS);
            } finally {
                killed.destroyForcibly();
            }
        }
        // a flow's final row has its close type (a flow that crossed a minute of the clock also has a forced report, 5)
        Map<String, String> rows = rows(pcap, "max(CASE WHEN close_type <> 5 THEN close_type END), sum(syn_count), "
                + "sum(retrans_syn), sum(retrans_tx)");
        assertThat(rows).containsEntry("41001", CloseType.SERVER_SYN_MISS + "|2|1|1")
                .containsEntry("41002", CloseType.SERVER_DIRECT_RST + "|1|0|0")
                .containsEntry("41003", CloseType.CLIENT_RST + "|1|0|0")
                .containsEntry("41004", CloseType.SERVER_RST + "|1|0|0")
                .containsEntry("41005", CloseType.NORMAL + "|1|0|0");
        // what the packets say, by tshark: who sent the resets, and the repeated SYN is a retransmission
        assertThat(tsharkFields(pcap, "tcp.flags.reset == 1", "tcp.srcport", "tcp.dstport"))
                .contains(refusedPort + "|41002", "41003|" + PORT, killedPort + "|41004");
        assertThat(tsharkFields(pcap, "tcp.analysis.retransmission", "tcp.srcport", "tcp.flags.syn"))
                .containsExactly("41001|1");
    }

    private ServerSocket listen(BridgedNamespaces n, int port) throws Exception {
        return inNamespace(n.server(), () -> {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(SERVER, port));
            return s;
        });
    }

    /** Accepts {@code connections} connections one after another: reads {@code request} bytes, sends {@code response}. */
    private static Void serve(ServerSocket server, int connections, int request, int response) throws IOException {
        for (int i = 0; i < connections; i++) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(30_000);
                InputStream in = s.getInputStream();
                byte[] buf = new byte[65536];
                for (int got = 0; got < request; ) {
                    int r = in.read(buf);
                    if (r < 0) {
                        throw new IOException("request cut at " + got);
                    }
                    got += r;
                }
                OutputStream out = s.getOutputStream();
                for (int sent = 0; sent < response; sent += buf.length) {
                    out.write(buf, 0, Math.min(buf.length, response - sent));
                }
                s.shutdownOutput();
                while (in.read(buf) >= 0) {
                    // until the client's FIN
                }
            }
        }
        return null;
    }

    private static Void exchange(int request, int response) throws IOException {
        return exchange(0, request, response);
    }

    /** A connection from {@code localPort} (0: any) that sends the request, reads the response to its end, closes. */
    private static Void exchange(int localPort, int request, int response) throws IOException {
        return exchange(SERVER, localPort, request, response);
    }

    private static Void exchange(String server, int localPort, int request, int response) throws IOException {
        try (Socket s = new Socket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(localPort));
            s.connect(new InetSocketAddress(server, PORT), 5_000);
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[65536];
            for (int sent = 0; sent < request; sent += buf.length) {
                out.write(buf, 0, Math.min(buf.length, request - sent));
            }
            InputStream in = s.getInputStream();
            int got = 0;
            for (int r; (r = in.read(buf)) >= 0; ) {
                got += r;
            }
            if (got != response) {
                throw new IOException("response of " + got + " bytes, not " + response);
            }
        }
        return null;
    }

    /** Sends a byte, then reads the response a little at a time with pauses, through a small receive buffer. */
    private static Void slowReader(int response) throws IOException, InterruptedException {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096); // before connect: the window the handshake offers follows it
            s.connect(new InetSocketAddress(SERVER, PORT), 5_000);
            s.setSoTimeout(30_000);
            s.getOutputStream().write(new byte[10]);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[2048];
            int got = 0;
            for (int reads = 1, r; (r = in.read(buf)) >= 0; reads++) {
                got += r;
                Thread.sleep(reads % 25 == 0 ? 300 : 3);
            }
            if (got != response) {
                throw new IOException("response of " + got + " bytes, not " + response);
            }
        }
        return null;
    }

    /** A connection from a chosen client port; null when it is refused or times out (the packets are the point). */
    private static Socket connect(int localPort, int port, int timeoutMillis) throws IOException {
        Socket s = new Socket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(CLIENT, localPort));
        try {
            s.connect(new InetSocketAddress(SERVER, port), timeoutMillis);
            return s;
        } catch (ConnectException | SocketTimeoutException e) {
            s.close();
            return null;
        }
    }

    private <T> T inClient(BridgedNamespaces n, Callable<T> work) throws Exception {
        return inNamespace(n.client(), work);
    }

    /** Runs {@code work} on a thread inside the namespace: the sockets it makes belong there. */
    private <T> T inNamespace(String ns, Callable<T> work) throws Exception {
        return threads.submit(() -> {
            try (Netns.Inside inside = Netns.enter(ns)) {
                return work.call();
            }
        }).get(60, TimeUnit.SECONDS);
    }

    /** Flowscope's per-flow sums of the columns (each direction), keyed by client port, from an import of the capture. */
    private Map<String, String> flowscope(Path pcap, String columns) throws Exception {
        return rows(pcap, String.join(", ", java.util.Arrays.stream(columns.split(", ")).map(c -> "sum(" + c + ")").toList()));
    }

    private Map<String, String> rows(Path pcap, String select) throws Exception {
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("store-" + pcap.getFileName()))) {
            FileSummary s = Importing.importFile(store, pcap);
            assertThat(s.fault()).isNull();
            Map<String, String> byPort = new TreeMap<>();
            for (String row : StoreState.rows(store, "SELECT client_port, " + select + " FROM flow_log.l4_flow_log"
                    + " GROUP BY client_port ORDER BY client_port")) {
                int bar = row.indexOf('|');
                byPort.put(row.substring(0, bar), row.substring(bar + 1));
            }
            return byPort;
        }
    }

    /**
     * tshark's count of packets matching each filter, per client port (the port that is not {@link #PORT}) and way
     * (tx: from the client), in the order of {@link #flowscope}: each filter's tx then rx.
     */
    private Map<String, String> tshark(Path pcap, String... filters) throws Exception {
        Map<String, long[]> counts = new TreeMap<>();
        for (String port : tsharkFields(pcap, "tcp.flags.syn == 1 && tcp.flags.ack == 0", "tcp.srcport")) {
            counts.putIfAbsent(port, new long[2 * filters.length]);
        }
        for (int i = 0; i < filters.length; i++) {
            for (String line : tsharkFields(pcap, filters[i], "tcp.srcport", "tcp.dstport")) {
                String[] p = line.split("\\|");
                boolean fromClient = !p[0].equals(String.valueOf(PORT));
                counts.computeIfAbsent(fromClient ? p[0] : p[1], k -> new long[2 * filters.length])[2 * i + (fromClient ? 0 : 1)]++;
            }
        }
        Map<String, String> byPort = new TreeMap<>();
        counts.forEach((port, c) -> {
            List<String> v = new ArrayList<>();
            for (long x : c) {
                v.add(String.valueOf(x));
            }
            byPort.put(port, String.join("|", v));
        });
        return byPort;
    }

    private List<String> tsharkFields(Path pcap, String filter, String... fields) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString(), "-Y", filter, "-T", "fields",
                "-E", "separator=|"));
        for (String f : fields) {
            cmd.addAll(List.of("-e", f));
        }
        String out = Processes.run(dir, cmd);
        return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
    }
}
