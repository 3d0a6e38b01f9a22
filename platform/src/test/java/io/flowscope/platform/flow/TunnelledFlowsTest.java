package io.flowscope.platform.flow;

import static io.flowscope.platform.testing.Frames.ACK;
import static io.flowscope.platform.testing.Frames.PSH;
import static io.flowscope.platform.testing.Frames.SYN;
import static io.flowscope.platform.testing.Frames.ascii;
import static io.flowscope.platform.testing.Frames.ethernet;
import static io.flowscope.platform.testing.Frames.gre;
import static io.flowscope.platform.testing.Frames.ipv4;
import static io.flowscope.platform.testing.Frames.tcp4;
import static io.flowscope.platform.testing.Frames.udp4;
import static io.flowscope.platform.testing.Frames.v4;
import static io.flowscope.platform.testing.Frames.vxlan;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.packet.MetaPacket;
import io.flowscope.platform.packet.PacketDecoder;
import io.flowscope.platform.packet.TunnelType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How tunnels key flows apart, and what a flow keeps of the tunnel its packets came through each way. */
class TunnelledFlowsTest {

    static final byte[] C = v4("10.0.0.1");
    static final byte[] S = v4("10.0.0.2");
    static final byte[] VTEP_A = v4("192.0.2.1");
    static final byte[] VTEP_B = v4("192.0.2.2");
    static final byte[] VTEP_C = v4("192.0.2.3");

    private final List<Flow> ended = new ArrayList<>();
    private final Map<Flow, ByteArrayOutputStream> requests = new HashMap<>();
    private final AtomicLong ids = new AtomicLong(1);
    private final FlowGenerator gen = new FlowGenerator(new FlowListener() {
        @Override
        public void payload(Flow flow, int side, ByteBuffer b, int off, int len, long ts) {
            if (side == 0) {
                ByteArrayOutputStream out = requests.computeIfAbsent(flow, f -> new ByteArrayOutputStream());
                for (int i = 0; i < len; i++) {
                    out.write(b.get(off + i));
                }
            }
        }

        @Override
        public void gap(Flow flow, int side, long lost) {
            throw new AssertionError("no gap expected: " + lost);
        }

        @Override
        public void flowEnded(Flow flow) {
            ended.add(flow);
        }
    }, ids::getAndIncrement, Set.of(), 1000);
    private final PacketDecoder decoder = new PacketDecoder();
    private final MetaPacket m = new MetaPacket();
    private long now = 1_000_000_000L;

    private void send(byte[] frame) {
        now += 100;
        assertThat(decoder.decode(ByteBuffer.wrap(frame), 0, frame.length, frame.length, now, 1, 0, m)).isEqualTo(PacketDecoder.OK);
        gen.packet(m);
    }

    /** A handshake and a request "GET <tag>" of 10.0.0.1:40000 → 10.0.0.2:80, each packet wrapped by {@code wrap}. */
    private void conversation(String tag, Wrap toServer, Wrap toClient) {
        send(toServer.wrap(tcp4(C, 40000, S, 80, 100, 0, SYN, 1000, new byte[0])));
        send(toClient.wrap(tcp4(S, 80, C, 40000, 500, 101, SYN | ACK, 1000, new byte[0])));
        send(toServer.wrap(tcp4(C, 40000, S, 80, 101, 501, ACK, 1000, new byte[0])));
        send(toServer.wrap(tcp4(C, 40000, S, 80, 101, 501, PSH | ACK, 1000, ascii("GET " + tag))));
        send(toClient.wrap(tcp4(S, 80, C, 40000, 501, 101 + 4 + tag.length(), ACK, 1000, new byte[0])));
    }

    interface Wrap {
        byte[] wrap(byte[] innerIp);
    }

    static Wrap vxlanFrom(byte[] src, byte[] dst, int vni) {
        return ip -> ethernet(udp4(src, 33333, dst, 4789, vxlan(vni, ethernet(ip))));
    }

    static Wrap greFrom(byte[] src, byte[] dst, int key) {
        return ip -> ethernet(ipv4(src, dst, 47, gre(false, key, null, 0x0800, ip), new byte[0]));
    }

    static final Wrap PLAIN = ip -> ethernet(ip);

    private List<Flow> flows() {
        gen.finish();
        List<Flow> all = new ArrayList<>(ended);
        all.sort(Comparator.comparingLong(f -> f.id));
        return all;
    }

    private String request(Flow f) {
        return requests.get(f).toString(StandardCharsets.US_ASCII);
    }

