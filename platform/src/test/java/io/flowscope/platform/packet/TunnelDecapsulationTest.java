package io.flowscope.platform.packet;

import static io.flowscope.platform.testing.Frames.ACK;
import static io.flowscope.platform.testing.Frames.PSH;
import static io.flowscope.platform.testing.Frames.ascii;
import static io.flowscope.platform.testing.Frames.erspan2;
import static io.flowscope.platform.testing.Frames.erspan3;
import static io.flowscope.platform.testing.Frames.ethernet;
import static io.flowscope.platform.testing.Frames.geneve;
import static io.flowscope.platform.testing.Frames.gre;
import static io.flowscope.platform.testing.Frames.ipv4;
import static io.flowscope.platform.testing.Frames.ipv6;
import static io.flowscope.platform.testing.Frames.tcp4;
import static io.flowscope.platform.testing.Frames.tcpHeader;
import static io.flowscope.platform.testing.Frames.udp4;
import static io.flowscope.platform.testing.Frames.udpHeader;
import static io.flowscope.platform.testing.Frames.v4;
import static io.flowscope.platform.testing.Frames.vxlan;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every tunnel the decoder takes off, built byte by byte; the inner headers are what the packet then says. */
class TunnelDecapsulationTest {

    private final PacketDecoder decoder = new PacketDecoder();
    private final MetaPacket m = new MetaPacket();

    /** The inner conversation every tunnel below carries: 10.0.0.1:40000 → 10.0.0.2:80, "GET". */
    static final byte[] INNER_IP = tcp4(v4("10.0.0.1"), 40000, v4("10.0.0.2"), 80, 1000, 2000, PSH | ACK, 512, ascii("GET"));
    static final byte[] INNER_FRAME = innerEthernet(INNER_IP);
    static final byte[] OUTER_SRC = v4("192.0.2.1");
    static final byte[] OUTER_DST = v4("192.0.2.2");

    private int decode(byte[] frame) {
        return decode(frame, frame.length);
    }

    private int decode(byte[] frame, int cap) {
        ByteBuffer b = ByteBuffer.allocate(frame.length + 64);
        b.position(21);
        b.put(frame);
        return decoder.decode(b, 21, cap, frame.length, 42, PacketDecoder.LINKTYPE_ETHERNET, 0, m);
    }

    /** The outer frame: Ethernet with its own MACs (02:00:00:00:00:0a → 02:00:00:00:00:0b) around an IP packet. */
    static byte[] outer(byte[] ip) {
        byte[] f = ethernet(ip);
        System.arraycopy(new byte[] {2, 0, 0, 0, 0, 0x0b, 2, 0, 0, 0, 0, 0x0a}, 0, f, 0, 12);
        return f;
    }

    /** An inner Ethernet frame with its own MACs (0e:00:00:00:00:01 → 0e:00:00:00:00:02). */
    static byte[] innerEthernet(byte[] ip) {
        byte[] f = ethernet(ip);
        System.arraycopy(new byte[] {0x0e, 0, 0, 0, 0, 2, 0x0e, 0, 0, 0, 0, 1}, 0, f, 0, 12);
        return f;
    }

    static byte[] udpOuter(int dport, byte[] payload) {
        return outer(udp4(OUTER_SRC, 54321, OUTER_DST, dport, payload));
    }

    static byte[] greOuter(byte[] gre) {
        return outer(ipv4(OUTER_SRC, OUTER_DST, 47, gre, new byte[0]));
    }

    private void assertInnerTcp() {
        assertThat(m.ipv4).isTrue();
        assertThat(m.protocol).isEqualTo(6);
        assertThat(m.srcLo).isEqualTo(0x0a000001L);
        assertThat(m.dstLo).isEqualTo(0x0a000002L);
        assertThat(m.srcPort).isEqualTo(40000);
        assertThat(m.dstPort).isEqualTo(80);
        assertThat(m.payloadLen).isEqualTo(3);
        assertThat(m.buffer.get(m.payloadOffset)).isEqualTo((byte) 'G');
        assertThat(m.l3Len).isEqualTo(INNER_IP.length);
        assertThat(m.ethType).isEqualTo(0x0800);
    }

