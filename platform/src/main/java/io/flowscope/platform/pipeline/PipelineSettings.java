package io.flowscope.platform.pipeline;

import io.flowscope.platform.flow.FlowGenerator;
import io.flowscope.platform.l7.L7Pipeline;

/**
 * The bounds and clocks of one pipeline (docs/architecture.md lists the defaults and why).
 *
 * @param maxFlows              flows the flow table holds; packets of new flows beyond it are counted and dropped
 * @param reassemblyBudget      bytes of out-of-order TCP segments all flows may hold together
 * @param detectionBudget       bytes all connections may hold while their protocol is detected
 * @param pairingBudget         estimated bytes of all requests waiting for their responses
 * @param parserStateBudget     bytes all parsers may retain together (their {@code retainedBytes()})
 * @param commitAgeMillis       longest time a row waits before it is committed (queryable)
 * @param liveClock             whether flow time follows the wall clock when no packet comes (live sources);
 *                              false for capture files, whose clock is their packets'
 * @param socketIdleMicros      a traced socket without data for this long is ended as idle
 */
public record PipelineSettings(int maxFlows, long reassemblyBudget, long detectionBudget, long pairingBudget,
                               long parserStateBudget, long commitAgeMillis, boolean liveClock, long socketIdleMicros) {

    /** Bound of the flow table by default. */
    public static final int DEFAULT_MAX_FLOWS = 2_000_000;
    /**
     * A row is committed once it is this old, by default; with a tick at least every 100 ms it is
     * queryable within 0.6 s of being made (the 1 s DeepFlow-like promise, with room for the commit).
     */
    public static final long DEFAULT_COMMIT_AGE_MILLIS = 500;

    /** The defaults, for a capture file (the packets' clock). */
    public static PipelineSettings forFiles() {
        return new PipelineSettings(DEFAULT_MAX_FLOWS, FlowGenerator.DEFAULT_REASSEMBLY_BUDGET,
                L7Pipeline.DEFAULT_DETECTION_BUDGET, L7Pipeline.DEFAULT_PAIRING_BUDGET,
                L7Pipeline.DEFAULT_PARSER_STATE_BUDGET, DEFAULT_COMMIT_AGE_MILLIS, false, FlowGenerator.TCP_IDLE_TIMEOUT);
    }

    /** The defaults, for a live source (the wall clock moves flow time when the link is quiet). */
    public static PipelineSettings forLive() {
        return forFiles().withLiveClock(true);
    }

    public PipelineSettings withLiveClock(boolean live) {
        return new PipelineSettings(maxFlows, reassemblyBudget, detectionBudget, pairingBudget, parserStateBudget,
                commitAgeMillis, live, socketIdleMicros);
    }

    public PipelineSettings withReassemblyBudget(long bytes) {
        return new PipelineSettings(maxFlows, bytes, detectionBudget, pairingBudget, parserStateBudget,
                commitAgeMillis, liveClock, socketIdleMicros);
    }
}
