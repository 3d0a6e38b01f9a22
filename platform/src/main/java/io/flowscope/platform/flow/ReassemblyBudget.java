package io.flowscope.platform.flow;

/**
 * The bytes all TCP streams of one flow generator may hold out of order together. A stream that cannot
 * get more gives up on its hole (reported as a gap, delivery goes on after it) instead of holding more;
 * each such give-up is counted. One per generator, used from its thread only.
 */
public final class ReassemblyBudget {

    /** Default: 64 MiB for the out-of-order bytes of every flow of a pipeline together. */
    public static final long DEFAULT_BYTES = 64L << 20;

    private final long limit;
    private long used;
    private long peak;
    private long evictions;

    public ReassemblyBudget(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("the reassembly budget cannot be negative");
        }
        this.limit = limit;
    }

    boolean reserve(int bytes) {
        if (used + bytes > limit) {
            return false;
        }
        used += bytes;
        peak = Math.max(peak, used);
        return true;
    }

    void release(int bytes) {
        used -= bytes;
    }

    void evicted() {
        evictions++;
    }

    /** Bytes held now. */
    public long used() {
        return used;
    }

    /** Most bytes held at once. */
    public long peak() {
        return peak;
    }

    /** Holes given up because the budget was spent. */
    public long evictions() {
        return evictions;
    }

    public long limit() {
        return limit;
    }
}
