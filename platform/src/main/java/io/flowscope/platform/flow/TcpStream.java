package io.flowscope.platform.flow;

import io.flowscope.platform.budget.ByteBudget;
import java.nio.ByteBuffer;
import java.util.TreeMap;

/**
 * Reassembles one direction of a TCP connection into ordered bytes. In-order segments go straight
 * to the consumer from the capture buffer (no copy); out-of-order ones are copied and held, up to
 * {@link #MAX_BUFFERED} bytes per direction and within the generator's reassembly {@link ByteBudget}; when
 * the budget is spent, the stream that has held its bytes longest gives them up first ({@link Reassembly}).
 * A hole that does not fill within {@link #HOLE_TIMEOUT} (packet time), or that would exceed either bound,
 * is reported as a gap and delivery resumes after it, so the parser carries on. Old data
 * (retransmissions) is dropped; partial overlaps deliver only their new bytes. The flow's retransmission and
 * out-of-order counts are not this class's: they follow tshark's rules ({@link SeqAnalysis}), which judge what the
 * sender did rather than what the parser needs next.
 */
final class TcpStream {

    /** Out-of-order bytes held per direction before a hole is given up on. */
    static final int MAX_BUFFERED = 256 * 1024;
    /** How long (µs of packet time) a hole may hold back what follows it before it is given up. */
    static final long HOLE_TIMEOUT = 1_000_000L;

    /** Receives ordered bytes and gaps. */
    interface Consumer {
        void data(ByteBuffer b, int off, int len, long ts);

        void gap(long lost);
    }

    private boolean started;
    private int next;
    private TreeMap<Integer, byte[]> pending;
    private long pendingTs;
    /** Capture time of the oldest segment held. */
    private long pendingSince;
    private int buffered;
    private final Reassembly reassembly;
    private final ByteBudget budget;
    /** The flow and side this stream is, for delivering when another stream's need evicts it. */
    final Flow flow;
    final int side;
    /** Holes given up because they stayed open longer than {@link #HOLE_TIMEOUT}. */
    long holeTimeouts;

    TcpStream(Reassembly reassembly, Flow flow, int side) {
        this.reassembly = reassembly;
        this.budget = reassembly.budget();
        this.flow = flow;
        this.side = side;
    }

    /** Whether out-of-order bytes are held. */
    boolean holding() {
        return buffered > 0;
    }

    /** The SYN fixes the initial sequence number. */
    void syn(int seq) {
        started = true;
        next = seq + 1;
    }

    /**
     * A segment.
     *
     * @param wireLen payload bytes on the wire ({@code capLen} were captured; the rest is a gap)
     * @return 1 when it was a retransmission, 2 when out of order, 0 otherwise
     */
    int segment(int seq, ByteBuffer b, int off, int capLen, int wireLen, long ts, Consumer c) {
        if (wireLen == 0) {
            return 0;
        }
        if (!started) {
            started = true;
            next = seq;
        }
        if (buffered > 0 && ts - pendingSince > HOLE_TIMEOUT) {
            // the hole stayed open too long: give it up, so what is held (and this segment) goes on
            holeTimeouts++;
            flushPending(c);
        }
        int rel = seq - next;
        if (rel == 0) {
            deliver(b, off, capLen, wireLen, ts, c);
            drain(c);
            return 0;
        }
        if (rel < 0) {
            int fresh = wireLen + rel;
            if (fresh <= 0) {
                return 1;
            }
            int skip = -rel;
            deliver(b, off + Math.min(skip, capLen), Math.max(0, capLen - skip), fresh, ts, c);
            drain(c);
            return 1;
        }
        // ahead of what we have: hold a copy until the hole fills
        boolean overBudget = false;
        if (buffered + capLen > MAX_BUFFERED || capLen < wireLen || (overBudget = !reassembly.reserve(this, capLen))) {
            if (overBudget) {
                budget.evicted();
            }
            flushPending(c);
            int hole = seq - next;
            if (hole > 0) {
                c.gap(hole);
                next = seq;
            }
            deliver(b, off, capLen, wireLen, ts, c);
            drain(c);
            return 2;
        }
        if (pending == null) {
            pending = new TreeMap<>((x, y) -> Integer.compare(x - next, y - next));
        }
        byte[] copy = new byte[capLen];
        b.get(off, copy);
        byte[] old = pending.put(seq, copy);
        if (old != null) {
            budget.release(old.length);
        }
        if (buffered == 0) {
            pendingSince = ts;
            reassembly.holding(this);
        }
        buffered += capLen - (old == null ? 0 : old.length);
        pendingTs = ts;
        return 2;
    }

    /** At close (or evicted for the budget): whatever is held is delivered after reporting the holes before it. */
    void finish(Consumer c) {
        flushPending(c);
    }

    /** Counts one more drop of what was held: the stream is no longer holding. */
    private void released() {
        if (buffered == 0) {
            reassembly.released(this);
        }
    }

    private void flushPending(Consumer c) {
        while (pending != null && !pending.isEmpty()) {
            var e = pending.pollFirstEntry();
            byte[] data = e.getValue();
            buffered -= data.length;
            budget.release(data.length);
            released();
            int rel = e.getKey() - next;
            if (rel > 0) {
                c.gap(rel);
                next = e.getKey();
                rel = 0;
            }
            int fresh = data.length + rel;
            if (fresh > 0) {
                c.data(ByteBuffer.wrap(data), -rel, fresh, pendingTs);
                next += fresh;
            }
        }
    }

    private void drain(Consumer c) {
        while (pending != null && !pending.isEmpty()) {
            var e = pending.firstEntry();
            int rel = e.getKey() - next;
            if (rel > 0) {
                return;
            }
            pending.pollFirstEntry();
            byte[] data = e.getValue();
            buffered -= data.length;
            budget.release(data.length);
            released();
            int fresh = data.length + rel;
            if (fresh > 0) {
                c.data(ByteBuffer.wrap(data), -rel, fresh, pendingTs);
                next += fresh;
            }
        }
    }

    private void deliver(ByteBuffer b, int off, int capLen, int wireLen, long ts, Consumer c) {
        if (capLen > 0) {
            c.data(b, off, capLen, ts);
        }
        if (wireLen > capLen) {
            c.gap(wireLen - capLen);
        }
        next += wireLen;
    }
}
