package io.flowscope.platform.flow;

import static io.flowscope.platform.testing.Frames.ACK;
import static io.flowscope.platform.testing.Frames.SYN;
import static io.flowscope.platform.testing.Frames.ascii;
import static io.flowscope.platform.testing.Frames.ethernet;
import static io.flowscope.platform.testing.Frames.tcp4;
import static io.flowscope.platform.testing.Frames.v4;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.budget.ByteBudget;
import io.flowscope.platform.packet.MetaPacket;
import io.flowscope.platform.packet.PacketDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Out-of-order bytes stay within a budget shared by all flows, and a hole does not stall a stream for ever. */
class ReassemblyBoundsTest {

    final ByteArrayOutputStream client = new ByteArrayOutputStream();
    final AtomicLong maxUsed = new AtomicLong();
    ByteBudget budget;
    FlowGenerator gen;
    final PacketDecoder decoder = new PacketDecoder();
    final MetaPacket m = new MetaPacket();
    long now = 1_000_000_000L;

    void generator(long budgetBytes) {
        budget = new ByteBudget(budgetBytes);
        gen = new FlowGenerator(new FlowListener() {
            @Override
            public void payload(Flow flow, int side, ByteBuffer b, int off, int len, long ts) {
                if (side == 0) {
                    for (int i = 0; i < len; i++) {
                        client.write(b.get(off + i));
                    }
                }
            }

            @Override
            public void gap(Flow flow, int side, long lost) {
                if (side == 0) {
                    client.writeBytes(("[gap " + lost + "]").getBytes(StandardCharsets.US_ASCII));
                }
            }

            @Override
            public void flowEnded(Flow flow) {
            }
        }, new AtomicLong()::incrementAndGet, Set.of(), 1_000_000, budget, FlowTimeouts.DEFAULTS);
    }

    void send(byte[] ip, long advance) {
        now += advance;
        byte[] f = ethernet(ip);
        decoder.decode(ByteBuffer.wrap(f), 0, f.length, f.length, now, 1, 0, m);
        gen.packet(m);
        maxUsed.accumulateAndGet(budget.used(), Math::max);
    }

    void handshake(int port) {
        send(tcp4(v4("10.2.0.1"), port, v4("10.2.0.2"), 80, 100, 0, SYN, 1000, ascii("")), 10);
        send(tcp4(v4("10.2.0.2"), 80, v4("10.2.0.1"), port, 500, 101, SYN | ACK, 1000, ascii("")), 10);
    }

    void data(int port, int seq, String s, long advance) {
        send(tcp4(v4("10.2.0.1"), port, v4("10.2.0.2"), 80, seq, 501, ACK, 1000, ascii(s)), advance);
    }

    @Test
    void aHoleIsGivenUpAfterItsTimeoutAndTheStreamGoesOn() {
        generator(FlowGenerator.DEFAULT_REASSEMBLY_BUDGET);
        handshake(40000);
        data(40000, 101, "aaaa", 10);
        data(40000, 109, "cccc", 10); // "bbbb" (105..108) never arrives
        assertThat(client.toString()).isEqualTo("aaaa");
        data(40000, 113, "dddd", TcpStream.HOLE_TIMEOUT + 1);
        assertThat(client.toString()).isEqualTo("aaaa[gap 4]ccccdddd");
        gen.finish();
        assertThat(gen.holeTimeouts()).isEqualTo(1);
        assertThat(budget.used()).isZero();
    }

    @Test
    void allFlowsTogetherStayWithinTheBudgetAndGiveUpHolesWhenItIsSpent() {
        generator(10_000);
        for (int i = 0; i < 200; i++) {
            int port = 20_000 + i;
            handshake(port);
            data(port, 101, "x".repeat(50), 10);
            data(port, 251, "y".repeat(400), 10); // out of order: 151..250 missing
        }
        assertThat(maxUsed.get()).isLessThanOrEqualTo(10_000);
        assertThat(budget.evictions()).isEqualTo(200 - 10_000 / 400);
        gen.finish();
        assertThat(budget.used()).isZero();
    }

    @Test
    void overTheBudgetTheLongestHeldHoleIsGivenUpSoTheNewestCanFill() {
        generator(500);
        handshake(30000);
        handshake(30001);
        data(30000, 101, "a".repeat(10), 10);
        data(30000, 121, "c".repeat(400), 10); // holds 400: "b" (111..120) is late
        data(30001, 101, "A".repeat(10), 10);
        data(30001, 121, "C".repeat(400), 10); // needs 400 more than the budget has: the older hole gives way
        assertThat(client.toString()).as("the first flow's hole was given up: its held bytes went on after a gap")
                .isEqualTo("a".repeat(10) + "A".repeat(10) + "[gap 10]" + "c".repeat(400));
        data(30001, 111, "B".repeat(10), 10); // the newest hole fills: no gap in the second flow
        assertThat(client.toString()).endsWith("B".repeat(10) + "C".repeat(400));
        assertThat(budget.evictions()).isEqualTo(1);
        assertThat(maxUsed.get()).isLessThanOrEqualTo(500);
        gen.finish();
        assertThat(budget.used()).isZero();
    }
}
