package io.flowscope.platform.flow;

import static io.flowscope.platform.testing.Frames.ACK;
import static io.flowscope.platform.testing.Frames.FIN;
import static io.flowscope.platform.testing.Frames.PSH;
import static io.flowscope.platform.testing.Frames.RST;
import static io.flowscope.platform.testing.Frames.SYN;
import static io.flowscope.platform.testing.Frames.ascii;
import static io.flowscope.platform.testing.Frames.ethernet;
import static io.flowscope.platform.testing.Frames.tcp4;
import static io.flowscope.platform.testing.Frames.udp4;
import static io.flowscope.platform.testing.Frames.v4;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.packet.MetaPacket;
import io.flowscope.platform.packet.PacketDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FlowGeneratorTest {

    static final byte[] C = v4("10.1.1.1");
    static final byte[] S = v4("10.1.1.2");

    private final List<Flow> ended = new ArrayList<>();
    private final ByteArrayOutputStream[] streams = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
    private final List<String> gaps = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong(1);
    private final FlowListener listener = new FlowListener() {
        @Override
        public void payload(Flow flow, int side, ByteBuffer b, int off, int len, long ts) {
            for (int i = 0; i < len; i++) {
                streams[side].write(b.get(off + i));
            }
        }

        @Override
        public void gap(Flow flow, int side, long lost) {
            gaps.add(side + ":" + lost);
            streams[side].writeBytes(("[gap " + lost + "]").getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void flowEnded(Flow flow) {
            ended.add(flow);
        }
    };
    private FlowGenerator gen = generator(1000);

    private FlowGenerator generator(int maxFlows) {
        return new FlowGenerator(listener, ids::getAndIncrement, Set.of(6379), maxFlows,
                new io.flowscope.platform.budget.ByteBudget(FlowGenerator.DEFAULT_REASSEMBLY_BUDGET), FlowTimeouts.DEFAULTS);
    }
    private final PacketDecoder decoder = new PacketDecoder();
    private final MetaPacket m = new MetaPacket();
    private long now = 1_000_000_000L;

    private void send(byte[] ip, long advanceMicros) {
        now += advanceMicros;
        byte[] f = ethernet(ip);
        assertThat(decoder.decode(ByteBuffer.wrap(f), 0, f.length, f.length, now, 1, 0, m)).isEqualTo(PacketDecoder.OK);
        gen.packet(m);
    }

    private void c2s(int seq, int ack, int flags, String data) {
        send(tcp4(C, 40000, S, 80, seq, ack, flags, 1000, ascii(data)), 100);
    }

    private void s2c(int seq, int ack, int flags, String data) {
        send(tcp4(S, 80, C, 40000, seq, ack, flags, 1000, ascii(data)), 100);
    }

    private void handshake() {
        c2s(100, 0, SYN, "");
        s2c(500, 101, SYN | ACK, "");
        c2s(101, 501, ACK, "");
    }

    @Test
    void handshakeOrientsTheFlowAndMeasuresRtt() {
        handshake();
        c2s(101, 501, PSH | ACK, "hello");
        s2c(501, 106, PSH | ACK, "world!");
        c2s(106, 507, FIN | ACK, "");
        s2c(507, 107, FIN | ACK, "");
        c2s(107, 508, ACK, "");
        gen.finish();
        assertThat(ended).hasSize(1);
        Flow f = ended.get(0);
        assertThat(f.port0).isEqualTo(40000);
        assertThat(f.port1).isEqualTo(80);
        assertThat(f.directionScore).isEqualTo(255);
        assertThat(f.packets).containsExactly(5, 3);
        assertThat(f.l4Bytes).containsExactly(5, 6);
        assertThat(f.rttServer).isEqualTo(100);
        assertThat(f.rttClient).isEqualTo(100);
        // the server answered with data at once, no bare ACK: an ART sample (DeepFlow's rule), no SRT one
        assertThat(f.srtCount).isZero();
        assertThat(f.artCount).isEqualTo(1);
        assertThat(f.artSum).isEqualTo(100);
        assertThat(f.closeType).isEqualTo(CloseType.NORMAL);
        assertThat(f.synCount).isEqualTo(1);
        assertThat(f.synAckCount).isEqualTo(1);
        assertThat(f.finCount).isEqualTo(2);
        assertThat(streams[0].toString()).isEqualTo("hello");
        assertThat(streams[1].toString()).isEqualTo("world!");
    }

    @Test
    void midStreamFlowIsOrientedByPortAndStaysOpenAtTheEnd() {
        s2c(501, 106, PSH | ACK, "from server");
        c2s(106, 512, ACK, "");
        gen.finish();
        Flow f = ended.get(0);
        assertThat(f.port1).isEqualTo(80);
        assertThat(f.directionScore).isLessThan(255);
        assertThat(f.closeType).isEqualTo(CloseType.FORCED_REPORT);
    }

    @Test
    void resetsAreAttributedToTheSideThatSentThem() {
        handshake();
        s2c(501, 101, RST | ACK, "");
        c2s(100, 0, SYN, "");   // the same 4-tuple again: a new flow
        s2c(0, 101, RST | ACK, ""); // refused
        gen.finish();
        assertThat(ended).extracting(f -> f.closeType).containsExactly(CloseType.SERVER_RST, CloseType.SERVER_DIRECT_RST);
        assertThat(ended).extracting(f -> f.id).containsExactly(1L, 2L);
    }

    @Test
    void clientResetAfterEstablished() {
        handshake();
        c2s(101, 501, RST | ACK, "");
        gen.finish();
        assertThat(ended.get(0).closeType).isEqualTo(CloseType.CLIENT_RST);
    }

    @Test
    void retransmissionsAreCountedAndNotDeliveredTwice() {
        handshake();
        c2s(101, 501, PSH | ACK, "abc");
        c2s(101, 501, PSH | ACK, "abc");
        c2s(102, 501, PSH | ACK, "bcdef"); // overlaps two old bytes, three new
        gen.finish();
        assertThat(streams[0].toString()).isEqualTo("abcdef");
        assertThat(ended.get(0).retrans[0]).isEqualTo(2);
    }

    @Test
    void outOfOrderSegmentsAreReordered() {
        handshake();
        c2s(104, 501, PSH | ACK, "def");
        c2s(101, 501, PSH | ACK, "abc");
        gen.finish();
        assertThat(streams[0].toString()).isEqualTo("abcdef");
        assertThat(ended.get(0).outOfOrder[0]).isEqualTo(1);
        assertThat(gaps).isEmpty();
    }

    @Test
    void aHoleThatNeverFillsIsAGap() {
        handshake();
        c2s(101, 501, PSH | ACK, "abc");
        c2s(110, 501, PSH | ACK, "xyz");
        c2s(113, 501, FIN | ACK, "");
        s2c(501, 114, FIN | ACK, "");
        gen.finish();
        assertThat(streams[0].toString()).isEqualTo("abc[gap 6]xyz");
    }

    @Test
    void idleFlowsTimeOutOnThePacketClock() {
        handshake();
        send(udp4(C, 5353, S, 53, ascii("q")), 10);
        // 31 s later another packet from an unrelated flow advances the clock: UDP expires, TCP not yet
        send(udp4(v4("9.9.9.9"), 1111, v4("8.8.8.8"), 2222, ascii("x")), 31_000_000);
        assertThat(ended).extracting(f -> f.protocol).containsExactly(17);
        assertThat(ended.get(0).closeType).isEqualTo(CloseType.TIMEOUT);
        assertThat(ended.get(0).port1).isEqualTo(53);
        send(udp4(v4("9.9.9.9"), 1111, v4("8.8.8.8"), 2222, ascii("x")), 300_000_000);
        assertThat(ended).extracting(f -> f.protocol).contains(6);
    }

    @Test
    void portHintOrientsUdpAndTcpWithoutHandshake() {
        send(tcp4(S, 6379, C, 50000, 1, 1, PSH | ACK, 1000, ascii("+OK\r\n")), 10);
        gen.finish();
        assertThat(ended.get(0).port1).isEqualTo(6379);
    }

    @Test
    void zeroWindowsAreCounted() {
        handshake();
        send(tcp4(S, 80, C, 40000, 501, 101, ACK, 0, ascii("")), 10);
        gen.finish();
        assertThat(ended.get(0).zeroWindows).containsExactly(0, 1);
    }

    @Test
    void aRetransmittedSynIsTheSameFlowButANewInitialSequenceIsANewOne() {
        c2s(100, 0, SYN, "");
        c2s(100, 0, SYN, "");       // retransmitted: same connection
        s2c(500, 101, SYN | ACK, "");
        c2s(101, 501, ACK, "");
        c2s(9000, 0, SYN, "");      // the port is reused before the old flow was seen closing
        gen.finish();
        assertThat(ended).hasSize(2);
        assertThat(ended.get(0).synCount).isEqualTo(2);
        assertThat(ended.get(0).closeType).isEqualTo(CloseType.CLIENT_PORT_REUSE);
        assertThat(ended.get(1).synCount).isEqualTo(1);
    }

    /** Moves the clock by {@code micros} with a packet of an unrelated UDP flow. */
    private void tick(long micros) {
        send(udp4(v4("9.9.9.9"), 1111, v4("8.8.8.8"), 2222, ascii("x")), micros);
    }

    private List<Integer> tcpCloseTypes() {
        return ended.stream().filter(Flow::isTcp).map(f -> f.closeType).toList();
    }

    @Test
    void anUnansweredSynExpiresAfterTheOpeningTimeoutAsServerSynMiss() {
        c2s(100, 0, SYN, "");
        c2s(100, 0, SYN, "");         // the client repeats it
        tick(4_800_000);
        assertThat(tcpCloseTypes()).isEmpty();
        tick(300_000);                // 5 s after the last SYN
        assertThat(tcpCloseTypes()).containsExactly(CloseType.SERVER_SYN_MISS);
        assertThat(ended.stream().filter(Flow::isTcp).findFirst().orElseThrow().synCount).isEqualTo(2);
    }

    @Test
    void aSynAckTheClientNeverAcknowledgesIsClientAckMiss() {
        c2s(100, 0, SYN, "");
        s2c(500, 101, SYN | ACK, "");
        s2c(500, 101, SYN | ACK, "");  // the server repeats it
        tick(5_100_000);
        assertThat(tcpCloseTypes()).containsExactly(CloseType.CLIENT_ACK_MISS);
    }

    @Test
    void anEstablishedFlowWaitsTheEstablishedTimeoutFromItsLastPacket() {
        handshake();
        tick(200_000_000);
        c2s(101, 501, PSH | ACK, "ping");    // moves its deadline: the wheel slot it sat in is not the end
        tick(299_000_000);
        assertThat(tcpCloseTypes()).isEmpty();
        tick(2_000_000);
        assertThat(tcpCloseTypes()).containsExactly(CloseType.TIMEOUT);
    }

    @Test
    void aHalfClosedFlowEndsAfterTheClosingTimeoutNotTheEstablishedOne() {
        handshake();
        c2s(101, 501, FIN | ACK, "");        // the client closes its side; the server never does
        tick(34_000_000);
        assertThat(tcpCloseTypes()).isEmpty();
        tick(2_000_000);
        assertThat(tcpCloseTypes()).containsExactly(CloseType.CLIENT_HALF_CLOSE);
    }

    @Test
    void aServerResetAfterItsSynAckIsServerOtherRst() {
        c2s(100, 0, SYN, "");
        s2c(500, 101, SYN | ACK, "");
        s2c(501, 0, RST, "");
        gen.finish();
        assertThat(tcpCloseTypes()).containsExactly(CloseType.SERVER_OTHER_RST);
    }

    @Test
    void aFullTableEvictsTheLongestIdleFlowAndCountsIt() {
        gen = generator(3);
        for (int i = 0; i < 2; i++) {         // two unanswered SYNs
            send(tcp4(v4("10.7.0." + (i + 1)), 30000 + i, S, 80, 1, 0, SYN, 1000, ascii("")), 1000);
        }
        now += 1_100_000;                     // a second later, a real connection
        handshake();
        c2s(101, 501, PSH | ACK, "GET");
        for (int i = 2; i < 4; i++) {         // two more SYNs: the table of 3 is full, the old SYNs go
            send(tcp4(v4("10.7.0." + (i + 1)), 30000 + i, S, 80, 1, 0, SYN, 1000, ascii("")), 1000);
        }
        assertThat(gen.evictions()).isEqualTo(2);
        assertThat(gen.activeFlows()).isEqualTo(3);
        assertThat(ended).extracting(f -> f.closeType).containsExactly(CloseType.EVICTED, CloseType.EVICTED);
        assertThat(ended).extracting(f -> f.port0).containsExactly(30000, 30001);
        now += 1_100_000;                     // (order within one second is the order flows came)
        s2c(501, 104, PSH | ACK, "200");      // the real flow lived on, whole, and is active again
        send(tcp4(v4("10.7.0.9"), 30009, S, 80, 1, 0, SYN, 1000, ascii("")), 1000); // evicts the SYN idle longest
        assertThat(ended).extracting(f -> f.port0).containsExactly(30000, 30001, 30002);
        gen.finish();
        Flow real = ended.stream().filter(f -> f.port0 == 40000).findFirst().orElseThrow();
        assertThat(real.packets).containsExactly(3, 2);
        assertThat(real.closeType).isEqualTo(CloseType.FORCED_REPORT);
    }
}
