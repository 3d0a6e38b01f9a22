package io.flowscope.platform.budget;

/**
 * Bytes that many per-flow holders (TCP streams' out-of-order segments, L7 detection holds, pending requests, parser state) may keep
 * together in one pipeline. A holder that cannot reserve more gives up what it was holding for (reported
 * as a gap, or no detection) instead of holding it, and says so with {@link #evicted()}: with a million
 * flows that each hold a little, the total would otherwise be unbounded. Used from the pipeline's thread
 * only.
 */
public final class ByteBudget {

    private final long limit;
    private long used;
    private long peak;
    private long evictions;

    public ByteBudget(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("a budget cannot be negative");
        }
        this.limit = limit;
    }

    /** Takes {@code bytes} from the budget, or returns false (taking nothing) when that would exceed it. */
    public boolean reserve(long bytes) {
        if (used + bytes > limit) {
            return false;
        }
        used += bytes;
        peak = Math.max(peak, used);
        return true;
    }

    /**
     * Takes {@code bytes} even past the limit: for holdings measured after they happened (a parser's
     * retained state); the owner then evicts others until {@link #over()} is false.
     */
    public void force(long bytes) {
        used += bytes;
        peak = Math.max(peak, used);
    }

    /** Whether more is held than the limit allows. */
    public boolean over() {
        return used > limit;
    }

    /** Gives back bytes reserved before. */
    public void release(long bytes) {
        used -= bytes;
    }

    /** A holder gave up because the budget was spent. */
    public void evicted() {
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

    /** How often a holder gave up because the budget was spent. */
    public long evictions() {
        return evictions;
    }

    public long limit() {
        return limit;
    }
}
