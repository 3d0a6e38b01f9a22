package io.flowscope.plugins.dns;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Strings made from bytes, kept by their bytes in a small direct-mapped table: DNS traffic asks the same few names
 * (and gets the same few answers) over and over, so most names cost a comparison instead of an allocation. The
 * bytes are ASCII (names are in presentation form, escapes included), so Latin-1 decoding is a copy.
 */
final class StringCache {

    private final byte[][] keys;
    private final String[] values;
    private final int mask;

    /** @param size entries, a power of two */
    StringCache(int size) {
        keys = new byte[size][];
        values = new String[size];
        mask = size - 1;
    }

    /**
     * The string of {@code bytes[0..len)}. The slot comes from the length and four bytes spread over the text (names
     * and addresses that differ do so at their start or end), not from every byte: a collision costs one string.
     */
    String get(byte[] bytes, int len) {
        int hash = len;
        if (len > 0) {
            hash = ((hash * 31 + bytes[0]) * 31 + bytes[len - 1]) * 31 + bytes[len >>> 1];
            hash = hash * 31 + bytes[len >>> 2];
        }
        int i = (hash ^ (hash >>> 15)) & mask;
        byte[] k = keys[i];
        if (k != null && k.length == len && same(k, bytes, len)) {
            return values[i];
        }
        String s = new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
        keys[i] = Arrays.copyOf(bytes, len);
        values[i] = s;
        return s;
    }

    /** A plain loop: names are short, and Arrays.equals' range checks and vector set-up cost more than they save here. */
    private static boolean same(byte[] a, byte[] b, int len) {
        for (int i = 0; i < len; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }
}
