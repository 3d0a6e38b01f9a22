package io.flowscope.platform.flow;

import io.flowscope.platform.connection.Connection;
import io.flowscope.platform.connection.L7Counts;

/**
 * One l4_flow_log row: a snapshot of a flow taken when it ended or, for a flow that lives on, once a
 * minute (DeepFlow's forced report). Additive counters are deltas since the flow's previous report, so
 * the sum over a flow's reports is its total; {@code is_new_flow} is 1 on its first report only.
 * Immutable: it goes to the store's writer thread as it is.
 */
public final class FlowReport {

    // indexes into counts(): the additive columns, in the order of the l4 table
    public static final int PACKET_TX = 0;
    public static final int PACKET_RX = 1;
    public static final int BYTE_TX = 2;
    public static final int BYTE_RX = 3;
    public static final int L3_BYTE_TX = 4;
    public static final int L3_BYTE_RX = 5;
    public static final int L4_BYTE_TX = 6;
    public static final int L4_BYTE_RX = 7;
    public static final int SYN = 8;
    public static final int SYNACK = 9;
    public static final int FIN = 10;
    public static final int SRT_SUM = 11;
    public static final int SRT_COUNT = 12;
    public static final int RETRANS_TX = 13;
    public static final int RETRANS_RX = 14;
    public static final int ZERO_WIN_TX = 15;
    public static final int ZERO_WIN_RX = 16;
    public static final int OOO_TX = 17;
    public static final int OOO_RX = 18;
    public static final int L7_REQUEST = 19;
    public static final int L7_RESPONSE = 20;
    public static final int L7_PARSE_FAILED = 21;
    public static final int L7_CLIENT_ERROR = 22;
    public static final int L7_SERVER_ERROR = 23;
    public static final int L7_TIMEOUT = 24;
    public static final int LOST_TX = 25;
    public static final int LOST_RX = 26;
    public static final int ART_SUM = 27;
    public static final int ART_COUNT = 28;
    public static final int RETRANS_SYN = 29;
    public static final int RETRANS_SYNACK = 30;
    static final int COUNTS = 31;

    public final Connection connection;
    public final long startTime;
    public final long endTime;
    public final long mac0;
    public final long mac1;
    public final int ethType;
    public final int vlan;
    /** The tunnel the flow's packets came through, each way; null for none. */
    public final TunnelInfo tunnel;
    public final int tcpFlags0;
    public final int tcpFlags1;
    /** Handshake RTT and its halves, µs; -1 when not measured. */
    public final long rtt;
    public final long rttClient;
    public final long rttServer;
    /** Largest TCP response time since the previous report, µs. */
    public final long srtMax;
    /** Largest application response time since the previous report, µs. */
    public final long artMax;
    /** MSS each side's SYN offered (0: none seen) and its window scale (-1: none seen). */
    public final int mss0;
    public final int mss1;
    public final int windowScale0;
    public final int windowScale1;
    public final int closeType;
    public final int status;
    public final boolean newFlow;
    public final int directionScore;
    public final int l7Protocol;
    public final String requestDomain;
    private final long[] counts;

    private FlowReport(Flow f, long[] delta, int closeType, boolean newFlow, L7Counts l7) {
        connection = f.connection;
        startTime = f.startTime;
        endTime = f.endTime;
        mac0 = f.mac0;
        mac1 = f.mac1;
        ethType = f.ethType;
        vlan = f.vlan;
        tunnel = f.tunnel;
        tcpFlags0 = f.tcpFlags[0];
        tcpFlags1 = f.tcpFlags[1];
        rtt = f.rtt();
        rttClient = f.rttClient;
        rttServer = f.rttServer;
        srtMax = f.srtMax;
        artMax = f.artMax;
        mss0 = f.mss[0];
        mss1 = f.mss[1];
        windowScale0 = f.windowScale[0];
        windowScale1 = f.windowScale[1];
        this.closeType = closeType;
        status = CloseType.status(closeType, f.isTcp());
        this.newFlow = newFlow;
        directionScore = f.directionScore;
        l7Protocol = l7 == null ? 0 : l7.l7Protocol;
        requestDomain = l7 == null ? null : l7.requestDomain;
        counts = delta;
    }

    /** One additive column's value in this report (an index constant of this class). */
    public long count(int index) {
        return counts[index];
    }

    /** The flow's own row id. */
    public long flowId() {
        return connection.id();
    }

    /**
     * Takes the next report of a flow: what it counted since the previous one. {@code last} for its
     * final report (its own close type), else a forced report of a flow that lives on.
     */
    public static FlowReport take(Flow f, boolean last, L7Counts l7) {
        long[] now = totals(f, l7);
        long[] delta = now.clone();
        long[] before = f.reported;
        if (before != null) {
            for (int i = 0; i < COUNTS; i++) {
                delta[i] -= before[i];
            }
        }
        FlowReport r = new FlowReport(f, delta, last ? f.closeType : CloseType.FORCED_REPORT, before == null, l7);
        f.reported = now;
        f.srtMax = 0;
        f.artMax = 0;
        return r;
    }

    private static long[] totals(Flow f, L7Counts l7) {
        long[] v = new long[COUNTS];
        v[PACKET_TX] = f.packets[0];
        v[PACKET_RX] = f.packets[1];
        v[BYTE_TX] = f.bytes[0];
        v[BYTE_RX] = f.bytes[1];
        v[L3_BYTE_TX] = f.l3Bytes[0];
        v[L3_BYTE_RX] = f.l3Bytes[1];
        v[L4_BYTE_TX] = f.l4Bytes[0];
        v[L4_BYTE_RX] = f.l4Bytes[1];
        v[SYN] = f.synCount;
        v[SYNACK] = f.synAckCount;
        v[FIN] = f.finCount;
        v[SRT_SUM] = f.srtSum;
        v[SRT_COUNT] = f.srtCount;
        v[RETRANS_TX] = f.retrans[0];
        v[RETRANS_RX] = f.retrans[1];
        v[ZERO_WIN_TX] = f.zeroWindows[0];
        v[ZERO_WIN_RX] = f.zeroWindows[1];
        v[OOO_TX] = f.outOfOrder[0];
        v[OOO_RX] = f.outOfOrder[1];
        v[LOST_TX] = f.lostSegments[0];
        v[LOST_RX] = f.lostSegments[1];
        v[ART_SUM] = f.artSum;
        v[ART_COUNT] = f.artCount;
        // DeepFlow's: every SYN (SYN-ACK) after the first is a repeat
        v[RETRANS_SYN] = Math.max(0, f.synCount - 1);
        v[RETRANS_SYNACK] = Math.max(0, f.synAckCount - 1);
        if (l7 != null) {
            v[L7_REQUEST] = l7.requests;
            v[L7_RESPONSE] = l7.responses;
            v[L7_PARSE_FAILED] = l7.parseFailed;
            v[L7_CLIENT_ERROR] = l7.clientErrors;
            v[L7_SERVER_ERROR] = l7.serverErrors;
            v[L7_TIMEOUT] = l7.timeouts;
        }
        return v;
    }
}
