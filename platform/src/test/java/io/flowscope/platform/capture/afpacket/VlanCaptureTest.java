package io.flowscope.platform.capture.afpacket;

import io.flowscope.platform.os.LibC;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import io.flowscope.platform.capture.CaptureFileReader;
import io.flowscope.platform.pipeline.Pipelines;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.Processes;
import io.flowscope.platform.testing.StoreState;
import io.flowscope.platform.testing.TcpConversation;
import io.flowscope.platform.testing.Tcpdump;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 802.1Q-tagged frames (VLAN 100) sent into one end of a veth pair the test creates and captured on the
 * other: the receiving kernel takes the tag off into tp_vlan_tci (this kernel has no 802.1Q interfaces, but
 * its receive path still untags), and the flows still carry VLAN 100 and the frames' bytes as they were on the
 * wire — as tcpdump, which puts the tag back, counts them.
 */
@Privileged(programs = {"ip", "tcpdump"})
class VlanCaptureTest {

    @TempDir
    Path dir;

    void ip(String... args) throws Exception {
        Processes.ip(dir, args);
    }

    @AfterEach
    void removePair() {
        try {
            ip("link", "del", "fsvlan0"); // takes its peer with it
        } catch (Exception ignored) {
            // not created
        }
    }

    @Test
    void flowsOfTaggedFramesCarryTheirVlanAndTheirBytesOnTheWire() throws Exception {
        removePair();
        ip("link", "add", "fsvlan0", "type", "veth", "peer", "name", "fsvlan1");
        ip("link", "set", "fsvlan0", "up");
        ip("link", "set", "fsvlan1", "up");
        List<List<byte[]>> conversations = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            conversations.add(new TcpConversation("10.78.0.1", 41_000 + i, "10.78.0.2", 8080)
                    .request("GET /v/" + i + " HTTP/1.1\r\nHost: vlan\r\n\r\n")
                    .response("HTTP/1.1 204 No Content\r\n\r\n").close());
        }
        try (PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            String filter = "tcp port 8080 or (vlan and tcp port 8080)";
            Path pcap = dir.resolve("tcpdump.pcap");
            try (Tcpdump tcpdump = Tcpdump.start(pcap, "fsvlan1", filter);
                 LiveCapture capture = LiveCapture.start(new Pipelines(plugins, store, null), "fsvlan1",
                         RingSettings.defaults(), filter)) {
                send("fsvlan0", conversations, 100);
                LoopbackCaptureTest.waitForFlows(store, 8080, 5);
                assertThat(capture.failure()).isNull();
            }
            AtomicLong packets = new AtomicLong();
            AtomicLong bytes = new AtomicLong();
            CaptureFileReader.read(pcap, (b, off, cap, wire, ts, link, ifId) -> {
                packets.incrementAndGet();
                bytes.addAndGet(wire);
            }, null);
            assertThat(packets.get()).isEqualTo(conversations.stream().mapToLong(List::size).sum());
            assertThat(StoreState.rows(store, "SELECT count(*), min(vlan), max(vlan), sum(packet_tx + packet_rx), "
                    + "sum(byte_tx + byte_rx), min(ip4_str(ip4_0)), min(ip4_str(ip4_1)) FROM flow_log.l4_flow_log WHERE server_port = 8080"))
                    .containsExactly("5|100|100|" + packets.get() + "|" + bytes.get() + "|10.78.0.1|10.78.0.2");
            assertThat(StoreState.rows(store, "SELECT count(*), min(response_code) FROM flow_log.l7_flow_log "
                    + "WHERE server_port = 8080 AND type = 2")).containsExactly("5|204");
        }
    }

    /** Sends the frames out of an interface with an 802.1Q tag inserted after the MAC addresses (none when {@code vlan} < 0). */
    static void send(String interfaceName, List<List<byte[]>> conversations, int vlan) throws Exception {
        int fd = LibC.socket(LibC.AF_PACKET, LibC.SOCK_RAW, 0);
        try {
            Memory sll = new Memory(20);
            sll.clear();
            sll.setShort(0, (short) LibC.AF_PACKET);
            sll.setInt(4, LibC.if_nametoindex(interfaceName));
            LibC.bind(fd, sll, 20);
            for (List<byte[]> frames : conversations) {
                for (byte[] f : frames) {
                    if (vlan < 0) {
                        LibC.write(fd, f, f.length);
                        continue;
                    }
                    byte[] tagged = new byte[f.length + 4];
                    System.arraycopy(f, 0, tagged, 0, 12);
                    tagged[12] = (byte) 0x81;
                    tagged[13] = 0x00;
                    tagged[14] = (byte) (vlan >> 8);
                    tagged[15] = (byte) vlan;
                    System.arraycopy(f, 12, tagged, 16, f.length - 12);
                    LibC.write(fd, tagged, tagged.length);
                }
            }
        } finally {
            LibC.close(fd);
        }
    }
}
