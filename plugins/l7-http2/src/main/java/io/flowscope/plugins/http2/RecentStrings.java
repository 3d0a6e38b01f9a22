package io.flowscope.plugins.http2;

import java.nio.charset.StandardCharsets;

/**
 * The last few distinct values of one kind of header field as Strings (ISO-8859-1, as HTTP/2 field values are
 * octets), so that a connection repeating a value — gRPC's handful of methods, one authority — makes its String once
 * rather than once per message. A value is compared with the held Strings byte for char; a miss makes a new String
 * and replaces the oldest. Nothing is allocated on a hit. A value that is a table entry's own array (never changed,
 * referred to again by the next message) is found by identity first, without comparing its bytes.
 */
final class RecentStrings {

    private final String[] held;
    /** The table array each String was last found for (whole), or null. */
    private final byte[][] sources;
    private int next;
    private long heldChars;

    RecentStrings(int size) {
        held = new String[size];
        sources = new byte[size][];
    }

    /** {@code v[off..off+len)} as a String, the same instance as the last time these bytes were seen (if recent). */
    String get(byte[] v, int off, int len) {
        return get(v, off, len, false);
    }

    /** {@code tableArray}: {@code v} is a table entry's value, never changed (so its identity names its bytes). */
    String get(byte[] v, int off, int len, boolean tableArray) {
        boolean whole = tableArray && off == 0 && len == v.length;
        if (whole) {
            for (int i = 0; i < sources.length; i++) {
                if (sources[i] == v) {
                    return held[i];
                }
            }
        }
        for (int i = 0; i < held.length; i++) {
            String s = held[i];
            if (s != null && same(s, v, off, len)) {
                sources[i] = whole ? v : sources[i];
                return s;
            }
        }
        sources[next] = whole ? v : null;
        String s = new String(v, off, len, StandardCharsets.ISO_8859_1);
        if (held[next] != null) {
            heldChars -= held[next].length();
        }
        heldChars += len;
        held[next] = s;
        next = (next + 1) % held.length;
        return s;
    }

    private static boolean same(String s, byte[] v, int off, int len) {
        if (s.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) != (v[off + i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    long retainedBytes() {
        return 16 + 48L * held.length + heldChars;
    }
}
