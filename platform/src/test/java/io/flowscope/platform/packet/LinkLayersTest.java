package io.flowscope.platform.packet;

import static io.flowscope.platform.testing.Frames.SYN;
import static io.flowscope.platform.testing.Frames.ascii;
import static io.flowscope.platform.testing.Frames.ethernet;
import static io.flowscope.platform.testing.Frames.ipv6;
import static io.flowscope.platform.testing.Frames.tcp4;
import static io.flowscope.platform.testing.Frames.udpHeader;
import static io.flowscope.platform.testing.Frames.v4;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.testing.FragmentFrames;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The link layers of {@link LinkLayers} through the decoder, with their malformed cases (the golden captures cover the common ones). */
class LinkLayersTest {

    static final byte[] SEG = tcp4(v4("192.168.7.2"), 51000, v4("192.168.7.3"), 80, 7, 0, SYN, 1000, ascii("hi"));
    static final long STA = 0x0200_0000_000cL;
    static final long AP = 0x0200_0000_00abL;
    static final long SERVER = 0x0200_0000_0005L;

    final PacketDecoder decoder = new PacketDecoder();
    final MetaPacket m = new MetaPacket();

    int decode(byte[] frame, int linkType) {
        return decoder.decode(ByteBuffer.wrap(frame), 0, frame.length, frame.length, 42, linkType, 0, m);
    }

    static byte[] cat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    static byte[] mac(long v) {
        return Arrays.copyOfRange(ByteBuffer.allocate(8).putLong(v).array(), 2, 8);
    }

    static final byte[] SNAP_IPV4 = {(byte) 0xaa, (byte) 0xaa, 3, 0, 0, 0, 0x08, 0x00};

    /** An 802.11 data frame: fc0 (type/subtype), fc1 (flags), addresses 1–3 (and 4), QoS control when qos. */
    static byte[] wlan(int fc0, int fc1, long a1, long a2, long a3, Long a4, byte[] qos, byte[] body) {
        byte[] hdr = cat(new byte[] {(byte) fc0, (byte) fc1, 0, 0}, mac(a1), mac(a2), mac(a3), new byte[2],
                a4 == null ? new byte[0] : mac(a4), qos == null ? new byte[0] : qos);
        return cat(hdr, body);
    }

    static byte[] radiotap(byte[] frame) {
        return cat(new byte[] {0, 0, 8, 0, 0, 0, 0, 0}, frame);
    }

    @Test
    void wlanAddressesFollowToDsAndFromDs() {
        // ToDS (station to the wired server): BSSID, SA, DA
        assertThat(decode(wlan(0x88, 0x01, AP, STA, SERVER, null, new byte[2], cat(SNAP_IPV4, SEG)), 105)).isEqualTo(PacketDecoder.OK);
        assertThat(m.srcMac).isEqualTo(STA);
        assertThat(m.dstMac).isEqualTo(SERVER);
        assertThat(m.srcPort).isEqualTo(51000);
        // FromDS: DA, BSSID, SA; plain data (no QoS control)
        assertThat(decode(wlan(0x08, 0x02, STA, AP, SERVER, null, null, cat(SNAP_IPV4, SEG)), 105)).isEqualTo(PacketDecoder.OK);
        assertThat(m.srcMac).isEqualTo(SERVER);
        assertThat(m.dstMac).isEqualTo(STA);
        // neither (ad hoc): DA, SA, BSSID
        assertThat(decode(wlan(0x08, 0x00, SERVER, STA, AP, null, null, cat(SNAP_IPV4, SEG)), 105)).isEqualTo(PacketDecoder.OK);
        assertThat(m.srcMac).isEqualTo(STA);
        assertThat(m.dstMac).isEqualTo(SERVER);
        // both (4 addresses): RA, TA, DA, SA; QoS with an HT control field (+HTC, the order bit)
        assertThat(decode(radiotap(wlan(0x88, 0x83, AP, AP, SERVER, STA, new byte[6], cat(SNAP_IPV4, SEG))), 127))
                .isEqualTo(PacketDecoder.OK);
        assertThat(m.srcMac).isEqualTo(STA);
        assertThat(m.dstMac).isEqualTo(SERVER);
        assertThat(m.payloadLen).isEqualTo(2);
    }

