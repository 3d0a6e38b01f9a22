package io.flowscope.platform.flow;

/**
 * Flows ordered by a time, on a timing wheel: one slot per second of flow time, each a list of the flows' own
 * {@link Node}s (made with the flow, none per packet). The generator keeps two: one by deadline, for expiry, and
 * one by last activity, to find the longest idle flow when the table is full.
 *
 * <p>By deadline: A flow sits in the slot of the deadline it had when it was
 * scheduled; a packet that pushes its deadline later does not move it (that would cost every packet), so a flow
 * found in a slot whose time has come is either due or scheduled again for its real deadline. Expiry therefore
 * costs O(1) per flow per timeout, whatever the size of the table, instead of a sweep of the whole table each
 * second. A deadline that comes sooner than the flow's slot (its state changed to one with a shorter timeout)
 * must be scheduled anew by the caller.
 *
 * <p>Deadlines past the wheel's horizon wait in its last slot and are looked at again then. Single-threaded.
 */
final class ExpiryWheel {

    /** A flow's place in one wheel: its slot (-1 when not in it) and its neighbours there. */
    static final class Node {
        final Flow flow;
        long slot = -1;
        Node next;
        Node prev;

        Node(Flow flow) {
            this.flow = flow;
        }
    }

    static final long SLOT_MICROS = 1_000_000L;
    private static final int SLOTS = 512; // horizon 512 s: longer than the longest default timeout (300 s)
    private static final int MASK = SLOTS - 1;

    /** Each slot's flows in the order they were scheduled: the oldest first, so eviction takes it first. */
    private final Node[] heads = new Node[SLOTS];
    private final Node[] tails = new Node[SLOTS];
    /** The slot (absolute: time / SLOT_MICROS) expired last; -1 before the clock started. */
    private long cursor = -1;
    private int size;

    /** Flows scheduled. */
    int size() {
        return size;
    }

    /** Puts {@code f} in the slot of {@code timeMicros} (moving it if it was in one). */
    void schedule(Node f, long timeMicros) {
        if (f.slot >= 0) {
            remove(f);
        }
        long slot = timeMicros / SLOT_MICROS;
        if (cursor < 0) {
            cursor = slot - 1;
        }
        if (slot <= cursor) {
            slot = cursor + 1; // already due: the next advance takes it
        } else if (slot - cursor >= SLOTS) {
            slot = cursor + SLOTS - 1;
        }
        int i = (int) (slot & MASK);
        Node tail = tails[i];
        f.prev = tail;
        f.next = null;
        if (tail != null) {
            tail.next = f;
        } else {
            heads[i] = f;
        }
        tails[i] = f;
        f.slot = slot;
        size++;
    }

    /** Takes {@code f} out of the wheel (it ended early); nothing when it is not in it. */
    void remove(Node f) {
        if (f.slot < 0) {
            return;
        }
        int i = (int) (f.slot & MASK);
        if (f.prev != null) {
            f.prev.next = f.next;
        } else {
            heads[i] = f.next;
        }
        if (f.next != null) {
            f.next.prev = f.prev;
        } else {
            tails[i] = f.prev;
        }
        f.next = null;
        f.prev = null;
        f.slot = -1;
        size--;
    }

    /** What the generator does with a flow whose slot came: expire it, or schedule it again. */
    interface Due {
        void due(Node f);
    }

    /** Hands every flow of the slots up to {@code nowMicros} to {@code due}, out of the wheel. */
    void advance(long nowMicros, Due due) {
        long until = nowMicros / SLOT_MICROS;
        if (cursor < 0) {
            cursor = until;
            return;
        }
        // a clock that jumped far (a capture with a long silence) walks each slot once, not each second
        long last = Math.min(until, cursor + SLOTS);
        while (cursor < last) {
            cursor++;
            takeSlot((int) (cursor & MASK), due);
        }
        cursor = Math.max(cursor, until);
    }

    /**
     * For a wheel of past times (last activity): its window ends at {@code nowMicros}, so that the earliest slot is
     * the oldest second still in it (older times alias, and are found too early or too late: the caller checks).
     */
    void windowEndsAt(long nowMicros) {
        cursor = nowMicros / SLOT_MICROS - SLOTS + 1;
    }

    /** The first node of the earliest non-empty slot (left in the wheel), or null when the wheel is empty. */
    Node earliest() {
        if (size == 0) {
            return null;
        }
        for (int k = 1; k <= SLOTS; k++) {
            Node f = heads[(int) ((cursor + k) & MASK)];
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    private void takeSlot(int i, Due due) {
        Node f = heads[i];
        heads[i] = null;
        tails[i] = null;
        while (f != null) {
            Node next = f.next;
            f.next = null;
            f.prev = null;
            f.slot = -1;
            size--;
            due.due(f);
            f = next;
        }
    }

    /** Empties the wheel (end of input). */
    void clear() {
        java.util.Arrays.fill(heads, null);
        java.util.Arrays.fill(tails, null);
        size = 0;
    }
}
