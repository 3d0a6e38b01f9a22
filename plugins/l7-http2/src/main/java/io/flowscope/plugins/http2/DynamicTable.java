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

    // 16 entries before the first growth: what a gRPC client's or server's fields take (gRPC-java indexes them all)
    private byte[][] names = new byte[16][];
    private byte[][] values = new byte[16][];
    /** The {@link FieldNames} kind of each entry's name, found when it was added. */
    private byte[] kinds = new byte[16];
    private int head; // index of the newest entry
    private int count;
    private int size;
    private int maxSize = 4096;
    /** Changes whenever the entries do (an entry added or evicted): equal versions, equal contents. */
    private long version;
    /** Entries were lost (a hole, a block that could not be decoded, a capture joined mid-connection). */
    private boolean incomplete;

    int count() {
        return count;
    }

    long version() {
        return version;
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

    /** Entry {@code i}'s name kind (i below count). */
    byte kind(int i) {
        return kinds[slot(i)];
    }

    /** Where entry {@code i} (below count) is held, for {@link #nameAt} and the others: one computation for all three. */
    int slot(int i) {
        return (head + i) & (names.length - 1);
    }

    byte[] nameAt(int slot) {
        return names[slot];
    }

    byte[] valueAt(int slot) {
        return values[slot];
    }

    byte kindAt(int slot) {
        return kinds[slot];
    }

    void setMaxSize(int max) {
        maxSize = Math.min(max, CAP);
        evictTo(maxSize);
    }

    /** Adds an entry (copies of the given bytes). An entry larger than the maximum empties the table (§4.4). */
    void add(byte[] n, int nOff, int nLen, byte kind, byte[] v, int vOff, int vLen) {
        if (room(nLen + vLen + 32)) {
            put(n == HpackDecoder.UNKNOWN ? n : java.util.Arrays.copyOfRange(n, nOff, nOff + nLen), kind, v, vOff, vLen);
        }
    }

    /** Adds an entry whose name is {@code name} itself, an array never changed (the static table's, a held entry's). */
    void addSharingName(byte[] name, byte kind, byte[] v, int vOff, int vLen) {
        if (room(name.length + vLen + 32)) {
            put(name, kind, v, vOff, vLen);
        }
    }

    /** Evicts for an entry of {@code entrySize}; false when it is larger than the table (which it then empties). */
    private boolean room(int entrySize) {
        if (entrySize > maxSize) {
            evictTo(0);
            return false;
        }
        evictTo(maxSize - entrySize);
        if (count == names.length) {
            grow();
        }
        return true;
    }

    private void put(byte[] name, byte kind, byte[] v, int vOff, int vLen) {
        head = (head - 1) & (names.length - 1);
        names[head] = name;
        kinds[head] = kind;
        version++;
        values[head] = java.util.Arrays.copyOfRange(v, vOff, vOff + vLen);
        count++;
        size += name.length + vLen + 32;
    }

    /** Everything held is dropped and references past it are unknown from now on. */
    void lose() {
        evictTo(0);
        incomplete = true;
        version++;
    }

    /** A new connection context (a client preface): the encoder starts empty. */
    void reset() {
        evictTo(0);
        incomplete = false;
        version++;
        maxSize = 4096;
    }

    void markIncomplete() {
        incomplete = true;
        version++;
    }

    private void evictTo(int target) {
        while (size > target && count > 0) {
            int oldest = slot(count - 1);
            size -= names[oldest].length + values[oldest].length + 32;
            names[oldest] = null;
            values[oldest] = null;
            count--;
            version++;
        }
        if (count == 0) {
            size = 0;
        }
    }

    private void grow() {
        int n = Math.min(names.length * 2, Integer.highestOneBit(MAX_ENTRIES) * 2);
        byte[][] nn = new byte[n][];
        byte[][] nv = new byte[n][];
        byte[] nk = new byte[n];
        for (int i = 0; i < count; i++) {
            nn[i] = names[slot(i)];
            nv[i] = values[slot(i)];
            nk[i] = kinds[slot(i)];
        }
        names = nn;
        values = nv;
        kinds = nk;
        head = 0;
    }

    /** Bytes held, roughly as the heap holds them. */
    long retainedBytes() {
        return size + 16L * count + 8L * names.length * 2;
    }
}
