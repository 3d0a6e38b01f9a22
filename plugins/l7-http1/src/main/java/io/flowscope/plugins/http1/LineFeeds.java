package io.flowscope.plugins.http1;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Finds line feeds in the host's buffers eight bytes at a time. The host's buffers are read-only (heap or
 * direct), so there is no array to scan: each word is one {@link ByteBuffer#getLong(int)}, one bounds check
 * for eight bytes where {@code get(int)} would make eight.
 */
final class LineFeeds {

    private static final long LFS = 0x0A0A0A0A0A0A0A0AL;
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;

    private LineFeeds() {
    }

    /** The index of the first {@code '\n'} in {@code d[from..to)}, or -1. */
    static int indexOf(ByteBuffer d, int from, int to) {
        int i = from;
        if (to - i >= Long.BYTES) {
            boolean bigEndian = d.order() == ByteOrder.BIG_ENDIAN;
            for (; i <= to - Long.BYTES; i += Long.BYTES) {
                long x = d.getLong(i) ^ LFS; // a zero byte where the byte was LF
                // the high bit of each zero byte, exactly (no false positives next to a true one)
                long zeros = ~(((x & LOW7) + LOW7) | x | LOW7);
                if (zeros != 0) {
                    int bit = bigEndian ? Long.numberOfLeadingZeros(zeros) : Long.numberOfTrailingZeros(zeros);
                    return i + (bit >>> 3);
                }
            }
        }
        for (; i < to; i++) {
            if (d.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }
}
