package io.flowscope.plugins.http1;

import io.flowscope.api.L7Message;
import io.flowscope.api.ResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A parsed request or status line with the few headers Flowscope uses. */
final class Head {

    static final long NO_LENGTH = -1;
    static final long BAD_LENGTH = -2;

    // request line
    String method;
    String target;
    /** The target's path, without query or fragment (DeepFlow's endpoint). */
    String endpoint;
    // status line
    int statusCode;
    String reason;
    /** Method of the request this response answers (set by the response half). */
    String requestMethod;
    /** Whether this response answers a request that offered an upgrade (set by the response half). */
    boolean answersUpgrade;

    String version;
    String host;
    long contentLength = NO_LENGTH;
    boolean chunked;
    String traceId;
    String spanId;
    String userAgent;
    /** The Upgrade header: the protocols a request offers, the one a 101 switches to; null without one. */
    String upgrade;
    /** HTTP2-Settings of a request that offers h2c (RFC 7540 §3.2.1): the client's SETTINGS, base64url. */
    String http2Settings;

    /** Header values kept for a protocol switch are cut to this: they are tokens and a few settings. */
    static final int MAX_SWITCH_VALUE = 256;

    /** Values that repeat from one request of the connection to the next, decoded once; null for responses. */
    private RepeatedValues recent;

    /**
     * Parses {@code a[0..len)}, which ends with an empty line; null when the start line is malformed.
     * {@code lineEnds} holds the index of each of the head's {@code lineCount} line feeds, found when its end was
     * looked for; null when there were too many to note, and the lines are found here. Values that repeat are
     * taken from {@code recent} (null: all decoded).
     */
    static Head parse(byte[] a, int len, boolean request, int[] lineEnds, int lineCount, RepeatedValues recent) {
        Head h = new Head();
        h.recent = recent;
        return h.parse(a, len, request, lineEnds, lineCount) ? h : null;
    }

    private boolean parse(byte[] a, int len, boolean request, int[] lineEnds, int lineCount) {
        int eol = lineEnds != null ? lineEnds[0] : lineEnd(a, 0, len);
        if (!(request ? requestLine(a, 0, trimCr(a, 0, eol)) : statusLine(a, 0, trimCr(a, 0, eol)))) {
            return false;
        }
        int p = eol + 1;
        for (int line = 1; p < len; line++) {
            int end = lineEnds != null ? (line < lineCount ? lineEnds[line] : len) : lineEnd(a, p, len);
            int to = trimCr(a, p, end);
            if (to == p) {
                break;
            }
            if (!header(a, p, to)) {
                return false;
            }
            p = end + 1;
        }
        return true;
    }

    L7Message.Builder toRequest() {
        return L7Message.request(Http1ParserFactory.PROTOCOL)
                .version(version).operation(method).resource(target).endpoint(endpoint).domain(host)
                .trace(traceId, spanId).attributes(attributes());
    }

    /** The few extras a message carries as attributes (the user agent of a request). */
    Map<String, String> attributes() {
        if (userAgent == null) {
            return Map.of();
        }
        return recent != null ? recent.userAgentAttributes(userAgent) : Map.of("user_agent", userAgent);
    }

    /**
     * The first protocol of the Upgrade header ({@code h2c} of {@code h2c, websocket}), or null without one. A 101
     * names one, the one it switches to; a request may offer several, in order of preference.
     */
    String upgradeToken() {
        if (upgrade == null) {
            return null;
        }
        int comma = upgrade.indexOf(',');
        String t = (comma < 0 ? upgrade : upgrade.substring(0, comma)).trim();
        return t.isEmpty() ? null : t;
    }

    L7Message.Builder toResponse() {
        ResponseStatus status = statusCode >= 500 ? ResponseStatus.SERVER_ERROR
                : statusCode >= 400 ? ResponseStatus.CLIENT_ERROR : ResponseStatus.OK;
        L7Message.Builder b = L7Message.response(Http1ParserFactory.PROTOCOL)
                .version(version).statusCode(statusCode).status(status).trace(traceId, spanId);
        if (statusCode >= 400 && reason != null && !reason.isEmpty()) {
            b.exception(reason);
        }
        return b;
    }

