package io.flowscope.platform.flow;

/**
 * How long a flow may stay silent, by the state its packets left it in (µs of flow time). The defaults are
 * DeepFlow's agent's where it has one (docs/data-model.md, "Timeouts").
 *
 * @param opening     a TCP handshake not completed: SYN (and maybe SYN-ACK) without the client's ACK
 * @param established an established TCP connection
 * @param closing     a TCP connection one side has closed (FIN one way only)
 * @param closed      a TCP connection closed both ways or reset: the time it stays to absorb late ACKs and
 *                    retransmitted FINs, after its final report
 * @param other       UDP and every other protocol
 */
public record FlowTimeouts(long opening, long established, long closing, long closed, long other) {

    public static final FlowTimeouts DEFAULTS = new FlowTimeouts(5_000_000L, 300_000_000L, 35_000_000L, 2_000_000L,
            30_000_000L);

    public FlowTimeouts {
        for (long t : new long[] {opening, established, closing, closed, other}) {
            if (t <= 0) {
                throw new IllegalArgumentException("flow timeouts must be positive: " + t + " µs");
            }
        }
    }

    /** The longest of them: a flow silent for longer is gone whatever its state. */
    public long longest() {
        return Math.max(Math.max(opening, established), Math.max(Math.max(closing, closed), other));
    }
}
