package io.flowscope.plugins.http2;

/**
 * The last few header blocks of one direction that were indexed fields only, with what they did to their stream's
 * half. Such a block changes nothing in the table, so the same bytes against the same table (its version) give the
 * same fields: a repeated block — gRPC sends the same request headers for every call of a method, the same response
 * headers and trailers for every OK — is not decoded again, its recorded effect is applied. HPACK stays exact: any
 * literal, size update or change of the table makes a block decoded as ever.
 */
final class BlockMemo {

    private static final int ENTRIES = 4;
    /** Longer blocks are rare among indexed-only ones and cost more to compare than to decode. */
    static final int MAX_BLOCK = 64;

    // made at the first block remembered
    private byte[][] keys;
    private int[] keyLengths;
    private long[] versions;
    private byte[][] kinds;
    private Object[][] values;
    private int[][] numbers;
    private int[] counts;
    private int[] unknown;
    private int used;
    private int next;

    /** Applies a remembered block's effect when {@code b[from..to)} is one against table {@code version}. */
    boolean replay(byte[] b, int from, int to, long version, Fields fields) {
        int len = to - from;
        for (int e = 0; e < used; e++) {
            if (keyLengths[e] == len && versions[e] == version && same(keys[e], b, from, len)) {
                byte[] k = kinds[e];
                Object[] v = values[e];
                int[] n = numbers[e];
                for (int i = 0; i < counts[e]; i++) {
                    fields.replay(k[i], v[i], n[i]);
                }
                if (unknown[e] > 0) {
                    fields.replayUnknown(unknown[e]);
                }
                return true;
            }
        }
        return false;
    }

    /** A plain loop: the keys are a few bytes, shorter than a vectorised comparison pays for. */
    private static boolean same(byte[] key, byte[] b, int from, int len) {
        for (int i = 0; i < len; i++) {
            if (key[i] != b[from + i]) {
                return false;
            }
        }
        return true;
    }

    /** Remembers a block just decoded, indexed fields only, with what {@code fields} recorded of it. */
    void remember(byte[] b, int from, int to, long version, Fields fields) {
        int len = to - from;
        if (len > MAX_BLOCK || !fields.replayable) {
            return;
        }
        if (keys == null) {
            keys = new byte[ENTRIES][];
            keyLengths = new int[ENTRIES];
            versions = new long[ENTRIES];
            kinds = new byte[ENTRIES][];
            values = new Object[ENTRIES][];
            numbers = new int[ENTRIES][];
            counts = new int[ENTRIES];
            unknown = new int[ENTRIES];
        }
        int e = next;
        next = (next + 1) % ENTRIES;
        used = Math.max(used, e + 1);
        // arrays of the exact sizes: made only when a block is remembered (a miss), never on a replay
        keys[e] = java.util.Arrays.copyOfRange(b, from, to);
        keyLengths[e] = len;
        versions[e] = version;
        int n = fields.recorded;
        counts[e] = n;
        unknown[e] = fields.recordedUnknown;
        kinds[e] = java.util.Arrays.copyOf(fields.recordedKinds, n);
        values[e] = java.util.Arrays.copyOf(fields.recordedValues, n);
        numbers[e] = java.util.Arrays.copyOf(fields.recordedNumbers, n);
    }

    long retainedBytes() {
        return used * (MAX_BLOCK + 3L * Fields.MAX_RECORDED * 8 + 96) + 160;
    }
}