    /**
     * The path of the target {@code a[from..to)}, without query or fragment; absolute-form targets lose scheme and
     * host. Found in the bytes: the target itself when it is all path, else the path, decoded once while it
     * repeats (an endpoint is what requests are grouped by).
     */
    private String endpoint(byte[] a, int from, int to) {
        int start = from;
        // an absolute-form target: the first "://" within its first 8 bytes, not at its start
        for (int i = from; i < Math.min(from + 8, to - 2); i++) {
            if (a[i] == ':' && a[i + 1] == '/' && a[i + 2] == '/') {
                if (i == from) {
                    break;
                }
                int slash = indexOf(a, i + 3, to, (byte) '/');
                if (slash < 0) {
                    return "/";
                }
                start = slash;
                break;
            }
        }
        int cut = start;
        while (cut < to && a[cut] != '?' && a[cut] != '#') {
            cut++;
        }
        return start == from && cut == to ? target : decode(RepeatedValues.ENDPOINT, a, start, cut);
    }

    private boolean requestLine(byte[] a, int from, int to) {
        int sp1 = indexOf(a, from, to, (byte) ' ');
        if (sp1 <= from) {
            return false;
        }
        int sp2 = lastIndexOf(a, sp1 + 1, to, (byte) ' ');
        if (sp2 <= sp1 + 1 || !startsWith(a, sp2 + 1, to, "HTTP/1.")) {
            return false;
        }
        method = StartLine.method(a, from, sp1);
        target = ascii(a, sp1 + 1, sp2);
        endpoint = endpoint(a, sp1 + 1, sp2);
        version = version(a, sp2 + 6, to);
        return true;
    }

    private boolean statusLine(byte[] a, int from, int to) {
        if (!startsWith(a, from, to, "HTTP/1.") || to - from < 12 || a[from + 8] != ' ') {
            return false;
        }
        version = version(a, from + 5, from + 8);
        int code = 0;
        for (int i = from + 9; i < from + 12; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            code = code * 10 + d;
        }
        if (code < 100) {
            return false;
        }
        statusCode = code;
        // the reason phrase is only shown for errors (as the exception): no String for the others
        reason = code < 400 ? null : to > from + 13 ? ascii(a, from + 13, to) : "";
        return true;
    }

    /** One header line {@code a[from..to)}: only the few kept are looked at past their value's first byte. */
    private boolean header(byte[] a, int from, int to) {
        int colon = indexOf(a, from, to, (byte) ':');
        if (colon <= from) {
            // obsolete line folding (a line starting with whitespace) continues the previous header
            return a[from] == ' ' || a[from] == '\t';
        }
        int vs = valueStart(a, colon, to);
        switch (colon - from) {
            case 4 -> {
                if (nameIs(a, from, "host")) {
                    host = decode(RepeatedValues.HOST, a, vs, valueEnd(a, vs, to));
                }
            }
            case 14 -> {
                if (nameIs(a, from, "content-length")) {
                    long v = parseLength(a, vs, valueEnd(a, vs, to));
                    contentLength = (contentLength >= 0 && v != contentLength) ? BAD_LENGTH : v;
                } else if (nameIs(a, from, "http2-settings")) {
                    http2Settings = ascii(a, vs, Math.min(valueEnd(a, vs, to), vs + MAX_SWITCH_VALUE));
                }
            }
            case 7 -> {
                if (nameIs(a, from, "upgrade")) {
                    upgrade = ascii(a, vs, Math.min(valueEnd(a, vs, to), vs + MAX_SWITCH_VALUE));
                }
            }
            case 17 -> {
                if (nameIs(a, from, "transfer-encoding")) {
                    chunked = endsWithIgnoreCase(a, vs, valueEnd(a, vs, to), "chunked");
                }
            }
            case 11 -> {
                if (nameIs(a, from, "traceparent")) {
                    traceparent(a, vs, valueEnd(a, vs, to));
                } else if (nameIs(a, from, "x-b3-spanid") && spanId == null) {
                    spanId = ascii(a, vs, valueEnd(a, vs, to));
                }
            }
            case 12 -> {
                if (nameIs(a, from, "x-b3-traceid") && traceId == null) {
                    traceId = ascii(a, vs, valueEnd(a, vs, to));
                }
            }
            case 13 -> {
                if (nameIs(a, from, "uber-trace-id") && traceId == null) {
                    String v = ascii(a, vs, valueEnd(a, vs, to));
                    String[] parts = v.split(":");
                    if (parts.length >= 2) {
                        traceId = parts[0];
                        spanId = parts[1];
                    }
                }
            }
            case 10 -> {
                if (nameIs(a, from, "user-agent")) {
                    userAgent = decode(RepeatedValues.USER_AGENT, a, vs, Math.min(valueEnd(a, vs, to), vs + 256));
                }
            }
            default -> {
            }
        }
        return true;
    }

