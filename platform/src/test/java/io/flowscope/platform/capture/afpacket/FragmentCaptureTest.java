package io.flowscope.platform.capture.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.pipeline.Pipelines;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.PrivilegedCondition;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.Processes;
import io.flowscope.platform.testing.StoreState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 8,000-byte UDP datagrams over IPv4 and IPv6 across a veth pair with an MTU of 1,500 (the far end in a network
 * namespace the test creates, with an echo server): the sending kernels fragment them, the ring captures the
 * fragments, and each datagram reaches its flow whole — one packet of 8,000 bytes each way.
 */
@Privileged(programs = {"ip", "python3"})
class FragmentCaptureTest {

    static final String NS = "fslinkfrag";
    static final int SIZE = 8000;
    static final String ECHO = String.join("\n",
            "import socket",
            "s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s4.bind(('10.79.0.2', 9999))",
            "s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s6.bind(('fd79::2', 9999))",
            "s4.settimeout(30); s6.settimeout(30)",
            "print('ready', flush=True)",
            "d, a = s4.recvfrom(65535); s4.sendto(d, a)",
            "d, a = s6.recvfrom(65535); s6.sendto(d, a)");

    @TempDir
    Path dir;

    void ip(String... args) throws Exception {
        Processes.ip(dir, args);
    }

    @AfterEach
    void remove() {
        for (List<String> cmd : List.of(List.of("link", "del", "fsfrag0"), List.of("netns", "del", NS))) {
            try {
                ip(cmd.toArray(String[]::new));
            } catch (Exception ignored) {
                // not created
            }
        }
    }

    @Test
    void fragmentedDatagramsCapturedLiveReachTheirFlowsWhole() throws Exception {
        remove();
        ip("netns", "add", NS);
        ip("link", "add", "fsfrag0", "mtu", "1500", "type", "veth", "peer", "name", "fsfrag1", "mtu", "1500");
        ip("link", "set", "fsfrag1", "netns", NS);
        ip("addr", "add", "10.79.0.1/24", "dev", "fsfrag0");
        ip("-6", "addr", "add", "fd79::1/64", "dev", "fsfrag0", "nodad");
        ip("link", "set", "fsfrag0", "up");
        ip("-n", NS, "addr", "add", "10.79.0.2/24", "dev", "fsfrag1");
        ip("-n", NS, "-6", "addr", "add", "fd79::2/64", "dev", "fsfrag1", "nodad");
        ip("-n", NS, "link", "set", "fsfrag1", "up");

        Process echo = new ProcessBuilder(PrivilegedCondition.which("ip"), "netns", "exec", NS,
                PrivilegedCondition.which("python3"), "-c", ECHO).redirectErrorStream(true).start();
        try (PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            BufferedReader out = new BufferedReader(new InputStreamReader(echo.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("ready");
            long frames;
            try (LiveCapture capture = LiveCapture.start(new Pipelines(plugins, store, null), "fsfrag0",
                    RingSettings.defaults(), "host 10.79.0.2 or host fd79::2")) {
                byte[] data = new byte[SIZE];
                for (int i = 0; i < SIZE; i++) {
                    data[i] = (byte) (i * 13);
                }
                assertThat(roundTrip(new InetSocketAddress("10.79.0.2", 9999), data)).isEqualTo(data);
                assertThat(roundTrip(new InetSocketAddress("fd79::2", 9999), data)).isEqualTo(data);
                long end = System.nanoTime() + 5_000_000_000L;
                while (capture.packets() < 24 && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                frames = capture.packets();
                assertThat(capture.failure()).isNull();
            } // closing reports the UDP flows
            assertThat(frames).as("6 fragments per datagram, 4 datagrams").isGreaterThanOrEqualTo(24);
            assertThat(StoreState.rows(store, "SELECT is_ipv4, packet_tx, packet_rx, l4_byte_tx, l4_byte_rx"
                    + " FROM flow_log.l4_flow_log WHERE protocol = 17 AND server_port = 9999 ORDER BY is_ipv4"))
                    .containsExactly("0|1|1|" + SIZE + "|" + SIZE, "1|1|1|" + SIZE + "|" + SIZE);
        } finally {
            echo.destroy();
        }
    }

    private static byte[] roundTrip(InetSocketAddress to, byte[] data) throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(5000);
            s.send(new DatagramPacket(data, data.length, to));
            DatagramPacket back = new DatagramPacket(new byte[65535], 65535);
            s.receive(back);
            return Arrays.copyOf(back.getData(), back.getLength());
        }
    }
}
