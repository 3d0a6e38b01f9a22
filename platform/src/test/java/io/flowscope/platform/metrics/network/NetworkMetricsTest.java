package io.flowscope.platform.metrics.network;

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

import io.flowscope.platform.pipeline.Pipeline;
import io.flowscope.platform.pipeline.PipelineSettings;
import io.flowscope.platform.testing.CollectingWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The network metrics of a real pipeline fed frames at chosen times: which second each packet, flow start, end,
 * RTT and response time lands in, minutes as the merge of their seconds, the single-end rows, the bounds and late
 * packets, and a live source's seconds closed by the wall clock.
 */
class NetworkMetricsTest {

    static final byte[] C = v4("10.1.1.1");
    static final byte[] S = v4("10.1.1.2");
    /** 2023-11-14T22:13:20Z: 20 s into a minute. */
    static final long T = 1_700_000_000_000_000L;

    private final CollectingWriter rows = new CollectingWriter();
    private final AtomicLong ids = new AtomicLong();
    private Pipeline pipeline = new Pipeline(PipelineSettings.forFiles(), List.of(), Set.of(), rows, ids::incrementAndGet,
            "test", null);

    private void at(long ts, byte[] ip) {
        byte[] f = ethernet(ip);
        pipeline.frames().frame(ByteBuffer.wrap(f), 0, f.length, f.length, ts, 1, 0);
    }

    /** A connection to port 80: handshake at {@code t}, a request 0.5 s later, the answer 1.2 s after {@code t}. */
    private void exchange(long t, int port) {
        at(t, tcp4(C, port, S, 80, 100, 0, SYN, 65535, new byte[0]));
        at(t + 40, tcp4(S, 80, C, port, 500, 101, SYN | ACK, 65535, new byte[0]));
        at(t + 100, tcp4(C, port, S, 80, 101, 501, ACK, 65535, new byte[0]));
        at(t + 500_000, tcp4(C, port, S, 80, 101, 501, PSH | ACK, 65535, ascii("ping")));
        at(t + 1_200_000, tcp4(S, 80, C, port, 501, 105, PSH | ACK, 65535, ascii("pong!")));
    }

    private void close(long t, int port) {
        at(t, tcp4(C, port, S, 80, 105, 506, FIN | ACK, 65535, new byte[0]));
        at(t + 50, tcp4(S, 80, C, port, 506, 106, FIN | ACK, 65535, new byte[0]));
        at(t + 90, tcp4(C, port, S, 80, 106, 507, ACK, 65535, new byte[0]));
    }

    /** Each second row of the edge as "second:metric=value …" for the metrics named. */
    private List<String> seconds(NetworkMetric... metrics) {
        List<String> out = new ArrayList<>();
        for (NetworkMapRow r : rows.networkMap) {
            if (!r.minute()) {
                out.add((r.timeMicros() - T) / 1_000_000 + ":" + values(r.values(), metrics));
            }
        }
        return out;
    }

