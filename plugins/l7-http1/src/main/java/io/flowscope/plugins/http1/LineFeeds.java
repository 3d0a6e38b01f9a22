package io.flowscope.plugins.http1;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Finds line feeds eight bytes at a time (SWAR: one long holds eight bytes, and a few arithmetic steps mark
 * those equal to {@code '\n'}). In the host's buffers, which are read-only (heap or direct) and so have no array
 * to scan, each word is one {@link ByteBuffer#getLong(int)}: one bounds check for eight bytes where
 * {@code get(int)} makes eight. In a heap array, words are read through a {@link VarHandle} view.
 */
final class LineFeeds {

    private static final long LFS = 0x0A0A0A0A0A0A0A0AL;
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private LineFeeds() {
    }

    /** The index of the first {@code '\n'} in {@code d[from..to)}, or -1. */
    static int indexOf(ByteBuffer d, int from, int to) {
        int i = from;
        if (to - i >= Long.BYTES) {
            boolean bigEndian = d.order() == ByteOrder.BIG_ENDIAN;
            for (; i <= to - Long.BYTES; i += Long.BYTES) {
                long zeros = in(d.getLong(i));
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

    /**
     * The line feeds in {@code a[i..i+8)}, as the high bit of each of their bytes, byte {@code k} of the array
     * being byte {@code k} of the long (bits {@code 8k..8k+7}); only bytes before {@code to} count.
     * {@code a[i..i+8)} must be inside the array.
     */
    static long inWord(byte[] a, int i, int to) {
        long zeros = in((long) LONGS.get(a, i));
        int valid = to - i;
        return valid >= Long.BYTES ? zeros : zeros & ((1L << (valid << 3)) - 1);
    }

    /** The index in the array of the lowest line feed of a mask from {@link #inWord}. */
    static int lowest(long mask, int i) {
        return i + (Long.numberOfTrailingZeros(mask) >>> 3);
    }

    /** The high bit of each byte of {@code word} that is {@code '\n'}, exactly (no false positives next to a true one). */
    private static long in(long word) {
        long x = word ^ LFS; // a zero byte where the byte was LF
        return ~(((x & LOW7) + LOW7) | x | LOW7);
    }
}
