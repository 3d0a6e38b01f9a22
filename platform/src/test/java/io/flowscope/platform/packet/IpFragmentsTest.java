package io.flowscope.platform.packet;

import static io.flowscope.platform.testing.FragmentFrames.slice;
import static io.flowscope.platform.testing.FragmentFrames.v6;
import static io.flowscope.platform.testing.Frames.ACK;
import static io.flowscope.platform.testing.Frames.ethernet;
import static io.flowscope.platform.testing.Frames.tcpHeader;
import static io.flowscope.platform.testing.Frames.udpHeader;
import static io.flowscope.platform.testing.Frames.v4;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.testing.FragmentFrames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Fragments through the decoder: held until whole, then decoded as one datagram; the rules of IpFragments. */
class IpFragmentsTest {

    static final byte[] A = v4("10.9.0.1");
    static final byte[] B = v4("10.9.0.2");

    final IpFragments fragments = new IpFragments(1 << 20, IpFragments.DEFAULT_TIMEOUT_MICROS);
    final PacketDecoder decoder = new PacketDecoder(fragments);
    final MetaPacket m = new MetaPacket();
    long now = 1_000_000_000L;

    int decode(byte[] ip) {
        byte[] f = ethernet(ip);
        return decoder.decode(ByteBuffer.wrap(f), 0, f.length, f.length, now++, 1, 0, m);
    }