    private void assertOuter(int type, long id) {
        assertThat(m.tunnelTier).isEqualTo(1);
        assertThat(m.tunnelType).isEqualTo(type);
        assertThat(m.tunnelId).isEqualTo(id);
        assertThat(m.tunnelIpv4).isTrue();
        assertThat(m.tunnelSrcLo).isEqualTo(0xc0000201L);
        assertThat(m.tunnelDstLo).isEqualTo(0xc0000202L);
        assertThat(m.tunnelSrcMac).isEqualTo(0x0200_0000_000aL);
        assertThat(m.tunnelDstMac).isEqualTo(0x0200_0000_000bL);
        assertThat(m.tunnelKey0).isEqualTo((long) type << 32 | id);
        assertThat(m.tunnelKey1).isZero();
    }

    /** The inner Ethernet header's MACs are the packet's. */
    private void assertInnerMacs() {
        assertThat(m.srcMac).isEqualTo(0x0e00_0000_0001L);
        assertThat(m.dstMac).isEqualTo(0x0e00_0000_0002L);
    }

    @Test
    void vxlanOnTheIanaAndTheLinuxPorts() {
        for (int port : new int[] {4789, 8472}) {
            assertThat(decode(udpOuter(port, vxlan(0xabcdef, INNER_FRAME)))).isEqualTo(PacketDecoder.OK);
            assertInnerTcp();
            assertInnerMacs();
            assertOuter(TunnelType.VXLAN, 0xabcdef);
        }
    }

    @Test
    void vxlanCarryingIpv6AndAnInnerVlanTag() {
        byte[] src = new byte[16];
        src[0] = (byte) 0xfd;
        src[15] = 1;
        byte[] dst = src.clone();
        dst[15] = 2;
        byte[] frame = ethernet(ipv6(src, dst, 17, udpHeader(5353, 53, ascii("q"))), 77);
        assertThat(decode(udpOuter(4789, vxlan(42, frame)))).isEqualTo(PacketDecoder.OK);
        assertThat(m.ipv4).isFalse();
        assertThat(m.ethType).isEqualTo(0x86dd);
        assertThat(m.srcHi).isEqualTo(0xfd00_0000_0000_0000L);
        assertThat(m.dstPort).isEqualTo(53);
        assertThat(m.vlan).isEqualTo(77);
        assertOuter(TunnelType.VXLAN, 42);
    }

    @Test
    void geneveSkipsItsOptionsAndCarriesEthernetOrIp() {
        assertThat(decode(udpOuter(6081, geneve(7, 0x6558, 3, INNER_FRAME)))).isEqualTo(PacketDecoder.OK);
        assertInnerTcp();
        assertInnerMacs();
        assertOuter(TunnelType.GENEVE, 7);

        assertThat(decode(udpOuter(6081, geneve(8, 0x0800, 0, INNER_IP)))).isEqualTo(PacketDecoder.OK);
        assertInnerTcp();
        assertOuter(TunnelType.GENEVE, 8);
    }

    @Test
    void greWithEveryOptionalFieldCarryingIpv4OrIpv6() {
        assertThat(decode(greOuter(gre(true, 0x01020304, 99, 0x0800, INNER_IP)))).isEqualTo(PacketDecoder.OK);
        assertInnerTcp();
        assertThat(m.srcMac).as("no inner Ethernet: the outer MACs stay").isEqualTo(0x0200_0000_000aL);
        assertOuter(TunnelType.GRE, 0x01020304L);

        assertThat(decode(greOuter(gre(false, null, null, 0x0800, INNER_IP)))).isEqualTo(PacketDecoder.OK);
        assertInnerTcp();
        assertOuter(TunnelType.GRE, 0);

        byte[] v6 = ipv6(new byte[16], new byte[16], 6, tcpHeader(1, 2, 0, 0, ACK, 1, 0, ascii("x")));
        assertThat(decode(greOuter(gre(false, null, 5, 0x86dd, v6)))).isEqualTo(PacketDecoder.OK);
        assertThat(m.ipv4).isFalse();
        assertThat(m.dstPort).isEqualTo(2);
        assertOuter(TunnelType.GRE, 0);
    }

