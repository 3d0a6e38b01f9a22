package io.flowscope.plugins.http2;

/**
 * HPACK's dynamic table of one direction (RFC 7541 §2.3.2, §4): a ring of entries, newest first, evicted oldest first
 * when the size (name + value + 32 per entry) passes the maximum. The maximum is capped by {@link #CAP}, whatever
 * the peers announce: an entry the encoder still has but this table dropped is then simply not known, never guessed.
 */
final class DynamicTable {

    /** The most HPACK size (RFC 7541 §4.1) one direction's table keeps, whatever the peer allows. */
    static final int CAP = 16 * 1024;
    private static final int MAX_ENTRIES = CAP / 32;

    private byte[][] names = new byte[8][];
    private byte[][] values = new byte[8][];
    private int head; // index of the newest entry
    private int count;
    private int size;
    private int maxSize = 4096;
    /** Entries were lost (a hole, a block that could not be decoded, a capture joined mid-connection). */
    private boolean incomplete;

    int count() {
        return count;
    }

    int size() {
        return size;
    }

    int maxSize() {
        return maxSize;
    }

    boolean incomplete() {
        return incomplete;
    }

    /** Entry {@code i} (0 = newest) name and value, or null beyond what is held. */
    byte[] name(int i) {
        return i < count ? names[slot(i)] : null;
    }

    byte[] value(int i) {
        return i < count ? values[slot(i)] : null;
    }

    private int slot(int i) {
        return (head + i) & (names.length - 1);
    }

    void setMaxSize(int max) {
        maxSize = Math.min(max, CAP);
        evictTo(maxSize);
    }

    /** Adds an entry (copies of the given bytes). An entry larger than the maximum empties the table (§4.4). */
    void add(byte[] n, int nOff, int nLen, byte[] v, int vOff, int vLen) {
        int entrySize = nLen + vLen + 32;
        if (entrySize > maxSize) {
            evictTo(0);
            return;
        }
        evictTo(maxSize - entrySize);
        if (count == names.length) {
            grow();
        }
        head = (head - 1) & (names.length - 1);
        names[head] = n == HpackDecoder.UNKNOWN ? n : java.util.Arrays.copyOfRange(n, nOff, nOff + nLen);
        values[head] = java.util.Arrays.copyOfRange(v, vOff, vOff + vLen);
        count++;
        size += entrySize;
    }

    /** Everything held is dropped and references past it are unknown from now on. */
    void lose() {
        evictTo(0);
        incomplete = true;
    }

    /** A new connection context (a client preface): the encoder starts empty. */
    void reset() {
        evictTo(0);
        incomplete = false;
        maxSize = 4096;
    }

    void markIncomplete() {
        incomplete = true;
    }

    private void evictTo(int target) {
        while (size > target && count > 0) {
            int oldest = slot(count - 1);
            size -= names[oldest].length + values[oldest].length + 32;
            names[oldest] = null;
            values[oldest] = null;
            count--;
        }
        if (count == 0) {
            size = 0;
        }
    }

    private void grow() {
        int n = Math.min(names.length * 2, Integer.highestOneBit(MAX_ENTRIES) * 2);
        byte[][] nn = new byte[n][];
        byte[][] nv = new byte[n][];
        for (int i = 0; i < count; i++) {
            nn[i] = names[slot(i)];
            nv[i] = values[slot(i)];
        }
        names = nn;
        values = nv;
        head = 0;
    }

    /** Bytes held, roughly as the heap holds them. */
    long retainedBytes() {
        return size + 16L * count + 8L * names.length * 2;
    }
}
