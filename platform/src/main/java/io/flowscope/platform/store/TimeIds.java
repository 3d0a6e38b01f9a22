package io.flowscope.platform.store;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 64-bit row ids ({@code flow_id}, {@code _id}) that stay unique across restarts, several writers and
 * several stores, without reading anything back: milliseconds since 2024-01-01 (41 bits, until 2093), a
 * node id (10 bits: configured per process, or drawn at random when the store opens) and a sequence
 * (12 bits, 4096 ids per millisecond; a busier millisecond borrows from the next ones). Ids of one process
 * only grow, even if the clock steps back, and sort roughly by time.
 */
public final class TimeIds {

    /** 2024-01-01T00:00:00Z. */
    static final long EPOCH_MS = 1_704_067_200_000L;
    static final int NODE_BITS = 10;
    static final int SEQUENCE_BITS = 12;

    private final long node;
    /** The last (ms << SEQUENCE_BITS | sequence) given out. */
    private final AtomicLong last = new AtomicLong();

    /** @param node 0 to 1023; distinct per process that writes to the same tables */
    public TimeIds(int node) {
        if (node < 0 || node >= 1 << NODE_BITS) {
            throw new IllegalArgumentException("node id must be 0-" + ((1 << NODE_BITS) - 1) + ", not " + node);
        }
        this.node = node;
    }

    /** A generator with a random node id. */
    public static TimeIds randomNode() {
        return new TimeIds(new SecureRandom().nextInt(1 << NODE_BITS));
    }

    public int node() {
        return (int) node;
    }

    /** The next id; thread-safe. */
    public long next() {
        while (true) {
            long now = (System.currentTimeMillis() - EPOCH_MS) << SEQUENCE_BITS;
            long prev = last.get();
            long t = Math.max(now, prev + 1);
            if (last.compareAndSet(prev, t)) {
                return (t >>> SEQUENCE_BITS) << (NODE_BITS + SEQUENCE_BITS) | node << SEQUENCE_BITS | (t & ((1 << SEQUENCE_BITS) - 1));
            }
        }
    }

    /** The epoch milliseconds an id was made in (from its time part). */
    public static long millis(long id) {
        return (id >>> (NODE_BITS + SEQUENCE_BITS)) + EPOCH_MS;
    }
}
