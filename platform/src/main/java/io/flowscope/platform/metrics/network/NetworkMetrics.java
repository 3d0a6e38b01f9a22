package io.flowscope.platform.metrics.network;

import static io.flowscope.platform.metrics.network.NetworkMetric.CLIENT_ACK_MISS;
import static io.flowscope.platform.metrics.network.NetworkMetric.CLIENT_ESTABLISH_FAIL;
import static io.flowscope.platform.metrics.network.NetworkMetric.CLIENT_SOURCE_PORT_REUSE;
import static io.flowscope.platform.metrics.network.NetworkMetric.SERVER_ESTABLISH_OTHER_RST;
import static io.flowscope.platform.metrics.network.NetworkMetric.CLIENT_ESTABLISH_OTHER_RST;
import static io.flowscope.platform.metrics.network.NetworkMetric.CLIENT_HALF_CLOSE_FLOW;
import static io.flowscope.platform.metrics.network.NetworkMetric.CLIENT_RST_FLOW;
import static io.flowscope.platform.metrics.network.NetworkMetric.CLOSED_FLOW;
import static io.flowscope.platform.metrics.network.NetworkMetric.SERVER_ESTABLISH_FAIL;
import static io.flowscope.platform.metrics.network.NetworkMetric.SERVER_HALF_CLOSE_FLOW;
import static io.flowscope.platform.metrics.network.NetworkMetric.SERVER_RESET;
import static io.flowscope.platform.metrics.network.NetworkMetric.SERVER_RST_FLOW;
import static io.flowscope.platform.metrics.network.NetworkMetric.SERVER_SYN_MISS;
import static io.flowscope.platform.metrics.network.NetworkMetric.TCP_ESTABLISH_FAIL;
import static io.flowscope.platform.metrics.network.NetworkMetric.TCP_RST_FAIL;
import static io.flowscope.platform.metrics.network.NetworkMetric.TCP_TIMEOUT;
import static io.flowscope.platform.metrics.network.NetworkMetric.TCP_TRANSFER_FAIL;

