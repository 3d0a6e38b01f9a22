package io.flowscope.plugins.http1.bytewise;

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
    // status line
    int statusCode;
    String reason;
    /** Method of the request this response answers (set by the response half). */
    String requestMethod;

    String version;
    String host;
    long contentLength = NO_LENGTH;
    boolean chunked;
    String traceId;
    String spanId;
    String userAgent;

    /** Parses {@code a[0..len)}, which ends with an empty line; null when the start line is malformed. */
    static Head parse(byte[] a, int len, boolean request) {
        Head h = new Head();
        int eol = lineEnd(a, 0, len);
        if (!(request ? h.requestLine(a, 0, trimCr(a, 0, eol)) : h.statusLine(a, 0, trimCr(a, 0, eol)))) {
            return null;
        }
        int p = eol + 1;
        while (p < len) {
            int end = lineEnd(a, p, len);
            int to = trimCr(a, p, end);
            if (to == p) {
                break;
            }
            if (!h.header(a, p, to)) {
                return null;
            }
            p = end + 1;
        }
        return h;
    }

    L7Message.Builder toRequest() {
        return L7Message.request(Http1Parser.PROTOCOL)
                .version(version).operation(method).resource(target).endpoint(endpoint(target)).domain(host)
                .trace(traceId, spanId).attributes(attributes());
    }

    /** The few extras a message carries as attributes (the user agent of a request). */
    Map<String, String> attributes() {
        return userAgent != null ? Map.of("user_agent", userAgent) : Map.of();
    }

    L7Message.Builder toResponse() {
        ResponseStatus status = statusCode >= 500 ? ResponseStatus.SERVER_ERROR
                : statusCode >= 400 ? ResponseStatus.CLIENT_ERROR : ResponseStatus.OK;
        L7Message.Builder b = L7Message.response(Http1Parser.PROTOCOL)
                .version(version).statusCode(statusCode).status(status).trace(traceId, spanId);
        if (statusCode >= 400 && reason != null && !reason.isEmpty()) {
            b.exception(reason);
        }
        return b;
    }

    /** The path of a request target, without query or fragment; absolute-form targets lose scheme and host. */
    static String endpoint(String target) {
        if (target == null) {
            return null;
        }
        String t = target;
        int scheme = t.indexOf("://");
        if (scheme > 0 && scheme < 8) {
            int slash = t.indexOf('/', scheme + 3);
            t = slash < 0 ? "/" : t.substring(slash);
        }
        int q = t.indexOf('?');
        int f = t.indexOf('#');
        int cut = q < 0 ? f : (f < 0 ? q : Math.min(q, f));
        return cut < 0 ? t : t.substring(0, cut);
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
        version = ascii(a, sp2 + 6, to);
        return true;
    }

    private boolean statusLine(byte[] a, int from, int to) {
        if (!startsWith(a, from, to, "HTTP/1.") || to - from < 12 || a[from + 8] != ' ') {
            return false;
        }
        version = ascii(a, from + 5, from + 8);
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
        reason = to > from + 13 ? ascii(a, from + 13, to) : "";
        return true;
    }

    private boolean header(byte[] a, int from, int to) {
        int colon = indexOf(a, from, to, (byte) ':');
        if (colon <= from) {
            // obsolete line folding (a line starting with whitespace) continues the previous header
            return a[from] == ' ' || a[from] == '\t';
        }
        int vs = colon + 1;
        while (vs < to && (a[vs] == ' ' || a[vs] == '\t')) {
            vs++;
        }
        int ve = to;
        while (ve > vs && (a[ve - 1] == ' ' || a[ve - 1] == '\t')) {
            ve--;
        }
        int n = colon - from;
        switch (n) {
            case 4 -> {
                if (nameIs(a, from, "host")) {
                    host = ascii(a, vs, ve);
                }
            }
            case 14 -> {
                if (nameIs(a, from, "content-length")) {
                    long v = parseLength(a, vs, ve);
                    contentLength = (contentLength >= 0 && v != contentLength) ? BAD_LENGTH : v;
                }
            }
            case 17 -> {
                if (nameIs(a, from, "transfer-encoding")) {
                    chunked = endsWithIgnoreCase(a, vs, ve, "chunked");
                }
            }
            case 11 -> {
                if (nameIs(a, from, "traceparent")) {
                    traceparent(a, vs, ve);
                } else if (nameIs(a, from, "x-b3-spanid") && spanId == null) {
                    spanId = ascii(a, vs, ve);
                }
            }
            case 12 -> {
                if (nameIs(a, from, "x-b3-traceid") && traceId == null) {
                    traceId = ascii(a, vs, ve);
                }
            }
            case 13 -> {
                if (nameIs(a, from, "uber-trace-id") && traceId == null) {
                    String v = ascii(a, vs, ve);
                    String[] parts = v.split(":");
                    if (parts.length >= 2) {
                        traceId = parts[0];
                        spanId = parts[1];
                    }
                }
            }
            case 10 -> {
                if (nameIs(a, from, "user-agent")) {
                    userAgent = ascii(a, vs, Math.min(ve, vs + 256));
                }
            }
            default -> {
            }
        }
        return true;
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

    private static String ascii(byte[] a, int from, int to) {
        return new String(a, from, Math.max(0, to - from), StandardCharsets.ISO_8859_1);
    }
}
