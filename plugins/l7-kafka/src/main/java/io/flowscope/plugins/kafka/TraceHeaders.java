package io.flowscope.plugins.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Trace context in a record's headers, as tracing libraries put it into the messages they produce: W3C
 * {@code traceparent} ({@code 00-trace-span-flags}), SkyWalking {@code sw8} ({@code 1-base64(trace)-base64(segment)-span-…};
 * the trace id decoded, as DeepFlow does), Zipkin's single {@code b3} ({@code trace-span[-sampled[-parent]]}) and
 * Jaeger's {@code uber-trace-id} ({@code trace:span:parent:flags}). The first that parses is kept, in that order
 * of preference.
 */
final class TraceHeaders {

    private static final byte[][] KEYS = {
            "traceparent".getBytes(StandardCharsets.US_ASCII),
            "sw8".getBytes(StandardCharsets.US_ASCII),
            "b3".getBytes(StandardCharsets.US_ASCII),
            "uber-trace-id".getBytes(StandardCharsets.US_ASCII),
    };

    String traceId;
    String spanId;
    private int rank;

    void clear() {
        traceId = null;
        spanId = null;
        rank = Integer.MAX_VALUE;
    }

    /** One header: kept if its key is a trace header preferred to what was found so far and its value parses. */
    void header(byte[] b, int keyFrom, int keyLength, int valueFrom, int valueLength) {
        for (int k = 0; k < KEYS.length && k < rank; k++) {
            if (equalsIgnoreCase(b, keyFrom, keyLength, KEYS[k])) {
                if (valueLength > 0 && valueLength <= 512 && parse(k, new String(b, valueFrom, valueLength, StandardCharsets.ISO_8859_1))) {
                    rank = k;
                }
                return;
            }
        }
    }

    private boolean parse(int kind, String v) {
        switch (kind) {
            case 0 -> {
                String[] p = v.split("-");
                return p.length >= 4 && p[1].length() == 32 && p[2].length() == 16 && set(p[1], p[2]);
            }
            case 1 -> {
                String[] p = v.split("-");
                if (p.length < 4) {
                    return false;
                }
                try {
                    return set(new String(Base64.getDecoder().decode(p[1]), StandardCharsets.UTF_8), null);
                } catch (IllegalArgumentException e) {
                    return false;
                }
            }
            case 2 -> {
                String[] p = v.split("-");
                return p.length >= 2 && (p[0].length() == 16 || p[0].length() == 32) && set(p[0], p[1]);
            }
            default -> {
                String[] p = v.replace("%3A", ":").replace("%3a", ":").split(":");
                return p.length == 4 && !p[0].isEmpty() && set(p[0], p[1]);
            }
        }
    }

    private boolean set(String trace, String span) {
        traceId = trace;
        spanId = span;
        return true;
    }

    private static boolean equalsIgnoreCase(byte[] b, int from, int n, byte[] key) {
        if (n != key.length) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int c = b[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != key[i]) {
                return false;
            }
        }
        return true;
    }
}
