package io.flowscope.platform.capture.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.ingest.FileSummary;
import io.flowscope.platform.pipeline.Pipelines;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.HttpCaptureSummary;
import io.flowscope.platform.testing.HttpTraffic;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Netns;
import io.flowscope.platform.testing.Nginx;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.Processes;
import io.flowscope.platform.testing.StoreState;
import io.flowscope.platform.testing.Tcpdump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real VXLAN, made by the kernel: two network namespaces joined by a veth pair (the underlay, 10.201.0.0/24),
 * a vxlan device with VNI 42 on each over it (the overlay, 10.202.0.0/24), nginx in one, curl and sockets in the
 * other ({@link HttpTraffic}, the traffic of the recorded nginx capture). The underlay veth is captured in the
 * client's namespace by Flowscope's AF_PACKET ring and by tcpdump at once: the live flows and the imported
 * tcpdump capture both give tshark's inner TCP conversations and HTTP requests and responses, every flow through
 * tunnel type 1 with id 42 each way, from the client's tunnel end to the server's and back.
 */
@Privileged(programs = {"ip", "nginx", "tcpdump", "curl", "tshark"})
class VxlanCaptureTest {

    static final String CLIENT_NS = "fsvxa";
    static final String SERVER_NS = "fsvxb";
    /** The capture filter: the underlay's VXLAN datagrams only. */
    static final String FILTER = "udp port 4789";

    @TempDir
    Path dir;

    void ip(String... args) throws Exception {
        Processes.ip(dir, args);
    }

    @AfterEach
    void removeNamespaces() {
        Netns.delete(dir, CLIENT_NS); // the veth ends and vxlan devices go with them
        Netns.delete(dir, SERVER_NS);
    }

    @Test
    void liveAndRecordedVxlanGiveTsharksInnerConversationsWithTheirTunnel() throws Exception {
        removeNamespaces();
        Path home = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net"));
        Netns.add(dir, CLIENT_NS);
        Netns.add(dir, SERVER_NS);
        // made inside the namespaces at once: the host's own interfaces (and captures of them all) never see them
        ip("link", "add", "fsvxa0", "address", "02:00:00:00:0a:01", "netns", CLIENT_NS, "type", "veth",
                "peer", "name", "fsvxb0", "address", "02:00:00:00:0b:02", "netns", SERVER_NS);
        tunnelEnd(CLIENT_NS, "fsvxa0", "10.201.0.1", "10.201.0.2", "10.202.0.1");
        tunnelEnd(SERVER_NS, "fsvxb0", "10.201.0.2", "10.201.0.1", "10.202.0.2");

        Path pcap = dir.resolve("underlay.pcap");
        HttpCaptureSummary live;
        List<String> liveTunnels;
        int port;
        try (PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("live"))) {
            Nginx nginx;
            try (Netns.Inside inServer = Netns.enter(SERVER_NS)) {
                nginx = Nginx.start(dir.resolve("nginx"), "0.0.0.0");
            }
            try (nginx) {
                port = nginx.port();
                try (Netns.Inside inClient = Netns.enter(CLIENT_NS)) {
                    try (Tcpdump tcpdump = Tcpdump.start(pcap, "fsvxa0", FILTER);
                         LiveCapture capture = LiveCapture.start(new Pipelines(plugins, store, null), "fsvxa0",
                                 RingSettings.defaults(), FILTER)) {
                        HttpTraffic.drive("10.202.0.1", "10.202.0.2", port, dir);
                        LoopbackCaptureTest.waitForFlows(store, port, 12);
                        assertThat(capture.failure()).isNull();
                    }
                }
            }
            try (Connection c = store.connection()) {
                live = HttpCaptureSummary.flowscope(c, 1, "server_port = " + port);
            }
            liveTunnels = tunnelColumns(store, port);
        }
        assertThat(Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net"))).as("back in the test's namespace").isEqualTo(home);

        HttpCaptureSummary tshark = HttpCaptureSummary.tshark(pcap, port, dir);
        assertThat(tshark.tcpConversations()).isEqualTo(12);
        assertThat(tshark.requests()).hasSize(17);
        assertThat(live).isEqualTo(tshark);
        assertThat(liveTunnels).containsExactly(expectedTunnel());

        try (DuckDbStore store = DuckDbStore.open(dir.resolve("recorded"))) {
            FileSummary s = Importing.importFile(store, pcap);
            assertThat(s.fault()).isNull();
            assertThat(s.errors()).isEmpty();
            try (Connection c = store.connection()) {
                assertThat(HttpCaptureSummary.flowscope(c, tshark.interimResponses(), "server_port = " + port)).isEqualTo(tshark);
            }
            assertThat(tunnelColumns(store, port)).containsExactly(expectedTunnel());
            assertThat(StoreState.rows(store, "SELECT DISTINCT tunnel_type FROM flow_log.l7_flow_log")).containsExactly("1");
        }
    }

    /** One end of the tunnel: the underlay veth with its address, and vxlan device fsvx42 over it with the overlay's. */
    private void tunnelEnd(String ns, String veth, String underlay, String remote, String overlay) throws Exception {
        ip("-n", ns, "link", "set", "lo", "up");
        ip("-n", ns, "addr", "add", underlay + "/24", "dev", veth);
        ip("-n", ns, "link", "set", veth, "up");
        ip("-n", ns, "link", "add", "fsvx42", "type", "vxlan", "id", "42", "remote", remote, "dstport", "4789", "dev", veth);
        ip("-n", ns, "addr", "add", overlay + "/24", "dev", "fsvx42");
        ip("-n", ns, "link", "set", "fsvx42", "up");
    }

    /**
     * The client's packets went from its tunnel end (10.201.0.1, MAC …:0a:01) to the server's (10.201.0.2,
     * …:0b:02), the server's back: tier | type | tx id | rx id | tx ips | rx ips | tx MACs | rx MACs (low 32 bits).
     */
    private static String expectedTunnel() {
        return "1|1|42|42|10.201.0.1|10.201.0.2|10.201.0.2|10.201.0.1|1|2561|2818|2818|2561|10.202.0.1|10.202.0.2";
    }

    private static List<String> tunnelColumns(DuckDbStore store, int port) throws Exception {
        return StoreState.rows(store, "SELECT DISTINCT tunnel_tier, tunnel_type, tunnel_tx_id, tunnel_rx_id,"
                + " ip4_str(tunnel_tx_ip4_0), ip4_str(tunnel_tx_ip4_1), ip4_str(tunnel_rx_ip4_0), ip4_str(tunnel_rx_ip4_1),"
                + " tunnel_is_ipv4, tunnel_tx_mac_0, tunnel_tx_mac_1, tunnel_rx_mac_0, tunnel_rx_mac_1,"
                + " ip4_str(ip4_0), ip4_str(ip4_1) FROM flow_log.l4_flow_log WHERE server_port = " + port);
    }
}