import io.flowscope.platform.connection.L7Counts;
import io.flowscope.platform.flow.CloseType;
import io.flowscope.platform.flow.Flow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * The network metrics of one pipeline: {@code network_map} rows per client, server, server port and protocol
 * (and capture interface, tunnel type, signal source), and single-end {@code network} rows per address and role,
 * for each second and each minute of the packets' clock.
 *
 * <p>How seconds are exact: a flow that sees a packet is put on the second's active list (once per second, no
 * allocation); when the clock enters a later second, each listed flow folds what its counters gained since its
 * previous fold into its edge's row of the ending second, and the second's rows go out. A flow's end folds at
 * once, into the current second. The clock moves before the packet that moves it is counted
 * ({@link #packetTime}), so a packet's bytes land in its own second. Minute rows are the merge of their second
 * rows as they go out (sums added, maxima kept), never computed apart: summing a minute's second rows gives the
 * minute row, counter for counter.
 *
 * <p>Bounds: a second holds at most {@code maxRows} edges and a minute as many (the single-end tables twice as
 * many); a flow whose edge finds no room goes to the all-zero overflow row ({@link EdgeKey#OVERFLOW}), so totals
 * stay exact, and each such fold is counted ({@link #overCap()}). Memory per flow: one {@link FlowMeter}
 * (25 longs); per edge and bucket: one row.
 *
 * <p>Single-threaded: the pipeline's thread calls everything.
 */
public final class NetworkMetrics {

    /**
     * Edges a second (and a minute) holds by default: with their single-end rows about 1.5 KB an edge, so ≈ 25 MB a
     * bucket at most. 65,536 took ≈ 200 MB under a SYN flood from distinct sources (every source an edge), more than
     * the flow table bounded to 100,000 flows itself (FlowTableFloodTest).
     */
    public static final int DEFAULT_MAX_ROWS = 16_384;
    /**
     * How far a live source's second closes behind the wall clock when no packet closes it: the AF_PACKET ring
     * hands a block over at most 100 ms after its first packet, so packets of a second still in the ring then
     * arrive in time.
     */
    public static final long LIVE_DELAY_MICROS = 250_000;

    private static final long SECOND = 1_000_000;
    private static final int[] CUMULATIVE_METRIC = {
        NetworkMetric.PACKET_TX.ordinal(), NetworkMetric.PACKET_RX.ordinal(),
        NetworkMetric.BYTE_TX.ordinal(), NetworkMetric.BYTE_RX.ordinal(),
        NetworkMetric.L3_BYTE_TX.ordinal(), NetworkMetric.L3_BYTE_RX.ordinal(),
        NetworkMetric.L4_BYTE_TX.ordinal(), NetworkMetric.L4_BYTE_RX.ordinal(),
        NetworkMetric.SYN_COUNT.ordinal(), NetworkMetric.SYNACK_COUNT.ordinal(),
        NetworkMetric.SRT_SUM.ordinal(), NetworkMetric.SRT_COUNT.ordinal(),
        NetworkMetric.RETRANS_TX.ordinal(), NetworkMetric.RETRANS_RX.ordinal(),
        NetworkMetric.ZERO_WIN_TX.ordinal(), NetworkMetric.ZERO_WIN_RX.ordinal(),
        NetworkMetric.RETRANS_SYN.ordinal(), NetworkMetric.RETRANS_SYNACK.ordinal(),
        NetworkMetric.OOO_TX.ordinal(), NetworkMetric.OOO_RX.ordinal(),
        NetworkMetric.ART_SUM.ordinal(), NetworkMetric.ART_COUNT.ordinal(),
        NetworkMetric.L7_REQUEST.ordinal(), NetworkMetric.L7_RESPONSE.ordinal(),
        NetworkMetric.L7_CLIENT_ERROR.ordinal(), NetworkMetric.L7_SERVER_ERROR.ordinal(),
        NetworkMetric.L7_TIMEOUT.ordinal()};

    private final NetworkSink sink;
    private final int maxRows;
    private final HashMap<EdgeKey, long[]> secondEdges = new HashMap<>();
    private final HashMap<EdgeKey, long[]> minuteEdges = new HashMap<>();
    private final HashMap<EndpointKey, long[]> secondEnds = new HashMap<>();
    private final HashMap<EndpointKey, long[]> minuteEnds = new HashMap<>();
    /** The flows that saw a packet in the current second. */
    private final ArrayList<FlowMeter> active = new ArrayList<>();
    private final long[] now = new long[FlowMeter.CUMULATIVE];
    private long second = Long.MIN_VALUE;
    private long overCap;
    private long latePackets;

    public NetworkMetrics(NetworkSink sink, int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1: " + maxRows);
        }
        this.sink = sink;
        this.maxRows = maxRows;
    }

    /** The meter of a new flow (counted as new in the second of its first fold). */
    public FlowMeter open(Flow flow) {
        return new FlowMeter(flow, EdgeKey.of(flow));
    }

    /**
     * A packet's time, before the packet is counted: a later second closes the current one (its rows go out).
     * A packet of an earlier second than the current one (a source whose clock stepped back, or that handed
     * it over late) is counted in the current second, and counted as late.
     */
    public void packetTime(long tsMicros) {
        long s = Math.floorDiv(tsMicros, SECOND);
        if (s > second) {
            moveTo(s);
        } else if (s < second) {
            latePackets++;
        }
    }

    /** Moves the clock without a packet (a live source's wall clock, {@link #LIVE_DELAY_MICROS} behind). */
    public void advanceTo(long tsMicros) {
        long s = Math.floorDiv(tsMicros, SECOND);
        if (s > second) {
            moveTo(s);
        }
    }

    /** The flow's packet was counted: it is active in the current second. No allocation. */
    public void packet(FlowMeter m) {
        if (m.ended) {
            return; // the packet that ended the flow: already folded by ended()
        }
        sampleResponseTimes(m);
        if (m.activeSecond != second) {
            m.activeSecond = second;
            active.add(m);
        }
    }

    /** The flow is over: what it gained, and how it closed, go into the current second now. */
    public void ended(FlowMeter m) {
        if (m.ended) {
            return;
        }
        sampleResponseTimes(m);
        long[] row = edgeRow(m.key);
        fold(m, row);
        closed(m.flow, row);
        m.ended = true;
    }

    /** End of input: the current second and minute go out. */
    public void finish() {
        closeSecond();
        closeMinute();
    }

    /** Flow-seconds (and minute merges) that went to the overflow row because a bucket was full. */
    public long overCap() {
        return overCap;
    }

    /** Packets whose second had already gone out (counted in a later one). */
    public long latePackets() {
        return latePackets;
    }

    private void moveTo(long s) {
        if (second != Long.MIN_VALUE) {
            closeSecond();
            if (Math.floorDiv(s, 60) != Math.floorDiv(second, 60)) {
                closeMinute();
            }
        }
        second = s;
    }

    private void closeSecond() {
        for (int i = 0, n = active.size(); i < n; i++) {
            FlowMeter m = active.get(i);
            if (!m.ended) {
                fold(m, edgeRow(m.key));
            }
        }
        active.clear();
        if (secondEdges.isEmpty()) {
            return;
        }
        long t = second * SECOND;
        for (Map.Entry<EdgeKey, long[]> e : secondEdges.entrySet()) {
            EdgeKey k = e.getKey();
            long[] v = e.getValue();
            sink.networkMap(new NetworkMapRow(t, false, k, v));
            NetworkMetric.merge(row(minuteEdges, k, EdgeKey.OVERFLOW, maxRows), v);
            NetworkMetric.merge(row(secondEnds, k.end(0), null, Integer.MAX_VALUE), v);
            NetworkMetric.mergeReversed(row(secondEnds, k.end(1), null, Integer.MAX_VALUE), v);
        }
        for (Map.Entry<EndpointKey, long[]> e : secondEnds.entrySet()) {
            sink.network(new NetworkRow(t, false, e.getKey(), e.getValue()));
            NetworkMetric.merge(row(minuteEnds, e.getKey(), EndpointKey.overflow(e.getKey().role()), 2 * maxRows),
                    e.getValue());
        }
        // the rows went out with their arrays: the next second starts with new ones
        secondEdges.clear();
        secondEnds.clear();
    }

    private void closeMinute() {
        if (minuteEdges.isEmpty()) {
            return;
        }
        long t = Math.floorDiv(second, 60) * 60 * SECOND;
        for (Map.Entry<EdgeKey, long[]> e : minuteEdges.entrySet()) {
            sink.networkMap(new NetworkMapRow(t, true, e.getKey(), e.getValue()));
        }
        for (Map.Entry<EndpointKey, long[]> e : minuteEnds.entrySet()) {
            sink.network(new NetworkRow(t, true, e.getKey(), e.getValue()));
        }
        minuteEdges.clear();
        minuteEnds.clear();
    }

    private long[] edgeRow(EdgeKey k) {
        return row(secondEdges, k, EdgeKey.OVERFLOW, maxRows);
    }

    /** The bucket's row of {@code k}, made if there is room, else the overflow row (counted). */
    private <K> long[] row(HashMap<K, long[]> bucket, K k, K overflow, int max) {
        long[] r = bucket.get(k);
        if (r != null) {
            return r;
        }
        // the overflow row itself is always let in, beside the max rows it stands for
        if (overflow != null && bucket.size() >= max && !k.equals(overflow)
                && bucket.size() - (bucket.containsKey(overflow) ? 1 : 0) >= max) {
            overCap++;
            r = bucket.get(overflow);
            if (r != null) {
                return r;
            }
            k = overflow;
        }
        r = new long[NetworkMetric.COUNT];
        bucket.put(k, r);
        return r;
    }

    /** Adds what the flow gained since its previous fold to {@code row}. */
    private void fold(FlowMeter m, long[] row) {
        Flow f = m.flow;
        cumulative(f, m.l7, now);
        long[] last = m.last;
        for (int i = 0; i < FlowMeter.CUMULATIVE; i++) {
            row[CUMULATIVE_METRIC[i]] += now[i] - last[i];
            last[i] = now[i];
        }
        if (m.newFlow) {
            m.newFlow = false;
            row[NetworkMetric.NEW_FLOW.ordinal()]++;
        }
        if (m.loadSecond != second) {
            m.loadSecond = second;
            row[NetworkMetric.FLOW_LOAD.ordinal()]++;
        }
        if (!m.rttCounted && f.rtt() >= 0) {
            m.rttCounted = true;
            sample(row, NetworkMetric.RTT_SUM, f.rtt());
        }
        if (!m.rttClientCounted && f.rttClient >= 0) {
            m.rttClientCounted = true;
            sample(row, NetworkMetric.RTT_CLIENT_SUM, f.rttClient);
        }
        if (!m.rttServerCounted && f.rttServer >= 0) {
            m.rttServerCounted = true;
            sample(row, NetworkMetric.RTT_SERVER_SUM, f.rttServer);
        }
        int srtMax = NetworkMetric.SRT_MAX.ordinal();
        if (m.srtMax > row[srtMax]) {
            row[srtMax] = m.srtMax;
        }
        m.srtMax = 0;
        int artMax = NetworkMetric.ART_MAX.ordinal();
        if (m.artMax > row[artMax]) {
            row[artMax] = m.artMax;
        }
        m.artMax = 0;
    }

    /** One value of a sum, count, max triple (declared in that order). */
    private static void sample(long[] row, NetworkMetric sum, long v) {
        int i = sum.ordinal();
        row[i] += v;
        row[i + 1]++;
        if (v > row[i + 2]) {
            row[i + 2] = v;
        }
    }

    /** A change of the flow's srt_count (art_count) since its last packet is one response time (data delay): the change of its sum. */
    private static void sampleResponseTimes(FlowMeter m) {
        long count = m.flow.srtCount;
        if (count != m.srtCountSeen) {
            long sum = m.flow.srtSum;
            long n = count - m.srtCountSeen;
            // one packet ends at most one response time; should a packet ever end more, their mean is taken
            long v = (sum - m.srtSumSeen) / n;
            if (v > m.srtMax) {
                m.srtMax = v;
            }
            m.srtCountSeen = count;
            m.srtSumSeen = sum;
        }
        count = m.flow.artCount;
        if (count != m.artCountSeen) {
            long sum = m.flow.artSum;
            long v = (sum - m.artSumSeen) / (count - m.artCountSeen);
            if (v > m.artMax) {
                m.artMax = v;
            }
            m.artCountSeen = count;
            m.artSumSeen = sum;
        }
    }

    /** How the flow ended, as DeepFlow's querier counts close types (DEEPFLOW-SCHEMA.md §5). */
    private static void closed(Flow f, long[] row) {
        int ct = f.closeType;
        if (ct == CloseType.FORCED_REPORT) {
            return; // still open when the input ended: not closed
        }
        row[CLOSED_FLOW.ordinal()]++;
        if (!f.isTcp()) {
            return; // a UDP flow's timeout is its normal end
        }
        switch (ct) {
            case CloseType.CLIENT_RST -> add(row, CLIENT_RST_FLOW, TCP_TRANSFER_FAIL, TCP_RST_FAIL);
            case CloseType.SERVER_RST -> add(row, SERVER_RST_FLOW, TCP_TRANSFER_FAIL, TCP_RST_FAIL);
            case CloseType.TIMEOUT -> add(row, TCP_TIMEOUT, TCP_TRANSFER_FAIL);
            case CloseType.SERVER_SYN_MISS -> add(row, SERVER_SYN_MISS, SERVER_ESTABLISH_FAIL, TCP_ESTABLISH_FAIL);
            case CloseType.SERVER_DIRECT_RST -> add(row, SERVER_RESET, SERVER_ESTABLISH_FAIL, TCP_ESTABLISH_FAIL, TCP_RST_FAIL);
            case CloseType.CLIENT_OTHER_RST -> add(row, CLIENT_ESTABLISH_OTHER_RST, CLIENT_ESTABLISH_FAIL,
                    TCP_ESTABLISH_FAIL, TCP_RST_FAIL);
            case CloseType.CLIENT_ACK_MISS -> add(row, CLIENT_ACK_MISS, CLIENT_ESTABLISH_FAIL, TCP_ESTABLISH_FAIL);
            case CloseType.CLIENT_PORT_REUSE -> add(row, CLIENT_SOURCE_PORT_REUSE, CLIENT_ESTABLISH_FAIL, TCP_ESTABLISH_FAIL);
            case CloseType.SERVER_OTHER_RST -> add(row, SERVER_ESTABLISH_OTHER_RST, SERVER_ESTABLISH_FAIL,
                    TCP_ESTABLISH_FAIL, TCP_RST_FAIL);
            case CloseType.CLIENT_HALF_CLOSE -> add(row, CLIENT_HALF_CLOSE_FLOW);
            case CloseType.SERVER_HALF_CLOSE -> add(row, SERVER_HALF_CLOSE_FLOW);
            default -> {
                // normal close (1), unknown (0) and evicted (21, Flowscope's own: the table was full): closed, nothing else
            }
        }
    }

    private static void add(long[] row, NetworkMetric... metrics) {
        for (NetworkMetric m : metrics) {
            row[m.ordinal()]++;
        }
    }

    /** The flow's cumulative counters, in {@link #CUMULATIVE_METRIC}'s order. */
    static void cumulative(Flow f, L7Counts l7, long[] v) {
        v[0] = f.packets[0];
        v[1] = f.packets[1];
        v[2] = f.bytes[0];
        v[3] = f.bytes[1];
        v[4] = f.l3Bytes[0];
        v[5] = f.l3Bytes[1];
        v[6] = f.l4Bytes[0];
        v[7] = f.l4Bytes[1];
        v[8] = f.synCount;
        v[9] = f.synAckCount;
        v[10] = f.srtSum;
        v[11] = f.srtCount;
        v[12] = f.retrans[0];
        v[13] = f.retrans[1];
        v[14] = f.zeroWindows[0];
        v[15] = f.zeroWindows[1];
        // DeepFlow's retrans_syn / retrans_synack: every SYN (SYN-ACK) after the first
        v[16] = Math.max(0, f.synCount - 1);
        v[17] = Math.max(0, f.synAckCount - 1);
        v[18] = f.outOfOrder[0];
        v[19] = f.outOfOrder[1];
        v[20] = f.artSum;
        v[21] = f.artCount;
        if (l7 != null) {
            v[22] = l7.requests;
            v[23] = l7.responses;
            v[24] = l7.clientErrors;
            v[25] = l7.serverErrors;
            v[26] = l7.timeouts;
        } else {
            v[22] = v[23] = v[24] = v[25] = v[26] = 0;
        }
    }
}
