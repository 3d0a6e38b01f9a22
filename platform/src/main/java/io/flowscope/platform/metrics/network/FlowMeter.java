package io.flowscope.platform.metrics.network;

import io.flowscope.platform.connection.L7Counts;
import io.flowscope.platform.flow.Flow;

/**
 * What {@link NetworkMetrics} keeps for one flow: the flow's cumulative counters when it last folded them into a
 * second's row (so the next fold adds only what came since), the largest response time since then, and which
 * one-off facts (new, RTT measured) it has told. Made once per flow, on the pipeline's thread.
 */
public final class FlowMeter {

    /** The flow's cumulative counters a fold reads ({@link NetworkMetrics#cumulative}). */
    static final int CUMULATIVE = 27;

    final Flow flow;
    final EdgeKey key;
    /** The counts of the flow's L7 session, once it has one. */
    L7Counts l7;
    final long[] last = new long[CUMULATIVE];
    /** The flow's srt_sum and srt_count when its last packet was seen: a change is one response-time sample. */
    long srtSumSeen;
    long srtCountSeen;
    /** Largest response-time sample since the last fold, µs. */
    long srtMax;
    /** The same for the application's data delay (ART). */
    long artSumSeen;
    long artCountSeen;
    long artMax;
    boolean newFlow = true;
    boolean rttCounted;
    boolean rttClientCounted;
    boolean rttServerCounted;
    /** The second whose active list holds it (it saw a packet in that second). */
    long activeSecond = Long.MIN_VALUE;
    /** The second whose row counted it in {@code flow_load}. */
    long loadSecond = Long.MIN_VALUE;
    boolean ended;

    FlowMeter(Flow flow, EdgeKey key) {
        this.flow = flow;
        this.key = key;
    }

    /** The flow's L7 session counts ({@code l7_request} …), once the session exists; read at every fold. */
    public void l7(L7Counts counts) {
        this.l7 = counts;
    }
}