    @Test
    void greTransparentEthernetBridging() {
        assertThat(decode(greOuter(gre(false, 0x2000000, null, 0x6558, INNER_FRAME)))).isEqualTo(PacketDecoder.OK);
        assertInnerTcp();
        assertInnerMacs();
        assertOuter(TunnelType.TEB, 0x2000000);
    }

    @Test
    void erspanTypesOneTwoAndThree() {
        assertThat(decode(greOuter(gre(false, null, null, 0x88be, INNER_FRAME)))).isEqualTo(PacketDecoder.OK);
        assertInnerTcp();
        assertInnerMacs();
        assertOuter(TunnelType.ERSPAN, 0);

        assertThat(decode(greOuter(gre(false, null, 1, 0x88be, erspan2(0x3ff & 100, INNER_FRAME))))).isEqualTo(PacketDecoder.OK);
        assertInnerTcp();
        assertOuter(TunnelType.ERSPAN, 100);

        for (boolean subheader : new boolean[] {false, true}) {
            assertThat(decode(greOuter(gre(false, null, 1, 0x22eb, erspan3(513, subheader, INNER_FRAME))))).isEqualTo(PacketDecoder.OK);
            assertInnerTcp();
            assertInnerMacs();
            assertOuter(TunnelType.ERSPAN, 513);
        }

        // frame type 2: an IP packet mirrored without its Ethernet header
        byte[] ipOnly = erspan3(9, false, INNER_IP);
        ipOnly[10] = 2 << 2;
        assertThat(decode(greOuter(gre(false, null, 1, 0x22eb, ipOnly)))).isEqualTo(PacketDecoder.OK);
        assertInnerTcp();
        assertOuter(TunnelType.ERSPAN, 9);
    }

    @Test
    void ipInIpOfBothVersions() {
        assertThat(decode(outer(ipv4(OUTER_SRC, OUTER_DST, 4, INNER_IP, new byte[0])))).isEqualTo(PacketDecoder.OK);
        assertInnerTcp();
        assertOuter(TunnelType.IPIP, 0);

        byte[] src6 = new byte[16];
        src6[0] = 0x20;
        src6[1] = 0x01;
        src6[15] = 9;
        byte[] dst6 = src6.clone();
        dst6[15] = 10;
        byte[] inner6 = ipv6(src6, dst6, 6, tcpHeader(40000, 80, 1, 1, ACK, 1, 0, ascii("GET")));
        // 6in4
        assertThat(decode(outer(ipv4(OUTER_SRC, OUTER_DST, 41, inner6, new byte[0])))).isEqualTo(PacketDecoder.OK);
        assertThat(m.ipv4).isFalse();
        assertThat(m.ethType).isEqualTo(0x86dd);
        assertThat(m.srcLo).isEqualTo(9);
        assertOuter(TunnelType.IPIP, 0);
        // IPv6 in IPv6, and IPv4 in IPv6: the outer addresses are IPv6
        for (byte[] inner : List.of(inner6, INNER_IP)) {
            assertThat(decode(outer(ipv6(dst6, src6, inner == INNER_IP ? 4 : 41, inner)))).isEqualTo(PacketDecoder.OK);
            assertThat(m.tunnelTier).isEqualTo(1);
            assertThat(m.tunnelType).isEqualTo(TunnelType.IPIP);
            assertThat(m.tunnelIpv4).isFalse();
            assertThat(m.tunnelSrcHi).isEqualTo(0x2001_0000_0000_0000L);
            assertThat(m.tunnelSrcLo).isEqualTo(10);
            assertThat(m.tunnelDstLo).isEqualTo(9);
            assertThat(m.dstPort).isEqualTo(80);
        }
    }