    @Test
    void theSameInnerConversationInTwoVnisAndUntunnelledIsThreeFlows() {
        conversation("/vni1", vxlanFrom(VTEP_A, VTEP_B, 1), vxlanFrom(VTEP_B, VTEP_A, 1));
        conversation("/vni2", vxlanFrom(VTEP_A, VTEP_B, 2), vxlanFrom(VTEP_B, VTEP_A, 2));
        conversation("/plain", PLAIN, PLAIN);
        List<Flow> flows = flows();
        assertThat(flows).hasSize(3);
        assertThat(flows).extracting(this::request).containsExactly("GET /vni1", "GET /vni2", "GET /plain");
        assertThat(flows).allSatisfy(f -> {
            assertThat(f.packets).containsExactly(3, 2);
            assertThat(f.directionScore).isEqualTo(255);
            assertThat(f.port1).isEqualTo(80);
        });
        assertThat(flows.get(0).tunnel.tx().id()).isEqualTo(1);
        assertThat(flows.get(1).tunnel.tx().id()).isEqualTo(2);
        assertThat(flows.get(2).tunnel).isNull();
        assertThat(flows.get(0).connection.tunnelType()).isEqualTo(TunnelType.VXLAN);
        assertThat(flows.get(2).connection.tunnelType()).isZero();
    }

    @Test
    void theSameIdInAnotherTunnelTypeIsAnotherFlow() {
        conversation("/vxlan", vxlanFrom(VTEP_A, VTEP_B, 5), vxlanFrom(VTEP_B, VTEP_A, 5));
        conversation("/gre", greFrom(VTEP_A, VTEP_B, 5), greFrom(VTEP_B, VTEP_A, 5));
        List<Flow> flows = flows();
        assertThat(flows).extracting(this::request).containsExactly("GET /vxlan", "GET /gre");
        assertThat(flows).extracting(f -> f.tunnel.type()).containsExactly(TunnelType.VXLAN, TunnelType.GRE);
    }

    @Test
    void eachDirectionKeepsItsOwnOuterHeaders() {
        conversation("/x", vxlanFrom(VTEP_A, VTEP_B, 42), vxlanFrom(VTEP_B, VTEP_A, 42));
        Flow f = flows().get(0);
        TunnelInfo t = f.tunnel;
        assertThat(t.tier()).isEqualTo(1);
        assertThat(t.type()).isEqualTo(TunnelType.VXLAN);
        assertThat(t.ipv4()).isTrue();
        // tx: the client's packets, A → B; rx: the server's, B → A (DeepFlow's tunnel_tx_ip_0/1, tunnel_rx_ip_0/1)
        assertThat(t.tx()).isEqualTo(new TunnelInfo.Side(42, 0, 0xc0000201L, 0, 0xc0000202L, 0x0066_7788_99aaL, 0x0011_2233_4455L));
        assertThat(t.rx()).isEqualTo(new TunnelInfo.Side(42, 0, 0xc0000202L, 0, 0xc0000201L, 0x0066_7788_99aaL, 0x0011_2233_4455L));
    }

    /**
     * Outer addresses are not part of the key: a reply that comes back through another tunnel end (an
     * asymmetric path, a moved VTEP) is still the same flow, with the rx side saying where it came from.
     */
    @Test
    void anAsymmetricReturnPathIsOneFlow() {
        conversation("/x", vxlanFrom(VTEP_A, VTEP_B, 7), vxlanFrom(VTEP_C, VTEP_A, 7));
        List<Flow> flows = flows();
        assertThat(flows).hasSize(1);
        assertThat(flows.get(0).tunnel.rx().ip0Lo()).isEqualTo(0xc0000203L);
        assertThat(flows.get(0).tunnel.tx().ip1Lo()).isEqualTo(0xc0000202L);
    }

    /** After the first packet each way the flow's tunnel record stays the same object: nothing is made per packet. */
    @Test
    void aKnownTunnelledFlowMakesNothingNew() {
        Wrap there = vxlanFrom(VTEP_A, VTEP_B, 3);
        Wrap back = vxlanFrom(VTEP_B, VTEP_A, 3);
        conversation("/x", there, back);
        Flow f = requests.keySet().iterator().next();
        TunnelInfo known = f.tunnel;
        assertThat(known.tx()).isNotNull();
        assertThat(known.rx()).isNotNull();
        send(there.wrap(tcp4(C, 40000, S, 80, 107, 501, PSH | ACK, 1000, ascii("more"))));
        send(back.wrap(tcp4(S, 80, C, 40000, 501, 111, ACK, 1000, new byte[0])));
        assertThat(f.tunnel).isSameAs(known);
        assertThat(request(f)).isEqualTo("GET /xmore");
        // a change (here: another source VTEP for the client's packets) is a new record, the other side kept
        send(vxlanFrom(VTEP_C, VTEP_B, 3).wrap(tcp4(C, 40000, S, 80, 111, 501, ACK, 1000, new byte[0])));
        assertThat(f.tunnel).isNotSameAs(known);
        assertThat(f.tunnel.tx().ip0Lo()).isEqualTo(0xc0000203L);
        assertThat(f.tunnel.rx()).isSameAs(known.rx());
    }
}
