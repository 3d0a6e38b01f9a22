package io.flowscope.plugins.http1.bytewise;

import io.flowscope.api.Detection;
import java.nio.charset.StandardCharsets;

/** Recognises the start of an HTTP/1 message from its first bytes: a request method or {@code HTTP/1.}. */
final class StartLine {

    static final String[] METHODS = {
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
        "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "REPORT", "SEARCH", "MKCALENDAR", "PURGE"
    };
    private static final byte[][] METHOD_BYTES = new byte[METHODS.length][];
    private static final byte[] RESPONSE = "HTTP/1.".getBytes(StandardCharsets.US_ASCII);

    static {
        for (int i = 0; i < METHODS.length; i++) {
            METHOD_BYTES[i] = (METHODS[i] + " ").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private StartLine() {
    }

    /** Whether {@code a[0..len)} starts a request. */
    static Detection request(byte[] a, int len) {
        boolean maybe = false;
        for (byte[] m : METHOD_BYTES) {
            Detection d = prefix(a, len, m);
            if (d == Detection.MATCH) {
                return d;
            }
            maybe |= d == Detection.NEED_MORE_DATA;
        }
        return maybe ? Detection.NEED_MORE_DATA : Detection.NO_MATCH;
    }

    /** Whether {@code a[0..len)} starts a response. */
    static Detection response(byte[] a, int len) {
        return prefix(a, len, RESPONSE);
    }

    /** The method constant equal to {@code a[from..to)}, so known methods share one String; else a new String. */
    static String method(byte[] a, int from, int to) {
        outer:
        for (String m : METHODS) {
            if (m.length() != to - from) {
                continue;
            }
            for (int i = 0; i < m.length(); i++) {
                if (a[from + i] != m.charAt(i)) {
                    continue outer;
                }
            }
            return m;
        }
        return new String(a, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static Detection prefix(byte[] a, int len, byte[] p) {
        int n = Math.min(len, p.length);
        for (int i = 0; i < n; i++) {
            if (a[i] != p[i]) {
                return Detection.NO_MATCH;
            }
        }
        return len >= p.length ? Detection.MATCH : Detection.NEED_MORE_DATA;
    }
}