    @Test
    void twoLevelsAreTakenOffAndTheOutermostIsRecorded() {
        // VXLAN in GRE: GRE is recorded, both are in the key
        byte[] vxlanPacket = udp4(v4("172.16.0.1"), 1, v4("172.16.0.2"), 4789, vxlan(5, INNER_FRAME));
        assertThat(decode(greOuter(gre(false, 77, null, 0x0800, vxlanPacket)))).isEqualTo(PacketDecoder.OK);
        assertInnerTcp();
        assertThat(m.tunnelTier).isEqualTo(2);
        assertThat(m.tunnelType).isEqualTo(TunnelType.GRE);
        assertThat(m.tunnelId).isEqualTo(77);
        assertThat(m.tunnelSrcLo).isEqualTo(0xc0000201L);
        assertThat(m.tunnelKey0).isEqualTo((long) TunnelType.GRE << 32 | 77);
        assertThat(m.tunnelKey1).isEqualTo((long) TunnelType.VXLAN << 32 | 5);

        // a third level is not taken off: the second level's inner packet is a UDP datagram to 4789
        byte[] third = udp4(v4("10.9.9.1"), 2, v4("10.9.9.2"), 4789, vxlan(3, INNER_FRAME));
        byte[] second = udp4(v4("172.16.0.1"), 1, v4("172.16.0.2"), 4789, vxlan(2, innerEthernet(third)));
        assertThat(decode(udpOuter(4789, vxlan(1, innerEthernet(second))))).isEqualTo(PacketDecoder.OK);
        assertThat(m.tunnelTier).isEqualTo(2);
        assertThat(m.tunnelId).isEqualTo(1);
        assertThat(m.protocol).isEqualTo(17);
        assertThat(m.dstPort).isEqualTo(4789);
        assertThat(m.srcLo).isEqualTo(0x0a090901L);
    }

    @Test
    void theNextFrameForgetsThePreviousTunnel() {
        assertThat(decode(udpOuter(4789, vxlan(9, INNER_FRAME)))).isEqualTo(PacketDecoder.OK);
        assertThat(decode(ethernet(INNER_IP))).isEqualTo(PacketDecoder.OK);
        assertThat(m.tunnelTier).isZero();
        assertThat(m.tunnelType).isZero();
        assertThat(m.tunnelKey0).isZero();
        assertThat(m.tunnelKey1).isZero();
    }

    @Test
    void whatIsNotATunnelWeDecapsulateStaysAsItIs() {
        // PPTP's enhanced GRE (version 1) and GRE carrying PPP: a protocol 47 packet between the tunnel's ends
        byte[] pptp = gre(false, 1, null, 0x880b, ascii("ppp"));
        pptp[1] |= 1;
        assertThat(decode(greOuter(pptp))).isEqualTo(PacketDecoder.OK);
        assertThat(m.protocol).isEqualTo(47);
        assertThat(m.tunnelTier).isZero();
        assertThat(decode(greOuter(gre(false, null, null, 0x880b, ascii("ppp"))))).isEqualTo(PacketDecoder.OK);
        assertThat(m.protocol).isEqualTo(47);
        assertThat(m.srcLo).isEqualTo(0xc0000201L);
        // plain UDP on other ports
        assertThat(decode(udpOuter(4790, vxlan(1, INNER_FRAME)))).isEqualTo(PacketDecoder.OK);
        assertThat(m.dstPort).isEqualTo(4790);
        assertThat(m.tunnelTier).isZero();
        // ARP in VXLAN: not IP, not an error
        byte[] arp = new byte[42];
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertThat(decode(udpOuter(4789, vxlan(1, arp)))).isEqualTo(PacketDecoder.NOT_IP);
    }

