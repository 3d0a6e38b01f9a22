package io.flowscope.platform.pipeline;

import io.flowscope.platform.flow.FlowGenerator;
import io.flowscope.platform.flow.FlowTimeouts;
import io.flowscope.platform.l7.L7Pipeline;
import io.flowscope.platform.metrics.network.NetworkMetrics;
import io.flowscope.platform.packet.IpFragments;

/**
 * The bounds and clocks of one pipeline (docs/architecture.md lists the defaults and why).
 *
 * @param maxFlows              flows the flow table holds; over it the longest idle flow is reported
 *                              early (close type 21, evicted) to make room, counted
 * @param reassemblyBudget      bytes of out-of-order TCP segments all flows may hold together
 * @param detectionBudget       bytes all connections may hold while their protocol is detected
 * @param pairingBudget         estimated bytes of all requests waiting for their responses
 * @param parserStateBudget     bytes all parsers may retain together (their {@code retainedBytes()})
 * @param commitAgeMillis       longest time a row waits before it is committed (queryable)
 * @param liveClock             whether flow time follows the wall clock when no packet comes (live sources);
 *                              false for capture files, whose clock is their packets'
 * @param socketIdleMicros      a traced socket without data for this long is ended as idle
 * @param fragmentBudget        bytes the incomplete IP datagrams (their fragments) may hold together
 * @param fragmentTimeoutMicros packet time after its first fragment when an incomplete datagram is given up
 * @param flowTimeouts          how long a flow may be silent, by its TCP state
 * @param maxMetricRows         network_map rows a second (and a minute) of the network metrics holds; flows of
 *                              edges beyond it go to one overflow row, counted ({@link NetworkMetrics})
 */
public record PipelineSettings(int maxFlows, long reassemblyBudget, long detectionBudget, long pairingBudget,
                               long parserStateBudget, long commitAgeMillis, boolean liveClock, long socketIdleMicros,
                               long fragmentBudget, long fragmentTimeoutMicros, FlowTimeouts flowTimeouts,
                               int maxMetricRows) {

    /** The same, with the default flow timeouts and bound of the network metrics. */
    public PipelineSettings(int maxFlows, long reassemblyBudget, long detectionBudget, long pairingBudget,
                            long parserStateBudget, long commitAgeMillis, boolean liveClock, long socketIdleMicros,
                            long fragmentBudget, long fragmentTimeoutMicros) {
        this(maxFlows, reassemblyBudget, detectionBudget, pairingBudget, parserStateBudget, commitAgeMillis, liveClock,
                socketIdleMicros, fragmentBudget, fragmentTimeoutMicros, FlowTimeouts.DEFAULTS, NetworkMetrics.DEFAULT_MAX_ROWS);
    }

    /** Bound of the flow table by default. */
    public static final int DEFAULT_MAX_FLOWS = 2_000_000;
    /**
     * A live source's row is committed once it is this old, by default; with a tick at least every 100 ms it
     * is queryable within 0.6 s of being made (the 1 s promise, with room for the commit).
     */
    public static final long DEFAULT_COMMIT_AGE_MILLIS = 500;
    /**
     * A capture file's rows are committed every 5 s (or 100,000 rows): an import is read far faster than
     * it was recorded, and committing twice a second cost it 6 % of its throughput (measured on the
     * 1.7 GB benchmark capture: the writer thread's CPU +16 %).
     */
    public static final long FILE_COMMIT_AGE_MILLIS = 5000;

    /** The defaults, for a capture file (the packets' clock, commits every 5 s). */
    public static PipelineSettings forFiles() {
        return defaults(FILE_COMMIT_AGE_MILLIS, false);
    }

    /** The defaults, for a live source: the wall clock moves flow time when the link is quiet, rows commit within 0.5 s. */
    public static PipelineSettings forLive() {
        return defaults(DEFAULT_COMMIT_AGE_MILLIS, true);
    }

    private static PipelineSettings defaults(long commitAgeMillis, boolean liveClock) {
        return new PipelineSettings(DEFAULT_MAX_FLOWS, FlowGenerator.DEFAULT_REASSEMBLY_BUDGET,
                L7Pipeline.DEFAULT_DETECTION_BUDGET, L7Pipeline.DEFAULT_PAIRING_BUDGET,
                L7Pipeline.DEFAULT_PARSER_STATE_BUDGET, commitAgeMillis, liveClock, FlowGenerator.TCP_IDLE_TIMEOUT,
                IpFragments.DEFAULT_BUDGET, IpFragments.DEFAULT_TIMEOUT_MICROS, FlowTimeouts.DEFAULTS,
                NetworkMetrics.DEFAULT_MAX_ROWS);
    }

    public PipelineSettings withReassemblyBudget(long bytes) {
        return new PipelineSettings(maxFlows, bytes, detectionBudget, pairingBudget, parserStateBudget,
                commitAgeMillis, liveClock, socketIdleMicros, fragmentBudget, fragmentTimeoutMicros, flowTimeouts,
                maxMetricRows);
    }

    public PipelineSettings withFragments(long budgetBytes, long timeoutMicros) {
        return new PipelineSettings(maxFlows, reassemblyBudget, detectionBudget, pairingBudget, parserStateBudget,
                commitAgeMillis, liveClock, socketIdleMicros, budgetBytes, timeoutMicros, flowTimeouts, maxMetricRows);
    }

    /** The same with another flow table: its bound and its timeouts by state. */
    public PipelineSettings withFlowTable(int maxFlows, FlowTimeouts timeouts) {
        return new PipelineSettings(maxFlows, reassemblyBudget, detectionBudget, pairingBudget, parserStateBudget,
                commitAgeMillis, liveClock, socketIdleMicros, fragmentBudget, fragmentTimeoutMicros, timeouts, maxMetricRows);
    }

    public PipelineSettings withMaxMetricRows(int rows) {
        return new PipelineSettings(maxFlows, reassemblyBudget, detectionBudget, pairingBudget, parserStateBudget,
                commitAgeMillis, liveClock, socketIdleMicros, fragmentBudget, fragmentTimeoutMicros, flowTimeouts, rows);
    }
}