    static byte[] payload(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 31 + 7);
        }
        return p;
    }

    byte[] payloadOf(MetaPacket m) {
        byte[] out = new byte[m.payloadLen];
        m.buffer.get(m.payloadOffset, out);
        return out;
    }

    byte[] fragment(int id, int offset, boolean more, byte[] data) {
        return FragmentFrames.ipv4(A, B, 17, id, offset, more, data);
    }

    @Test
    void aUdpDatagramInFragmentsOutOfOrderIsDecodedWhole() {
        byte[] body = payload(2000);
        byte[] udp = udpHeader(5353, 53, body);
        assertThat(decode(fragment(7, 1600, false, slice(udp, 1600, 408)))).isEqualTo(PacketDecoder.FRAGMENT_HELD);
        assertThat(decode(fragment(7, 0, true, slice(udp, 0, 800)))).isEqualTo(PacketDecoder.FRAGMENT_HELD);
        assertThat(fragments.incomplete()).isEqualTo(1);
        assertThat(fragments.budget().used()).isGreaterThan(1208);
        assertThat(decode(fragment(7, 800, true, slice(udp, 800, 800)))).isEqualTo(PacketDecoder.OK);
        assertThat(m.protocol).isEqualTo(17);
        assertThat(m.srcPort).isEqualTo(5353);
        assertThat(m.dstPort).isEqualTo(53);
        assertThat(m.srcLo).isEqualTo(0x0a090001L);
        assertThat(payloadOf(m)).isEqualTo(body);
        assertThat(m.payloadWireLen).isEqualTo(2000);
        assertThat(m.l3Len).isEqualTo(20 + 2008);
        assertThat(m.wireLen).as("the wire bytes of all three frames").isEqualTo(3 * 34 + 2008);
        assertThat(fragments.incomplete()).isZero();
        assertThat(fragments.budget().used()).isZero();
        assertThat(fragments.reassembled()).isEqualTo(1);
    }

    @Test
    void ipv6FragmentsAreReassembledAndTheHeadersAfterTheFragmentHeaderRead() {
        byte[] body = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(20).getBytes(StandardCharsets.US_ASCII);
        byte[] tcp = tcpHeader(40000, 80, 1, 1, ACK, 100, 0, body);
        // the fragmentable part starts with a destination options header (8 bytes), then TCP
        byte[] part = ByteBuffer.allocate(8 + tcp.length).put((byte) 6).put((byte) 0).put(new byte[6]).put(tcp).array();
        int half = part.length / 2 / 8 * 8;
        assertThat(decode(FragmentFrames.ipv6(v6(1), v6(2), 60, 0x12345678, half, false, slice(part, half, part.length - half))))
                .isEqualTo(PacketDecoder.FRAGMENT_HELD);
        assertThat(decode(FragmentFrames.ipv6(v6(1), v6(2), 60, 0x12345678, 0, true, slice(part, 0, half))))
                .isEqualTo(PacketDecoder.OK);
        assertThat(m.ipv4).isFalse();
        assertThat(m.protocol).isEqualTo(6);
        assertThat(m.srcPort).isEqualTo(40000);
        assertThat(payloadOf(m)).isEqualTo(body);
        assertThat(m.l3Len).isEqualTo(40 + part.length);
    }

    @Test
    void overlappingBytesKeepWhatArrivedFirst() {
        byte[] udp = udpHeader(1, 2, new byte[24]); // 32 bytes: header + 24
        byte[] first = slice(udp, 0, 16);
        java.util.Arrays.fill(first, 8, 16, (byte) 'A');
        byte[] middle = new byte[16];
        java.util.Arrays.fill(middle, (byte) 'B');
        byte[] last = new byte[16];
        java.util.Arrays.fill(last, (byte) 'C');
        assertThat(decode(fragment(9, 0, true, first))).isEqualTo(PacketDecoder.FRAGMENT_HELD);
        assertThat(decode(fragment(9, 8, true, middle))).isEqualTo(PacketDecoder.FRAGMENT_HELD); // 8..15 are A's already
        assertThat(decode(fragment(9, 16, false, last))).isEqualTo(PacketDecoder.OK); // 16..23 are B's already
        assertThat(new String(payloadOf(m), StandardCharsets.US_ASCII)).isEqualTo("AAAAAAAA" + "BBBBBBBB" + "CCCCCCCC");
        assertThat(fragments.overlaps()).isEqualTo(2);
    }

    @Test
    void anIncompleteDatagramIsGivenUpAfterItsTimeoutInPacketTime() {
        byte[] udp = udpHeader(1, 2, new byte[24]);
        assertThat(decode(fragment(3, 0, true, slice(udp, 0, 16)))).isEqualTo(PacketDecoder.FRAGMENT_HELD);
        now += IpFragments.DEFAULT_TIMEOUT_MICROS + 1;
        assertThat(decode(fragment(3, 16, false, slice(udp, 16, 16)))).as("too late: its first half is gone")
                .isEqualTo(PacketDecoder.FRAGMENT_HELD);
        assertThat(fragments.timeouts()).isEqualTo(1);
        assertThat(fragments.incomplete()).isEqualTo(1);
    }

    @Test
    void aDatagramPast64KiBIsRefusedWithWhatWasHeldOfIt() {
        assertThat(decode(fragment(4, 0, true, new byte[1024]))).isEqualTo(PacketDecoder.FRAGMENT_HELD);
        assertThat(decode(fragment(4, 65_496, true, new byte[16]))).as("ends at 65,512: with its 20-byte header it fits")
                .isEqualTo(PacketDecoder.FRAGMENT_HELD);
        assertThat(decode(fragment(4, 65_512, false, new byte[8]))).as("would end at 65,540 with its header")
                .isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.FRAGMENT_TOO_LARGE);
        assertThat(fragments.incomplete()).isZero();
        assertThat(fragments.budget().used()).isZero();
    }

    @Test
    void fragmentsThatCannotBelongToTheirDatagramAreDropped() {
        assertThat(decode(fragment(5, 0, true, new byte[12]))).as("not a multiple of 8").isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.BAD_FRAGMENT);
        assertThat(decode(fragment(5, 0, true, new byte[16]))).isEqualTo(PacketDecoder.FRAGMENT_HELD);
        assertThat(decode(fragment(5, 32, false, new byte[8]))).isEqualTo(PacketDecoder.FRAGMENT_HELD); // the end: 40
        assertThat(decode(fragment(5, 40, true, new byte[8]))).as("past the end").isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.BAD_FRAGMENT);
        assertThat(decode(fragment(5, 40, false, new byte[8]))).as("a second, different end").isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.BAD_FRAGMENT);
        assertThat(decode(fragment(5, 16, true, udpHeader(0, 0, new byte[8])))).as("the rest still completes it")
                .isEqualTo(PacketDecoder.OK);
    }

    @Test
    void datagramsAreKeyedByAddressesIdAndProtocol() {
        byte[] udp = udpHeader(1, 2, new byte[24]);
        assertThat(decode(fragment(6, 0, true, slice(udp, 0, 16)))).isEqualTo(PacketDecoder.FRAGMENT_HELD);
        assertThat(decode(FragmentFrames.ipv4(B, A, 17, 6, 16, false, slice(udp, 16, 16)))).isEqualTo(PacketDecoder.FRAGMENT_HELD);
        assertThat(decode(FragmentFrames.ipv4(A, B, 6, 6, 16, false, slice(udp, 16, 16)))).isEqualTo(PacketDecoder.FRAGMENT_HELD);
        assertThat(decode(fragment(7, 16, false, slice(udp, 16, 16)))).isEqualTo(PacketDecoder.FRAGMENT_HELD);
        assertThat(fragments.incomplete()).isEqualTo(4);
        assertThat(decode(fragment(6, 16, false, slice(udp, 16, 16)))).isEqualTo(PacketDecoder.OK);
    }

    @Test
    void overTheBudgetTheOldestIncompleteDatagramIsGivenUp() {
        int each = IpFragments.DATAGRAM_OVERHEAD + IpFragments.PIECE_OVERHEAD + 800;
        IpFragments small = new IpFragments(3 * each + 100, IpFragments.DEFAULT_TIMEOUT_MICROS);
        PacketDecoder d = new PacketDecoder(small);
        for (int id = 1; id <= 4; id++) {
            byte[] f = ethernet(fragment(id, 0, true, new byte[800]));
            assertThat(d.decode(ByteBuffer.wrap(f), 0, f.length, f.length, now++, 1, 0, m)).isEqualTo(PacketDecoder.FRAGMENT_HELD);
        }
        assertThat(small.budget().evictions()).isEqualTo(1);
        assertThat(small.incomplete()).isEqualTo(3);
        assertThat(small.budget().peak()).isLessThanOrEqualTo(small.budget().limit());
        byte[] end2 = ethernet(fragment(2, 800, false, new byte[8]));
        assertThat(d.decode(ByteBuffer.wrap(end2), 0, end2.length, end2.length, now++, 1, 0, m)).isEqualTo(PacketDecoder.OK);
        // datagram 1 was the oldest: its end now waits for a first part that is gone
        byte[] end1 = ethernet(fragment(1, 800, false, new byte[8]));
        assertThat(d.decode(ByteBuffer.wrap(end1), 0, end1.length, end1.length, now++, 1, 0, m)).isEqualTo(PacketDecoder.FRAGMENT_HELD);
        assertThat(small.budget().evictions()).isEqualTo(1);
    }

    @Test
    void aDatagramLargerThanTheWholeBudgetIsGivenUpAndCounted() {
        IpFragments tiny = new IpFragments(1000, IpFragments.DEFAULT_TIMEOUT_MICROS);
        PacketDecoder d = new PacketDecoder(tiny);
        byte[] f = ethernet(fragment(1, 0, true, new byte[2000]));
        assertThat(d.decode(ByteBuffer.wrap(f), 0, f.length, f.length, now++, 1, 0, m)).isEqualTo(PacketDecoder.FRAGMENT_HELD);
        assertThat(tiny.budget().evictions()).isEqualTo(1);
        assertThat(tiny.incomplete()).isZero();
        assertThat(tiny.budget().used()).isZero();
    }

    @Test
    void aSecondFragmentHeaderInsideAReassembledDatagramIsRefused() {
        // the fragmentable part starts with another fragment header: RFC 8200 allows one per packet
        byte[] part = ByteBuffer.allocate(24).put((byte) 17).put((byte) 0).putShort((short) 1).putInt(99)
                .put(udpHeader(1, 2, new byte[8])).array();
        assertThat(decode(FragmentFrames.ipv6(v6(1), v6(2), 44, 5, 16, false, slice(part, 16, 8)))).isEqualTo(PacketDecoder.FRAGMENT_HELD);
        assertThat(decode(FragmentFrames.ipv6(v6(1), v6(2), 44, 5, 0, true, slice(part, 0, 16)))).isEqualTo(PacketDecoder.FAILED);
        assertThat(decoder.error()).isEqualTo(DecodeError.BAD_FRAGMENT);
        assertThat(fragments.incomplete()).isZero();
    }

    @Test
    void anAtomicFragmentIsDecodedAtOnce() {
        byte[] udp = udpHeader(1, 2, new byte[4]);
        // IPv6 fragment header with offset 0 and no more fragments (RFC 6946): nothing to wait for
        assertThat(decode(FragmentFrames.ipv6(v6(1), v6(2), 17, 1, 0, false, udp))).isEqualTo(PacketDecoder.OK);
        assertThat(m.srcPort).isEqualTo(1);
        assertThat(fragments.incomplete()).isZero();
    }
}
