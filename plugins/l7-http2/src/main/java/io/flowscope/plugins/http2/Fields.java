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
    /** A connection repeats its authority on every request, and gRPC a few paths and messages: made once each. */
    private final RecentStrings authorities = new RecentStrings(2);
    private final RecentStrings paths = new RecentStrings(8);
    private final RecentStrings messages = new RecentStrings(4);

    // what the block being decoded did to its half, for BlockMemo: kinds kept, their values, unknown fields
    static final int MAX_RECORDED = 8;
    final byte[] recordedKinds = new byte[MAX_RECORDED];
    final Object[] recordedValues = new Object[MAX_RECORDED];
    final int[] recordedNumbers = new int[MAX_RECORDED];
    int recorded;
    int recordedUnknown;
    /** What the block did can be done again from the record alone (no field whose effect depends on the half). */
    boolean replayable;

    /** Where the next block's fields go; null to decode a block only to keep the table in step. */
    void target(Stream.Half half) {
        into = half;
        recorded = 0;
        recordedUnknown = 0;
        replayable = true;
    }

    @Override
    public void unknownField() {
        if (into != null) {
            into.unknownFields++;
            recordedUnknown++;
        }
    }

    private void record(byte kind, Object value, int number) {
        if (recorded == MAX_RECORDED) {
            replayable = false;
            return;
        }
        recordedKinds[recorded] = kind;
        recordedValues[recorded] = value;
        recordedNumbers[recorded] = number;
        recorded++;
    }

    /** Does again what a recorded field did (one of the replayable kinds) to the current half. */
    void replay(byte kind, Object value, int number) {
        Stream.Half h = into;
        switch (kind) {
            case FieldNames.PATH -> h.path = (String) value;
            case FieldNames.METHOD -> h.method = (String) value;
            case FieldNames.STATUS -> h.status = number;
            case FieldNames.AUTHORITY -> h.authority = (String) value;
            case FieldNames.GRPC_STATUS -> h.grpcStatus = number;
            case FieldNames.GRPC_MESSAGE -> h.grpcMessage = (String) value;
            case FieldNames.CONTENT_TYPE -> {
                h.contentType = true;
                h.grpc = number != 0;
            }
            default -> throw new IllegalStateException("not replayable: " + kind);
        }
    }

    /** The unknown fields of a replayed block. */
    void replayUnknown(int n) {
        into.unknownFields += n;
    }

    @Override
    public void field(byte[] n, int no, int nl, byte[] v, int vo, int vl) {
        field(FieldNames.of(n, no, nl), false, n, no, nl, v, vo, vl);
    }

    @Override
    public void field(byte kind, boolean tableValue, byte[] n, int no, int nl, byte[] v, int vo, int vl) {
        // small enough to be inlined where the decoder calls it: most fields are not kept
        if (kind != FieldNames.OTHER && into != null && v != null) {
            keep(into, kind, tableValue, v, vo, vl);
        }
    }

    private void keep(Stream.Half h, byte kind, boolean tableValue, byte[] v, int vo, int vl) {
        switch (kind) {
            case FieldNames.PATH -> record(kind, h.path = paths.get(v, vo, Math.min(vl, MAX_KEPT_VALUE), tableValue), 0);
            case FieldNames.METHOD -> record(kind, h.method = method(v, vo, vl), 0);
            case FieldNames.STATUS -> record(kind, null, h.status = number(v, vo, vl));
            case FieldNames.AUTHORITY -> record(kind, h.authority = authorities.get(v, vo, Math.min(vl, MAX_KEPT_VALUE), tableValue), 0);
            case FieldNames.HOST -> {
                replayable = false;
                if (h.authority == null) {
                    h.authority = authorities.get(v, vo, Math.min(vl, MAX_KEPT_VALUE), tableValue);
                }
            }
            case FieldNames.B3 -> {
                replayable = false;
                if (h.traceId == null) {
                    b3(h, v, vo, vl);
                }
            }
            case FieldNames.SW8 -> {
                replayable = false;
                if (h.traceId == null) {
                    sw8(h, v, vo, vl);
                }
            }
            case FieldNames.GRPC_STATUS -> record(kind, null, h.grpcStatus = number(v, vo, vl));
            case FieldNames.TRACEPARENT -> {
                replayable = false;
                if (vl >= 55 && v[vo + 2] == '-' && v[vo + 35] == '-' && v[vo + 52] == '-') {
                    h.traceId = ascii(v, vo + 3, 32);
                    h.spanId = ascii(v, vo + 36, 16);
                }
            }
            case FieldNames.X_B3_SPANID -> {
                replayable = false;
                if (h.spanId == null) {
                    h.spanId = ascii(v, vo, vl);
                }
            }
            case FieldNames.CONTENT_TYPE -> {
                h.contentType = true;
                h.grpc = startsWith(v, vo, vl, "application/grpc");
                record(kind, null, h.grpc ? 1 : 0);
            }
            case FieldNames.GRPC_MESSAGE -> record(kind, h.grpcMessage = messages.get(v, vo, Math.min(vl, MAX_KEPT_VALUE), tableValue), 0);
            case FieldNames.X_B3_TRACEID -> {
                replayable = false;
                if (h.traceId == null) {
                    h.traceId = ascii(v, vo, vl);
                }
            }
            case FieldNames.UBER_TRACE_ID -> {
                replayable = false;
                if (h.traceId == null) {
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
        return authorities.retainedBytes() + paths.retainedBytes() + messages.retainedBytes() + 64;
    }
}
