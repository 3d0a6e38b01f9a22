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

    private final byte[][] keys = new byte[ENTRIES][];
    private final int[] keyLengths = new int[ENTRIES];
    private final long[] versions = new long[ENTRIES];
    private final byte[][] kinds = new byte[ENTRIES][];
    private final Object[][] values = new Object[ENTRIES][];
    private final int[][] numbers = new int[ENTRIES][];
    private final int[] counts = new int[ENTRIES];
    private final int[] unknown = new int[ENTRIES];
    private int used;
    private int next;

    /** Applies a remembered block's effect when {@code b[from..to)} is one against table {@code version}. */
    boolean replay(byte[] b, int from, int to, long version, Fields fields) {
        int len = to - from;
        for (int e = 0; e < used; e++) {
            if (keyLengths[e] == len && versions[e] == version
                    && java.util.Arrays.equals(keys[e], 0, len, b, from, to)) {
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

    /** Remembers a block just decoded, indexed fields only, with what {@code fields} recorded of it. */
    void remember(byte[] b, int from, int to, long version, Fields fields) {
        int len = to - from;
        if (len > MAX_BLOCK || !fields.replayable) {
            return;
        }
        int e = next;
        next = (next + 1) % ENTRIES;
        if (e == used) {
            keys[e] = new byte[MAX_BLOCK];
            kinds[e] = new byte[Fields.MAX_RECORDED];
            values[e] = new Object[Fields.MAX_RECORDED];
            numbers[e] = new int[Fields.MAX_RECORDED];
            used++;
        }
        System.arraycopy(b, from, keys[e], 0, len);
        keyLengths[e] = len;
        versions[e] = version;
        counts[e] = fields.recorded;
        unknown[e] = fields.recordedUnknown;
        System.arraycopy(fields.recordedKinds, 0, kinds[e], 0, fields.recorded);
        System.arraycopy(fields.recordedValues, 0, values[e], 0, fields.recorded);
        System.arraycopy(fields.recordedNumbers, 0, numbers[e], 0, fields.recorded);
    }

    long retainedBytes() {
        return used * (MAX_BLOCK + 3L * Fields.MAX_RECORDED * 8 + 64) + 128;
    }
}