    @Test
    void malformedTunnelHeadersAreNamed() {
        assertFails(udpOuter(4789, new byte[7]), DecodeError.TRUNCATED_TUNNEL_HEADER);
        byte[] noVni = vxlan(1, INNER_FRAME);
        noVni[0] = 0;
        assertFails(udpOuter(4789, noVni), DecodeError.BAD_TUNNEL_HEADER);
        assertFails(udpOuter(4789, vxlan(1, Arrays.copyOf(INNER_FRAME, 10))), DecodeError.TRUNCATED_TUNNEL_HEADER);

        byte[] geneveV1 = geneve(1, 0x6558, 0, INNER_FRAME);
        geneveV1[0] = 0x40;
        assertFails(udpOuter(6081, geneveV1), DecodeError.BAD_TUNNEL_HEADER);
        byte[] longOptions = geneve(1, 0x6558, 0, new byte[20]);
        longOptions[0] = 0x3f; // 252 bytes of options in a 28-byte payload
        assertFails(udpOuter(6081, longOptions), DecodeError.TRUNCATED_TUNNEL_HEADER);

        assertFails(greOuter(new byte[3]), DecodeError.TRUNCATED_TUNNEL_HEADER);
        assertFails(greOuter(Arrays.copyOf(gre(true, 1, 1, 0x0800, new byte[0]), 10)), DecodeError.TRUNCATED_TUNNEL_HEADER);
        byte[] routing = gre(false, null, null, 0x0800, INNER_IP);
        routing[0] = 0x40;
        assertFails(greOuter(routing), DecodeError.BAD_TUNNEL_HEADER);

        byte[] erspanV3in2 = gre(false, null, 1, 0x88be, erspan3(1, false, INNER_FRAME));
        assertFails(greOuter(erspanV3in2), DecodeError.BAD_TUNNEL_HEADER);
        assertFails(greOuter(gre(false, null, 1, 0x88be, new byte[6])), DecodeError.TRUNCATED_TUNNEL_HEADER);
        byte[] cutSubheader = Arrays.copyOf(gre(false, null, 1, 0x22eb, erspan3(1, true, new byte[0])), 8 + 12 + 4);
        assertFails(greOuter(cutSubheader), DecodeError.TRUNCATED_TUNNEL_HEADER);

        // the inner packet's own faults keep their names
        byte[] badInner = INNER_FRAME.clone();
        badInner[14] = 0x35;
        assertFails(udpOuter(4789, vxlan(1, badInner)), DecodeError.BAD_IP_HEADER);
    }

    private void assertFails(byte[] frame, DecodeError expected) {
        assertThat(decode(frame)).isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(expected);
    }

    /** Any cut of any tunnelled frame is decoded or named, never thrown. */
    @Test
    void everyTruncationIsDecodedOrNamed() {
        byte[] src6 = new byte[16];
        List<byte[]> frames = List.of(
                udpOuter(4789, vxlan(1, INNER_FRAME)),
                udpOuter(6081, geneve(1, 0x6558, 2, INNER_FRAME)),
                greOuter(gre(true, 1, 1, 0x0800, INNER_IP)),
                greOuter(gre(false, 1, null, 0x6558, INNER_FRAME)),
                greOuter(gre(false, null, null, 0x88be, INNER_FRAME)),
                greOuter(gre(false, null, 1, 0x88be, erspan2(1, INNER_FRAME))),
                greOuter(gre(false, null, 1, 0x22eb, erspan3(1, true, INNER_FRAME))),
                outer(ipv4(OUTER_SRC, OUTER_DST, 4, INNER_IP, new byte[0])),
                outer(ipv6(src6, src6, 41, ipv6(src6, src6, 6, tcpHeader(1, 2, 0, 0, ACK, 1, 0, ascii("x"))))));
        for (byte[] frame : frames) {
            for (int cap = 0; cap <= frame.length; cap++) {
                for (int wire : new int[] {cap, frame.length}) {
                    byte[] cut = Arrays.copyOf(frame, wire);
                    int r = decode(cut, cap);
                    assertThat(r).isIn(PacketDecoder.OK, PacketDecoder.FAILED);
                    if (r == PacketDecoder.FAILED) {
                        assertThat(decoder.error()).isNotNull();
                    }
                }
            }
        }
    }
}
