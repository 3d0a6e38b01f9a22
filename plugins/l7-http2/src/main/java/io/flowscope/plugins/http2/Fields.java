package io.flowscope.plugins.http2;

import java.nio.charset.StandardCharsets;

/**
 * Takes the few header fields Flowscope keeps from a decoded block into one {@link Stream.Half}: pseudo-headers,
 * content-type (gRPC), grpc-status and grpc-message, and the trace headers l7-http1 reads (traceparent, x-b3-*,
 * uber-trace-id) plus b3 and sw8. Everything else is looked at by length and first byte only.
 */
final class Fields implements HpackDecoder.Fields {

    static final int MAX_KEPT_VALUE = 2048;
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "CONNECT", "TRACE"};

    private Stream.Half into;
    /** The last authority seen and its String: a connection repeats its authority on every request. */
    private byte[] lastAuthority = new byte[0];
    private String lastAuthorityString;

    /** Where the next block's fields go; null to decode a block only to keep the table in step. */
    void target(Stream.Half half) {
        into = half;
    }

    @Override
    public void unknownField() {
        if (into != null) {
            into.unknownFields++;
        }
    }

    @Override
    public void field(byte[] n, int no, int nl, byte[] v, int vo, int vl) {
        Stream.Half h = into;
        if (h == null || v == null || nl < 2) {
            return;
        }
        if (n[no] == ':') {
            switch (nl) {
                case 5 -> {
                    if (is(n, no, nl, ":path")) {
                        h.path = ascii(v, vo, vl);
                    }
                }
                case 7 -> {
                    if (is(n, no, nl, ":method")) {
                        h.method = method(v, vo, vl);
                    } else if (is(n, no, nl, ":status")) {
                        h.status = number(v, vo, vl);
                    }
                }
                case 10 -> {
                    if (is(n, no, nl, ":authority")) {
                        h.authority = authority(v, vo, vl);
                    }
                }
                default -> {
                }
            }
            return;
        }
        switch (nl) {
            case 2 -> {
                if (is(n, no, nl, "b3") && h.traceId == null) {
                    b3(h, v, vo, vl);
                }
            }
            case 3 -> {
                if (is(n, no, nl, "sw8") && h.traceId == null) {
                    sw8(h, v, vo, vl);
                }
            }
            case 4 -> {
                if (is(n, no, nl, "host") && h.authority == null) {
                    h.authority = authority(v, vo, vl);
                }
            }
            case 11 -> {
                if (is(n, no, nl, "grpc-status")) {
                    h.grpcStatus = number(v, vo, vl);
                } else if (is(n, no, nl, "traceparent")) {
                    if (vl >= 55 && v[vo + 2] == '-' && v[vo + 35] == '-' && v[vo + 52] == '-') {
                        h.traceId = ascii(v, vo + 3, 32);
                        h.spanId = ascii(v, vo + 36, 16);
                    }
                } else if (is(n, no, nl, "x-b3-spanid") && h.spanId == null) {
                    h.spanId = ascii(v, vo, vl);
                }
            }
            case 12 -> {
                if (is(n, no, nl, "content-type")) {
                    h.contentType = true;
                    h.grpc = startsWith(v, vo, vl, "application/grpc");
                } else if (is(n, no, nl, "grpc-message")) {
                    h.grpcMessage = ascii(v, vo, vl);
                } else if (is(n, no, nl, "x-b3-traceid") && h.traceId == null) {
                    h.traceId = ascii(v, vo, vl);
                }
            }
            case 13 -> {
                if (is(n, no, nl, "uber-trace-id") && h.traceId == null) {
                    // trace-id:span-id:parent-span-id:flags
                    int c1 = indexOf(v, vo, vo + vl, ':');
                    int c2 = c1 < 0 ? -1 : indexOf(v, c1 + 1, vo + vl, ':');
                    if (c1 > vo) {
                        h.traceId = ascii(v, vo, c1 - vo);
                        h.spanId = ascii(v, c1 + 1, (c2 < 0 ? vo + vl : c2) - c1 - 1);
                    }
                }
            }
            default -> {
            }
        }
    }

    /** b3 single header: {@code traceid-spanid[-sampled[-parentspanid]]}, or just a sampling flag. */
    private static void b3(Stream.Half h, byte[] v, int vo, int vl) {
        int d1 = indexOf(v, vo, vo + vl, '-');
        if (d1 <= vo) {
            return;
        }
        int d2 = indexOf(v, d1 + 1, vo + vl, '-');
        h.traceId = ascii(v, vo, d1 - vo);
        h.spanId = ascii(v, d1 + 1, (d2 < 0 ? vo + vl : d2) - d1 - 1);
    }

    /**
     * SkyWalking sw8: {@code sample-traceId-segmentId-spanIndex-service-instance-endpoint-target}, ids in Base64.
     * The trace id is the decoded trace id; the span id is the decoded segment id and the span index, as DeepFlow
     * shows them ({@code segment-index}).
     */
    private static void sw8(Stream.Half h, byte[] v, int vo, int vl) {
        int end = vo + vl;
        int d1 = indexOf(v, vo, end, '-');
        int d2 = d1 < 0 ? -1 : indexOf(v, d1 + 1, end, '-');
        int d3 = d2 < 0 ? -1 : indexOf(v, d2 + 1, end, '-');
        int d4 = d3 < 0 ? -1 : indexOf(v, d3 + 1, end, '-');
        if (d3 < 0) {
            return;
        }
        String trace = base64(v, d1 + 1, d2);
        String segment = base64(v, d2 + 1, d3);
        if (trace == null || segment == null) {
            return;
        }
        h.traceId = trace;
        h.spanId = segment + "-" + ascii(v, d3 + 1, (d4 < 0 ? end : d4) - d3 - 1);
    }

    private static String base64(byte[] v, int from, int to) {
        try {
            java.nio.ByteBuffer d = java.util.Base64.getDecoder().decode(java.nio.ByteBuffer.wrap(v, from, to - from));
            // only the decoded bytes: the buffer's array may be longer
            return new String(d.array(), d.arrayOffset() + d.position(), d.remaining(), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private String authority(byte[] v, int vo, int vl) {
        if (lastAuthorityString != null && java.util.Arrays.equals(v, vo, vo + vl, lastAuthority, 0, lastAuthority.length)) {
            return lastAuthorityString;
        }
        lastAuthority = java.util.Arrays.copyOfRange(v, vo, vo + Math.min(vl, MAX_KEPT_VALUE));
        lastAuthorityString = new String(lastAuthority, StandardCharsets.ISO_8859_1);
        return lastAuthorityString;
    }

    private static String method(byte[] v, int vo, int vl) {
        for (String m : METHODS) {
            if (m.length() == vl && startsWith(v, vo, vl, m)) {
                return m;
            }
        }
        return ascii(v, vo, vl);
    }

    /** A non-negative decimal, or -1. */
    private static int number(byte[] v, int vo, int vl) {
        if (vl == 0 || vl > 9) {
            return -1;
        }
        int x = 0;
        for (int i = vo; i < vo + vl; i++) {
            int d = v[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            x = x * 10 + d;
        }
        return x;
    }

    static String ascii(byte[] v, int off, int len) {
        return new String(v, off, Math.min(len, MAX_KEPT_VALUE), StandardCharsets.ISO_8859_1);
    }

    private static boolean is(byte[] n, int no, int nl, String lower) {
        return nl == lower.length() && startsWith(n, no, nl, lower);
    }

    private static boolean startsWith(byte[] v, int vo, int vl, String prefix) {
        if (vl < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (v[vo + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] v, int from, int to, char c) {
        for (int i = from; i < to; i++) {
            if (v[i] == c) {
                return i;
            }
        }
        return -1;
    }

    long retainedBytes() {
        return lastAuthority.length * 2L + 64;
    }
}
