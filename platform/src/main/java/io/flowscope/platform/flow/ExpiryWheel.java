package io.flowscope.platform.flow;

/**
 * When flows expire, on a timing wheel: one slot per second of flow time, each a list threaded through the
 * flows themselves (no object per flow or per packet). A flow sits in the slot of the deadline it had when it was
 * scheduled; a packet that pushes its deadline later does not move it (that would cost every packet), so a flow
 * found in a slot whose time has come is either due or scheduled again for its real deadline. Expiry therefore
 * costs O(1) per flow per timeout, whatever the size of the table, instead of a sweep of the whole table each
 * second. A deadline that comes sooner than the flow's slot (its state changed to one with a shorter timeout)
 * must be scheduled anew by the caller.
 *
 * <p>Deadlines past the wheel's horizon wait in its last slot and are looked at again then. Single-threaded.
 */
final class ExpiryWheel {

    static final long SLOT_MICROS = 1_000_000L;
    private static final int SLOTS = 512; // horizon 512 s: longer than the longest default timeout (300 s)
    private static final int MASK = SLOTS - 1;

    /** Each slot's flows in the order they were scheduled: the oldest first, so eviction takes it first. */
    private final Flow[] heads = new Flow[SLOTS];
    private final Flow[] tails = new Flow[SLOTS];
    /** The slot (absolute: time / SLOT_MICROS) expired last; -1 before the clock started. */
    private long cursor = -1;
    private int size;

    /** Flows scheduled. */
    int size() {
        return size;
    }

    /** Puts {@code f} in the slot of {@code deadlineMicros} (moving it if it was scheduled). */
    void schedule(Flow f, long deadlineMicros) {
        if (f.wheelSlot >= 0) {
            remove(f);
        }
        long slot = deadlineMicros / SLOT_MICROS;
        if (cursor < 0) {
            cursor = slot - 1;
        }
        if (slot <= cursor) {
            slot = cursor + 1; // already due: the next advance takes it
        } else if (slot - cursor >= SLOTS) {
            slot = cursor + SLOTS - 1;
        }
        int i = (int) (slot & MASK);
        Flow tail = tails[i];
        f.wheelPrev = tail;
        f.wheelNext = null;
        if (tail != null) {
            tail.wheelNext = f;
        } else {
            heads[i] = f;
        }
        tails[i] = f;
        f.wheelSlot = slot;
        size++;
    }

    /** Takes {@code f} out of the wheel (it ended early); nothing when it is not in it. */
    void remove(Flow f) {
        if (f.wheelSlot < 0) {
            return;
        }
        int i = (int) (f.wheelSlot & MASK);
        if (f.wheelPrev != null) {
            f.wheelPrev.wheelNext = f.wheelNext;
        } else {
            heads[i] = f.wheelNext;
        }
        if (f.wheelNext != null) {
            f.wheelNext.wheelPrev = f.wheelPrev;
        } else {
            tails[i] = f.wheelPrev;
        }
        f.wheelNext = null;
        f.wheelPrev = null;
        f.wheelSlot = -1;
        size--;
    }

    /** What the generator does with a flow whose slot came: expire it, or schedule it again. */
    interface Due {
        void due(Flow f);
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

    /** The first flow of the earliest non-empty slot (left in the wheel), or null when the wheel is empty. */
    Flow earliest() {
        if (size == 0) {
            return null;
        }
        for (int k = 1; k <= SLOTS; k++) {
            Flow f = heads[(int) ((cursor + k) & MASK)];
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    private void takeSlot(int i, Due due) {
        Flow f = heads[i];
        heads[i] = null;
        tails[i] = null;
        while (f != null) {
            Flow next = f.wheelNext;
            f.wheelNext = null;
            f.wheelPrev = null;
            f.wheelSlot = -1;
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