    /** Where a header's value starts: past the colon and any spaces or tabs. */
    private static int valueStart(byte[] a, int colon, int to) {
        int vs = colon + 1;
        while (vs < to && (a[vs] == ' ' || a[vs] == '\t')) {
            vs++;
        }
        return vs;
    }

    /** Where a header's value ends: before trailing spaces or tabs (never before its start {@code vs}). */
    private static int valueEnd(byte[] a, int vs, int to) {
        int ve = to;
        while (ve > vs && (a[ve - 1] == ' ' || a[ve - 1] == '\t')) {
            ve--;
        }
        return ve;
    }

    /** W3C trace context: {@code version-traceid(32)-parentid(16)-flags}. */
    private void traceparent(byte[] a, int from, int to) {
        if (to - from >= 55 && a[from + 2] == '-' && a[from + 35] == '-' && a[from + 52] == '-') {
            traceId = ascii(a, from + 3, from + 35);
            spanId = ascii(a, from + 36, from + 52);
        }
    }

    private static long parseLength(byte[] a, int from, int to) {
        if (from == to || to - from > 18) {
            return BAD_LENGTH;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) {
                return BAD_LENGTH;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static boolean nameIs(byte[] a, int from, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            int c = a[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWithIgnoreCase(byte[] a, int from, int to, String lower) {
        int n = lower.length();
        return to - from >= n && nameIs(a, to - n, lower);
    }

    private static boolean startsWith(byte[] a, int from, int to, String s) {
        if (to - from < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (a[from + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int lineEnd(byte[] a, int from, int len) {
        int i = indexOf(a, from, len, (byte) '\n');
        return i < 0 ? len : i;
    }

    private static int trimCr(byte[] a, int from, int end) {
        return end > from && a[end - 1] == '\r' ? end - 1 : end;
    }

    private static int indexOf(byte[] a, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] a, int from, int to, byte b) {
        for (int i = to - 1; i >= from; i--) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** {@code a[from..to)}, through the repeated values when there are. */
    private String decode(int slot, byte[] a, int from, int to) {
        return recent != null ? recent.of(slot, a, from, to) : ascii(a, from, to);
    }

    /** {@code 1.1} and {@code 1.0} as constants (every message has one), others as they are. */
    private static String version(byte[] a, int from, int to) {
        if (to - from == 3 && a[from] == '1' && a[from + 1] == '.') {
            if (a[from + 2] == '1') {
                return "1.1";
            }
            if (a[from + 2] == '0') {
                return "1.0";
            }
        }
        return ascii(a, from, to);
    }

    private static String ascii(byte[] a, int from, int to) {
        return new String(a, from, Math.max(0, to - from), StandardCharsets.ISO_8859_1);
    }
}
