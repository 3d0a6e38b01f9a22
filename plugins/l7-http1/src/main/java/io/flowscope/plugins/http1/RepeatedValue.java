package io.flowscope.plugins.http1;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The last value of one header on a connection, kept as bytes and as its String, so that a value repeated by
 * every request (the Host, the User-Agent of a keep-alive client) is compared, not decoded into a new String.
 */
final class RepeatedValue {

    /** Longer values are not kept (each is decoded as it comes). */
    static final int MAX = 256;

    private byte[] bytes;
    private int length = -1;
    private String value;

    /** Bytes held: at most {@link #MAX}, and the String of as many. */
    long retainedBytes() {
        return bytes == null ? 0 : 2L * MAX + 64;
    }

    /** {@code a[from..to)} as a String: the one of the last time when the bytes are the same. */
    String of(byte[] a, int from, int to) {
        int n = Math.max(0, to - from);
        if (n == length && Arrays.equals(a, from, from + n, bytes, 0, n)) {
            return value;
        }
        String s = new String(a, from, n, StandardCharsets.ISO_8859_1);
        if (n <= MAX) {
            if (bytes == null) {
                bytes = new byte[MAX];
            }
            System.arraycopy(a, from, bytes, 0, n);
            length = n;
            value = s;
        }
        return s;
    }
}
