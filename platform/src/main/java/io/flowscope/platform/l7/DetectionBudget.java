package io.flowscope.platform.l7;

/**
 * The bytes all flows of one pipeline may hold while their protocol is still being detected (each flow
 * holds at most {@link L7Session#MAX_HELD}). A flow that cannot hold more gives up detection (counted as
 * {@code l7_detection_budget}) instead: with a million new flows that each hold a few KiB, detection alone
 * could otherwise take gigabytes. Used from the pipeline's thread only.
 */
public final class DetectionBudget {

    /** Default: 64 MiB for all flows of a pipeline together. */
    public static final long DEFAULT_BYTES = 64L << 20;

    private final long limit;
    private long used;
    private long peak;

    public DetectionBudget(long limit) {
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

    void release(long bytes) {
        used -= bytes;
    }

    /** Bytes held now. */
    public long used() {
        return used;
    }

    /** Most bytes held at once. */
    public long peak() {
        return peak;
    }
}
