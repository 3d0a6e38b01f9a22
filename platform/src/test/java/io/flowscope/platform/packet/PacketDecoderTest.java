package io.flowscope.platform.packet;

import static io.flowscope.platform.testing.Frames.ACK;
import static io.flowscope.platform.testing.Frames.SYN;
import static io.flowscope.platform.testing.Frames.ascii;
import static io.flowscope.platform.testing.Frames.bsdNull;
import static io.flowscope.platform.testing.Frames.ethernet;
import static io.flowscope.platform.testing.Frames.ipv4;
import static io.flowscope.platform.testing.Frames.ipv4Fragment;
import static io.flowscope.platform.testing.Frames.ipv6;
import static io.flowscope.platform.testing.Frames.sll;
import static io.flowscope.platform.testing.Frames.sll2;
import static io.flowscope.platform.testing.Frames.tcp4;
import static io.flowscope.platform.testing.Frames.tcpHeader;
import static io.flowscope.platform.testing.Frames.udpHeader;
import static io.flowscope.platform.testing.Frames.v4;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PacketDecoderTest {

    private final PacketDecoder decoder = new PacketDecoder();
    private final MetaPacket m = new MetaPacket();

    private int decode(byte[] frame, int linkType) {
        return decode(frame, frame.length, linkType);
    }

    private int decode(byte[] frame, int cap, int linkType) {
        // put the frame at an offset inside a larger buffer, as the capture reader does
        ByteBuffer b = ByteBuffer.allocate(frame.length + 100);
        b.position(37);
        b.put(frame);
        return decoder.decode(b, 37, cap, frame.length, 42, linkType, 0, m);
    }

    static final byte[] SEG = tcp4(v4("192.168.1.2"), 51000, v4("192.168.1.3"), 443, 7, 9, SYN | ACK, 0, ascii("hi"));

    @Test
    void ethernetIpv4Tcp() {
        assertThat(decode(ethernet(SEG), 1)).isEqualTo(PacketDecoder.OK);
        assertThat(m.ipv4).isTrue();
        assertThat(m.srcLo).isEqualTo(0xc0a80102L);
        assertThat(m.dstLo).isEqualTo(0xc0a80103L);
        assertThat(m.srcPort).isEqualTo(51000);
        assertThat(m.dstPort).isEqualTo(443);
        assertThat(m.seq).isEqualTo(7);
        assertThat(m.ack).isEqualTo(9);
        assertThat(m.has(MetaPacket.SYN | MetaPacket.ACK)).isTrue();
        assertThat(m.window).isZero();
        assertThat(m.payloadLen).isEqualTo(2);
        assertThat(m.buffer.get(m.payloadOffset)).isEqualTo((byte) 'h');
        assertThat(m.srcMac).isEqualTo(0x006677_8899aaL);
    }

    /** A SYN's TCP header with these option bytes (padded with end-of-list to 4-byte words). */
    private static byte[] synWithOptions(int flags, int... options) {
        int len = (options.length + 3) / 4 * 4;
        ByteBuffer tcp = ByteBuffer.allocate(20 + len);
        tcp.putShort((short) 40000).putShort((short) 80).putInt(1).putInt(0);
        tcp.putShort((short) ((((20 + len) / 4) << 12) | flags)).putShort((short) 1000).putInt(0);
        for (int o : options) {
            tcp.put((byte) o);
        }
        return ethernet(ipv4(v4("10.0.0.1"), v4("10.0.0.2"), 6, tcp.array(), new byte[0]));
    }

    @Test
    void aSynsMssAndWindowScaleAreRead() {
        // MSS 1460, SACK permitted, timestamps, NOP, window scale 7: as Linux sends them
        assertThat(decode(synWithOptions(SYN, 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7), 1))
                .isEqualTo(PacketDecoder.OK);
        assertThat(m.mss).isEqualTo(1460);
        assertThat(m.windowScale).isEqualTo(7);
    }

    @Test
    void optionsOfOtherSegmentsAreNotReadAndBadOptionListsStopTheWalk() {
        assertThat(decode(synWithOptions(ACK, 2, 4, 0x05, 0xb4), 1)).isEqualTo(PacketDecoder.OK);
        assertThat(m.mss).as("not a SYN").isZero();
        assertThat(m.windowScale).isEqualTo(-1);
        // MSS, then an option whose length runs past the header: what came before it is kept, the segment is good
        assertThat(decode(synWithOptions(SYN, 2, 4, 0x02, 0x18, 3, 9, 1, 1), 1)).isEqualTo(PacketDecoder.OK);
        assertThat(m.mss).isEqualTo(536);
        assertThat(m.windowScale).isEqualTo(-1);
        // a length of 0 would never end: the walk stops
        assertThat(decode(synWithOptions(SYN, 8, 0, 3, 3, 5), 1)).isEqualTo(PacketDecoder.OK);
        assertThat(m.windowScale).isEqualTo(-1);
        // end of option list: nothing after it is read
        assertThat(decode(synWithOptions(SYN | ACK, 0, 3, 3, 5), 1)).isEqualTo(PacketDecoder.OK);
        assertThat(m.windowScale).isEqualTo(-1);
    }

    @Test
    void vlanAndQinQ() {
        assertThat(decode(ethernet(SEG, 100), 1)).isEqualTo(PacketDecoder.OK);
        assertThat(m.vlan).isEqualTo(100);
        assertThat(decode(ethernet(SEG, 200, 300), 1)).isEqualTo(PacketDecoder.OK);
        assertThat(m.vlan).isEqualTo(200);
        assertThat(m.srcPort).isEqualTo(51000);
    }

    @Test
    void ipv4OptionsAndTcpOptionsAreSkipped() {
        byte[] tcp = tcpHeader(1234, 80, 1, 1, ACK, 100, 12, ascii("payload"));
        byte[] ip = ipv4(v4("1.2.3.4"), v4("5.6.7.8"), 6, tcp, new byte[] {1, 1, 1, 0});
        assertThat(decode(ethernet(ip), 1)).isEqualTo(PacketDecoder.OK);
        assertThat(m.payloadLen).isEqualTo(7);
        assertThat(m.buffer.get(m.payloadOffset)).isEqualTo((byte) 'p');
    }

    @Test
    void ipv6WithExtensionHeaders() {
        byte[] src = new byte[16];
        src[15] = 1;
        byte[] dst = new byte[16];
        dst[0] = 0x20;
        dst[1] = 0x01;
        dst[15] = 2;
        byte[] ip = ipv6(src, dst, 17, udpHeader(5353, 53, ascii("q")), 0, 60);
        assertThat(decode(ethernet(ip), 1)).isEqualTo(PacketDecoder.OK);
        assertThat(m.ipv4).isFalse();
        assertThat(m.protocol).isEqualTo(17);
        assertThat(m.srcLo).isEqualTo(1);
        assertThat(m.dstHi).isEqualTo(0x2001_0000_0000_0000L);
        assertThat(m.dstPort).isEqualTo(53);
        assertThat(m.payloadLen).isEqualTo(1);
    }

    @Test
    void cookedRawAndLoopbackLinkTypes() {
        assertThat(decode(sll(SEG), 113)).isEqualTo(PacketDecoder.OK);
        assertThat(m.srcPort).isEqualTo(51000);
        assertThat(decode(sll2(SEG), 276)).isEqualTo(PacketDecoder.OK);
        assertThat(m.srcPort).isEqualTo(51000);
        assertThat(decode(SEG, 101)).isEqualTo(PacketDecoder.OK);
        assertThat(m.srcPort).isEqualTo(51000);
        assertThat(decode(bsdNull(SEG), 0)).isEqualTo(PacketDecoder.OK);
        assertThat(m.srcPort).isEqualTo(51000);
    }

    @Test
    void malformedPacketsAreNamed() {
        assertThat(decode(Arrays.copyOf(ethernet(SEG), 10), 1)).isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.TRUNCATED_LINK_HEADER);

        assertThat(decode(ethernet(SEG), 14 + 10, 1)).isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.TRUNCATED_IP_HEADER);

        byte[] badVersion = ethernet(SEG);
        badVersion[14] = 0x35;
        assertThat(decode(badVersion, 1)).isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.BAD_IP_HEADER);

        byte[] oddFragment = ethernet(ipv4Fragment(v4("1.1.1.1"), v4("2.2.2.2"), 17, udpHeader(1, 2, ascii("x"))));
        assertThat(decode(oddFragment, 1)).as("9 bytes of data, more to come: not a multiple of 8").isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.BAD_FRAGMENT);
        assertThat(decode(oddFragment, oddFragment.length - 1, 1)).isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.FRAGMENT_CUT);

        assertThat(decode(ethernet(SEG), 14 + 20 + 10, 1)).isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.TRUNCATED_TRANSPORT_HEADER);

        assertThat(decode(ethernet(SEG), 1234)).isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.UNSUPPORTED_LINK_TYPE);
    }

    @Test
    void snaplenCutKeepsHeadersAndReportsTheMissingPayload() {
        byte[] f = ethernet(SEG);
        assertThat(decode(f, f.length - 1, 1)).isEqualTo(PacketDecoder.OK);
        assertThat(decoder.cut()).isTrue();
        assertThat(m.payloadLen).isEqualTo(1);
        assertThat(m.payloadWireLen).isEqualTo(2);
    }

    @Test
    void ethernetPaddingIsNotPayload() {
        byte[] f = Arrays.copyOf(ethernet(tcp4(v4("1.1.1.1"), 1, v4("2.2.2.2"), 2, 0, 0, ACK, 1, new byte[0])), 60);
        assertThat(decode(f, 1)).isEqualTo(PacketDecoder.OK);
        assertThat(m.payloadLen).isZero();
        assertThat(m.payloadWireLen).isZero();
    }

    @Test
    void arpIsNotIpAndNotAnError() {
        byte[] arp = new byte[42];
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertThat(decode(arp, 1)).isEqualTo(PacketDecoder.NOT_IP);
    }
}