    @Test
    void wlanFramesWithoutIpAreNotErrorsAndTheUnreadableAreNamed() {
        byte[] beacon = wlan(0x80, 0, -1L & 0xffff_ffff_ffffL, AP, AP, null, null, new byte[12]);
        assertThat(decode(beacon, 105)).isEqualTo(PacketDecoder.NOT_IP);
        assertThat(decode(wlan(0xc8, 0x01, AP, STA, AP, null, new byte[2], new byte[0]), 105)).as("QoS null").isEqualTo(PacketDecoder.NOT_IP);
        byte[] stp = {0x42, 0x42, 3, 0, 0, 0, 0, 0};
        assertThat(decode(wlan(0x08, 0x01, AP, STA, SERVER, null, null, cat(stp, SEG)), 105)).as("not SNAP").isEqualTo(PacketDecoder.NOT_IP);

        assertThat(decode(wlan(0x88, 0x41, AP, STA, SERVER, null, new byte[2], new byte[40]), 105)).isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.WLAN_PROTECTED);
        assertThat(decode(wlan(0x88, 0x01, AP, STA, SERVER, null, new byte[] {(byte) 0x80, 0}, cat(SNAP_IPV4, SEG)), 105))
                .as("A-MSDU").isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.UNSUPPORTED_WLAN_FRAME);
        assertThat(decode(wlan(0x08, 0x05, AP, STA, SERVER, null, null, cat(SNAP_IPV4, SEG)), 105))
                .as("an 802.11 fragment").isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.UNSUPPORTED_WLAN_FRAME);
        assertThat(decode(wlan(0x09, 0x01, AP, STA, SERVER, null, null, cat(SNAP_IPV4, SEG)), 105))
                .as("protocol version 1").isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.BAD_LINK_HEADER);
        assertThat(decode(Arrays.copyOf(wlan(0x08, 0x01, AP, STA, SERVER, null, null, SNAP_IPV4), 28), 105)).isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.TRUNCATED_LINK_HEADER);
    }

    @Test
    void radiotapAndPpiHeadersAreSkippedByTheirLengthsAndCheckedForSense() {
        byte[] frame = wlan(0x08, 0x01, AP, STA, SERVER, null, null, cat(SNAP_IPV4, SEG));
        byte[] longRadiotap = cat(new byte[] {0, 0, 14, 0, 0x0e, 0, 0, 0, 0, 4, (byte) 0x85, 9, (byte) 0xa0, 0}, frame);
        assertThat(decode(longRadiotap, 127)).isEqualTo(PacketDecoder.OK);
        byte[] badVersion = radiotap(frame);
        badVersion[0] = 1;
        assertThat(decode(badVersion, 127)).isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.BAD_LINK_HEADER);
        byte[] tooLong = radiotap(frame);
        tooLong[2] = (byte) 0xff;
        tooLong[3] = 0x7f;
        assertThat(decode(tooLong, 127)).isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.TRUNCATED_LINK_HEADER);

        assertThat(decode(ppi(105, frame), 192)).isEqualTo(PacketDecoder.OK);
        assertThat(m.srcMac).isEqualTo(STA);
        assertThat(decode(ppi(1, ethernet(SEG)), 192)).isEqualTo(PacketDecoder.OK);
        assertThat(m.srcPort).isEqualTo(51000);
        assertThat(decode(ppi(192, ppi(1, ethernet(SEG))), 192)).as("PPI in PPI").isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.UNSUPPORTED_LINK_TYPE);
        assertThat(decode(Arrays.copyOf(ppi(1, ethernet(SEG)), 6), 192)).isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.TRUNCATED_LINK_HEADER);
    }

    static byte[] ppi(int dlt, byte[] frame) {
        return cat(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0).put((byte) 0).putShort((short) 8)
                .putInt(dlt).array(), frame);
    }

    /** An NFLOG TLV in the given byte order, padded to 4. */
    static byte[] tlv(ByteOrder order, int type, byte[] value) {
        int len = 4 + value.length;
        ByteBuffer b = ByteBuffer.allocate((len + 3) & ~3).order(order);
        b.putShort((short) len).putShort((short) type).put(value);
        return b.array();
    }

    static byte[] nflog(int family, ByteOrder order, byte[] ip) {
        return cat(new byte[] {(byte) family, 0, 0, 5}, tlv(order, 1, new byte[] {8, 0, 1, 0}),
                tlv(order, 10, ascii("pfx\0")), tlv(order, 9, ip));
    }

    @Test
    void nflogTlvsAreReadInEitherByteOrder() {
        assertThat(decode(nflog(2, ByteOrder.LITTLE_ENDIAN, SEG), 239)).isEqualTo(PacketDecoder.OK);
        assertThat(m.srcPort).isEqualTo(51000);
        assertThat(decode(nflog(2, ByteOrder.BIG_ENDIAN, SEG), 239)).isEqualTo(PacketDecoder.OK);
        assertThat(m.srcPort).isEqualTo(51000);
        byte[] v6 = ipv6(FragmentFrames.v6(1), FragmentFrames.v6(2), 17, udpHeader(53, 5353, ascii("x")));
        assertThat(decode(nflog(10, ByteOrder.LITTLE_ENDIAN, v6), 239)).isEqualTo(PacketDecoder.OK);
        assertThat(m.ipv4).isFalse();
        assertThat(m.srcPort).isEqualTo(53);
        assertThat(decode(nflog(7, ByteOrder.LITTLE_ENDIAN, SEG), 239)).as("bridge family").isEqualTo(PacketDecoder.NOT_IP);
        assertThat(decode(new byte[] {2, 0, 0, 5, 8, 0, 1, 0, 8, 0, 1, 0}, 239)).as("no payload TLV").isEqualTo(PacketDecoder.NOT_IP);

        byte[] badLength = nflog(2, ByteOrder.LITTLE_ENDIAN, SEG);
        badLength[4] = 2; // a TLV shorter than its own header
        assertThat(decode(badLength, 239)).isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.BAD_LINK_HEADER);
        byte[] badVersion = nflog(2, ByteOrder.LITTLE_ENDIAN, SEG);
        badVersion[1] = 1;
        assertThat(decode(badVersion, 239)).isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.BAD_LINK_HEADER);
        assertThat(decode(new byte[] {2, 0}, 239)).isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.TRUNCATED_LINK_HEADER);
    }

    @Test
    void pppWithAndWithoutFramingCompressionAndDirection() {
        byte[] v6 = ipv6(FragmentFrames.v6(1), FragmentFrames.v6(2), 17, udpHeader(53, 5353, ascii("x")));
        for (byte[] f : List.of(cat(new byte[] {(byte) 0xff, 3, 0, 0x21}, SEG), cat(new byte[] {0, 0x21}, SEG),
                cat(new byte[] {0x21}, SEG), cat(new byte[] {(byte) 0xff, 3, 0x21}, SEG))) {
            assertThat(decode(f, 9)).isEqualTo(PacketDecoder.OK);
            assertThat(m.srcPort).isEqualTo(51000);
        }
        assertThat(decode(cat(new byte[] {(byte) 0xff, 3, 0, 0x57}, v6), 50)).isEqualTo(PacketDecoder.OK);
        assertThat(m.srcPort).isEqualTo(53);
        assertThat(decode(cat(new byte[] {(byte) 0x0f, 0, 0x08, 0}, SEG), 50)).as("Cisco HDLC").isEqualTo(PacketDecoder.OK);
        assertThat(decode(cat(new byte[] {1, (byte) 0xff, 3, 0, 0x21}, SEG), 204)).as("with direction").isEqualTo(PacketDecoder.OK);
        assertThat(m.srcPort).isEqualTo(51000);
        assertThat(decode(cat(new byte[] {(byte) 0xc0, 0x21, 9, 1, 0, 4}), 9)).as("LCP").isEqualTo(PacketDecoder.NOT_IP);
        assertThat(decode(new byte[] {(byte) 0xff, 3}, 9)).isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.TRUNCATED_LINK_HEADER);
    }

    static byte[] pppoe(int code, byte[] ppp) {
        return cat(ByteBuffer.allocate(6).put((byte) 0x11).put((byte) code).putShort((short) 0x42).putShort((short) ppp.length).array(), ppp);
    }

    static byte[] ethernetOf(int ethType, byte[] body, int... vlans) {
        byte[] f = ethernet(body, vlans);
        int at = 12 + 4 * vlans.length;
        f[at] = (byte) (ethType >> 8);
        f[at + 1] = (byte) ethType;
        return f;
    }

    @Test
    void pppoeSessionsInEthernetBehindVlanTagsAndOnTheirOwn() {
        byte[] session = pppoe(0, cat(new byte[] {0, 0x21}, SEG));
        assertThat(decode(ethernetOf(0x8864, session), 1)).isEqualTo(PacketDecoder.OK);
        assertThat(m.srcPort).isEqualTo(51000);
        assertThat(m.ethType).isEqualTo(0x0800);
        assertThat(decode(ethernetOf(0x8864, session, 100, 200), 1)).isEqualTo(PacketDecoder.OK);
        assertThat(m.vlan).isEqualTo(100);
        assertThat(m.srcPort).isEqualTo(51000);
        assertThat(decode(session, 51)).as("LINKTYPE_PPP_ETHER").isEqualTo(PacketDecoder.OK);
        assertThat(decode(ethernetOf(0x8863, pppoe(9, new byte[4])), 1)).as("discovery").isEqualTo(PacketDecoder.NOT_IP);
        assertThat(decode(ethernetOf(0x8864, pppoe(0, cat(new byte[] {(byte) 0xc0, 0x21}, new byte[4]))), 1))
                .as("LCP in a session").isEqualTo(PacketDecoder.NOT_IP);
        byte[] badVersion = ethernetOf(0x8864, session);
        badVersion[14] = 0x21;
        assertThat(decode(badVersion, 1)).isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.BAD_LINK_HEADER);
        assertThat(decode(Arrays.copyOf(ethernetOf(0x8864, session), 18), 1)).isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.TRUNCATED_LINK_HEADER);
    }

    /** The common path allocates nothing per frame, whatever the link layer (only fragments may). */
    @Test
    void decodingUnfragmentedFramesAllocatesNothing() {
        List<byte[]> frames = List.of(ethernet(SEG), ethernetOf(0x8864, pppoe(0, cat(new byte[] {0, 0x21}, SEG)), 7),
                radiotap(wlan(0x88, 0x01, AP, STA, SERVER, null, new byte[2], cat(SNAP_IPV4, SEG))),
                ppi(105, wlan(0x08, 0x02, STA, AP, SERVER, null, null, cat(SNAP_IPV4, SEG))),
                nflog(2, ByteOrder.LITTLE_ENDIAN, SEG), cat(new byte[] {(byte) 0xff, 3, 0, 0x21}, SEG));
        int[] links = {1, 1, 127, 192, 239, 9};
        ByteBuffer[] buffers = frames.stream().map(ByteBuffer::wrap).toArray(ByteBuffer[]::new);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        int ok = 0;
        for (int round = 0; round < 2; round++) { // the first round warms up
            long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 100_000; i++) {
                int k = i % buffers.length;
                ok += decoder.decode(buffers[k], 0, buffers[k].capacity(), buffers[k].capacity(), 42, links[k], 0, m)
                        == PacketDecoder.OK ? 1 : 0;
            }
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            if (round == 1) {
                assertThat(allocated).as("bytes allocated for 100,000 frames").isLessThan(10_000);
            }
        }
        assertThat(ok).isEqualTo(200_000);
    }
}