    private static Map<String, Long> values(long[] v, NetworkMetric... metrics) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (NetworkMetric x : metrics) {
            m.put(x.column(), v[x.ordinal()]);
        }
        return m;
    }

    private List<NetworkMapRow> minutes() {
        return rows.networkMap.stream().filter(NetworkMapRow::minute).toList();
    }

    @Test
    void eachPacketAndEachEventCountsInItsOwnSecond() {
        exchange(T, 40000);
        close(T + 2_300_000, 40000);
        pipeline.close();
        assertThat(seconds(NetworkMetric.PACKET_TX, NetworkMetric.PACKET_RX, NetworkMetric.L4_BYTE_TX,
                NetworkMetric.L4_BYTE_RX, NetworkMetric.NEW_FLOW, NetworkMetric.CLOSED_FLOW, NetworkMetric.FLOW_LOAD))
                .containsExactly(
                        "0:{packet_tx=3, packet_rx=1, l4_byte_tx=4, l4_byte_rx=0, new_flow=1, closed_flow=0, flow_load=1}",
                        "1:{packet_tx=0, packet_rx=1, l4_byte_tx=0, l4_byte_rx=5, new_flow=0, closed_flow=0, flow_load=1}",
                        "2:{packet_tx=2, packet_rx=1, l4_byte_tx=0, l4_byte_rx=0, new_flow=0, closed_flow=1, flow_load=1}");
        // the handshake (40 µs to the server, 60 µs back) in its second; the server answers the request with data
        // 0.7 s later, no bare ACK first: an application data delay (ART), not a TCP response time (SRT), in the
        // answer's second
        assertThat(seconds(NetworkMetric.RTT_SUM, NetworkMetric.RTT_COUNT, NetworkMetric.RTT_MAX,
                NetworkMetric.RTT_SERVER_MAX, NetworkMetric.RTT_CLIENT_MAX, NetworkMetric.SRT_COUNT, NetworkMetric.ART_SUM,
                NetworkMetric.ART_COUNT, NetworkMetric.ART_MAX)).containsExactly(
                "0:{rtt_sum=100, rtt_count=1, rtt_max=100, rtt_server_max=40, rtt_client_max=60, srt_count=0, art_sum=0, art_count=0, art_max=0}",
                "1:{rtt_sum=0, rtt_count=0, rtt_max=0, rtt_server_max=0, rtt_client_max=0, srt_count=0, art_sum=700000, art_count=1, art_max=700000}",
                "2:{rtt_sum=0, rtt_count=0, rtt_max=0, rtt_server_max=0, rtt_client_max=0, srt_count=0, art_sum=0, art_count=0, art_max=0}");
        assertThat(minutes()).singleElement().satisfies(m -> {
            assertThat(m.timeMicros()).isEqualTo(T - 20_000_000);
            assertThat(m.values()).isEqualTo(mergedSeconds());
            assertThat(m.value(NetworkMetric.FLOW_LOAD)).isEqualTo(3); // flow-seconds
        });
        assertThat(rows.networkMap.get(0).key().serverPort).isEqualTo(80);
    }

    /** The seconds merged by hand: sums added, maxima the largest. */
    private long[] mergedSeconds() {
        long[] sum = new long[NetworkMetric.COUNT];
        for (NetworkMapRow r : rows.networkMap) {
            if (!r.minute()) {
                NetworkMetric.merge(sum, r.values());
            }
        }
        return sum;
    }

    @Test
    void aMinuteGoesOutWhenTheClockLeavesItAndIsTheMergeOfItsSeconds() {
        exchange(T + 38_000_000, 40001); // 22:13:58, the answer at :59.2
        exchange(T + 39_500_000, 40002); // the answer at 22:14:00.7, in the next minute
        at(T + 41_000_000, tcp4(C, 40001, S, 80, 105, 506, ACK, 0, new byte[0])); // a zero window, 22:14:01
        assertThat(minutes()).as("the first minute, out before the input ends").hasSize(1);
        pipeline.close();
        List<NetworkMapRow> minutes = minutes();
        assertThat(minutes).hasSize(2);
        for (NetworkMapRow m : minutes) {
            long[] sum = new long[NetworkMetric.COUNT];
            rows.networkMap.stream().filter(r -> !r.minute() && (r.timeMicros() - m.timeMicros()) / 60_000_000 == 0
                    && r.timeMicros() >= m.timeMicros()).forEach(r -> NetworkMetric.merge(sum, r.values()));
            assertThat(m.values()).isEqualTo(sum);
        }
        assertThat(values(minutes.get(0).values(), NetworkMetric.NEW_FLOW, NetworkMetric.ART_COUNT, NetworkMetric.PACKET_TX))
                .containsExactly(Map.entry("new_flow", 2L), Map.entry("art_count", 1L), Map.entry("packet_tx", 5L));
        assertThat(values(minutes.get(1).values(), NetworkMetric.NEW_FLOW, NetworkMetric.ART_COUNT, NetworkMetric.ZERO_WIN_TX,
                NetworkMetric.CLOSED_FLOW)).containsExactly(Map.entry("new_flow", 0L), Map.entry("art_count", 1L),
                Map.entry("zero_win_tx", 1L), Map.entry("closed_flow", 0L)); // still open at the end: not closed
    }

    @Test
    void aRefusedConnectionIsAServerResetAndAFailedEstablishment() {
        at(T, tcp4(C, 40000, S, 81, 100, 0, SYN, 65535, new byte[0]));
        at(T + 30, tcp4(S, 81, C, 40000, 0, 101, RST | ACK, 0, new byte[0]));
        pipeline.close();
        assertThat(seconds(NetworkMetric.NEW_FLOW, NetworkMetric.CLOSED_FLOW, NetworkMetric.SERVER_RESET,
                NetworkMetric.SERVER_ESTABLISH_FAIL, NetworkMetric.TCP_ESTABLISH_FAIL, NetworkMetric.TCP_RST_FAIL,
                NetworkMetric.CLIENT_RST_FLOW, NetworkMetric.TCP_TRANSFER_FAIL, NetworkMetric.PACKET_RX)).containsExactly(
                "0:{new_flow=1, closed_flow=1, server_reset=1, server_establish_fail=1, tcp_establish_fail=1, "
                        + "tcp_rst_fail=1, client_rst_flow=0, tcp_transfer_fail=0, packet_rx=1}");
    }

    @Test
    void handshakeFailuresAreCountedByWhoFailed() {
        // a SYN-ACK the client never acknowledges (10), a server reset after its SYN-ACK (19), a port reused (13)
        at(T, tcp4(C, 40001, S, 80, 100, 0, SYN, 65535, new byte[0]));
        at(T + 10, tcp4(S, 80, C, 40001, 500, 101, SYN | ACK, 65535, new byte[0]));
        at(T + 20, tcp4(C, 40002, S, 80, 100, 0, SYN, 65535, new byte[0]));
        at(T + 30, tcp4(S, 80, C, 40002, 500, 101, SYN | ACK, 65535, new byte[0]));
        at(T + 40, tcp4(S, 80, C, 40002, 501, 0, RST, 0, new byte[0]));
        at(T + 50, tcp4(C, 40003, S, 80, 100, 0, SYN, 65535, new byte[0]));
        at(T + 60, tcp4(S, 80, C, 40003, 500, 101, SYN | ACK, 65535, new byte[0]));
        at(T + 70, tcp4(C, 40003, S, 80, 101, 501, ACK, 65535, new byte[0]));
        at(T + 80, tcp4(C, 40003, S, 80, 9000, 0, SYN, 65535, new byte[0])); // a new connection on the same ports
        at(T + 9_000_000, udp4(C, 5000, S, 53, ascii("q"))); // past the opening timeout
        pipeline.close();
        assertThat(seconds(NetworkMetric.CLIENT_ACK_MISS, NetworkMetric.SERVER_ESTABLISH_OTHER_RST,
                NetworkMetric.CLIENT_SOURCE_PORT_REUSE, NetworkMetric.CLIENT_ESTABLISH_FAIL,
                NetworkMetric.SERVER_ESTABLISH_FAIL, NetworkMetric.TCP_ESTABLISH_FAIL, NetworkMetric.TCP_RST_FAIL))
                .contains("0:{client_ack_miss=0, server_establish_other_rst=1, client_source_port_reuse=1, "
                                + "client_establish_fail=1, server_establish_fail=1, tcp_establish_fail=2, tcp_rst_fail=1}",
                        // counted when the clock passes their timeout (the next packet): the ACK miss, and the reusing
                        // SYN that nobody answered (a server SYN miss)
                        "9:{client_ack_miss=1, server_establish_other_rst=0, client_source_port_reuse=0, "
                                + "client_establish_fail=1, server_establish_fail=1, tcp_establish_fail=2, tcp_rst_fail=0}");
    }

    @Test
    void aClientResetAndAnUnansweredSynAreCountedWhereTheyEnd() {
        exchange(T, 40000);
        at(T + 3_000_000, tcp4(C, 40000, S, 80, 105, 506, RST | ACK, 0, new byte[0]));
        at(T + 3_100_000, tcp4(C, 40009, S, 80, 900, 0, SYN, 65535, new byte[0])); // nobody answers: 5 s later, a miss
        at(T + 9_000_000, udp4(C, 5000, S, 53, ascii("q"))); // moves the clock past the SYN timeout
        pipeline.close();
        assertThat(seconds(NetworkMetric.CLIENT_RST_FLOW, NetworkMetric.TCP_TRANSFER_FAIL, NetworkMetric.SERVER_SYN_MISS,
                NetworkMetric.NEW_FLOW, NetworkMetric.CLOSED_FLOW).subList(2, 4)).containsExactly(
                "3:{client_rst_flow=1, tcp_transfer_fail=1, server_syn_miss=0, new_flow=1, closed_flow=1}",
                "9:{client_rst_flow=0, tcp_transfer_fail=0, server_syn_miss=1, new_flow=0, closed_flow=1}");
    }

    @Test
    void singleEndRowsAreEachEndsOwnWithTheServersDirectionsReversed() {
        exchange(T, 40000);
        pipeline.close();
        List<String> ends = new ArrayList<>();
        for (NetworkRow r : rows.network) {
            if (!r.minute()) {
                ends.add((r.timeMicros() - T) / 1_000_000 + " role " + r.key().role() + " " + (r.key().ipLo() & 0xff) + ":"
                        + values(r.values(), NetworkMetric.PACKET_TX, NetworkMetric.PACKET_RX, NetworkMetric.L4_BYTE_TX,
                        NetworkMetric.NEW_FLOW));
            }
        }
        assertThat(ends).containsExactlyInAnyOrder(
                "0 role 0 1:{packet_tx=3, packet_rx=1, l4_byte_tx=4, new_flow=1}",
                "0 role 1 2:{packet_tx=1, packet_rx=3, l4_byte_tx=0, new_flow=1}",
                "1 role 0 1:{packet_tx=0, packet_rx=1, l4_byte_tx=0, new_flow=0}",
                "1 role 1 2:{packet_tx=1, packet_rx=0, l4_byte_tx=5, new_flow=0}");
        assertThat(rows.network.stream().filter(NetworkRow::minute)).hasSize(2);
    }

    @Test
    void aFullSecondPutsTheRestInTheOverflowRowAndCountsIt() {
        pipeline = new Pipeline(PipelineSettings.forFiles().withMaxMetricRows(2), List.of(), Set.of(), rows,
                ids::incrementAndGet, "test", null);
        for (int i = 0; i < 5; i++) {
            at(T + i, udp4(C, 5000 + i, S, 1000 + i, ascii("x")));
        }
        pipeline.close();
        List<NetworkMapRow> second = rows.networkMap.stream().filter(r -> !r.minute()).toList();
        assertThat(second).hasSize(3).anySatisfy(r -> {
            assertThat(r.key()).isEqualTo(EdgeKey.OVERFLOW);
            assertThat(r.value(NetworkMetric.PACKET_TX)).isEqualTo(3);
            assertThat(r.value(NetworkMetric.NEW_FLOW)).isEqualTo(3);
        });
        assertThat(second.stream().mapToLong(r -> r.value(NetworkMetric.PACKET_TX)).sum()).isEqualTo(5);
        assertThat(pipeline.counters().errors()).containsEntry("network_metrics_over_cap", 3L);
    }

    @Test
    void aPacketOfASecondAlreadyGoneIsCountedInTheCurrentOneAndCountedAsLate() {
        at(T + 2_000_000, udp4(C, 5000, S, 53, ascii("a")));
        at(T + 1_000_000, udp4(C, 5000, S, 53, ascii("b")));
        pipeline.close();
        assertThat(seconds(NetworkMetric.PACKET_TX)).containsExactly("2:{packet_tx=2}");
        assertThat(pipeline.counters().errors()).containsEntry("network_metrics_late_packets", 1L);
    }

    @Test
    void aLiveSourcesSecondGoesOutOnATickWithoutAnotherPacket() {
        pipeline = new Pipeline(PipelineSettings.forLive(), List.of(), Set.of(), rows, ids::incrementAndGet, "test", null);
        long wall = System.currentTimeMillis() * 1000;
        // a packet seconds ago: the wall clock, LIVE_DELAY behind, is past its second at the next tick
        at(wall - 5_000_000, udp4(C, 5000, S, 53, ascii("a")));
        assertThat(rows.networkMap).isEmpty();
        pipeline.tick();
        assertThat(rows.networkMap).hasSize(1).allSatisfy(r -> assertThat(r.minute()).isFalse());
        pipeline.close();
    }
}
