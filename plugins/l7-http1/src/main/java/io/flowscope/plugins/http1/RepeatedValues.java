package io.flowscope.plugins.http1;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The last value of a few request headers on a connection, kept as bytes and as the String made of them, so
 * that a value every request repeats (the Host, the User-Agent of a keep-alive client, the endpoint of a polled
 * resource) is compared, not decoded into a new String each time. One object with arrays, not one per value:
 * the conformance kit walks the parser's objects after every call.
 */
final class RepeatedValues {

    static final int HOST = 0;
    static final int USER_AGENT = 1;
    static final int ENDPOINT = 2;
    /** Longer values are not kept (each is decoded as it comes). */
    static final int MAX = 256;

    // no null elements: the conformance kit's walk of the parser's objects cannot take them
    private final byte[][] bytes = new byte[3][MAX];
    private final int[] lengths = {-1, -1, -1};
    private final String[] values = {"", "", ""};
    /** The attributes of a request with the kept user agent. */
    private Map<String, String> userAgentAttributes;

    /** {@code a[from..to)} as a String: the one of the last time in this slot when the bytes are the same. */
    String of(int slot, byte[] a, int from, int to) {
        int n = Math.max(0, to - from);
        if (n == lengths[slot] && Arrays.equals(a, from, from + n, bytes[slot], 0, n)) {
            return values[slot];
        }
        String s = new String(a, from, n, StandardCharsets.ISO_8859_1);
        if (n <= MAX) {
            System.arraycopy(a, from, bytes[slot], 0, n);
            lengths[slot] = n;
            values[slot] = s;
            if (slot == USER_AGENT) {
                userAgentAttributes = null;
            }
        }
        return s;
    }

    /** {@code user_agent=userAgent}, one map while the user agent repeats. */
    Map<String, String> userAgentAttributes(String userAgent) {
        if (userAgent != values[USER_AGENT]) { // not the kept String: not kept
            return Map.of("user_agent", userAgent);
        }
        if (userAgentAttributes == null) {
            userAgentAttributes = Map.of("user_agent", userAgent);
        }
        return userAgentAttributes;
    }

    /** Bytes held, at most: the values' bytes and their Strings. */
    static long maxRetainedBytes() {
        return 3L * (2 * MAX + 64) + 128;
    }
}
