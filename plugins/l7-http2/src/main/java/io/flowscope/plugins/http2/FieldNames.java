package io.flowscope.plugins.http2;

import java.nio.charset.StandardCharsets;

/**
 * The header names {@link Fields} keeps, each a small number, found once per name rather than once per field: the
 * static table's names have theirs from the start, a dynamic-table entry gets its name's when it is added, and only a
 * literal's new name is compared with the list. A connection that repeats its fields through the table (gRPC's
 * encoders index every field) then pays a switch per field, no string comparison.
 */
final class FieldNames {

    static final byte OTHER = 0;
    static final byte PATH = 1;
    static final byte METHOD = 2;
    static final byte STATUS = 3;
    static final byte AUTHORITY = 4;
    static final byte HOST = 5;
    static final byte B3 = 6;
    static final byte SW8 = 7;
    static final byte GRPC_STATUS = 8;
    static final byte TRACEPARENT = 9;
    static final byte X_B3_SPANID = 10;
    static final byte CONTENT_TYPE = 11;
    static final byte GRPC_MESSAGE = 12;
    static final byte X_B3_TRACEID = 13;
    static final byte UBER_TRACE_ID = 14;

    /** Index = kind; the names as HPACK carries them (lower case). */
    private static final byte[][] NAMES = names(":path", ":method", ":status", ":authority", "host", "b3", "sw8",
            "grpc-status", "traceparent", "x-b3-spanid", "content-type", "grpc-message", "x-b3-traceid", "uber-trace-id");

    /** Kind of each static-table name, by static index (RFC 7541 Appendix A). */
    static final byte[] STATIC = new byte[StaticTable.SIZE + 1];

    static {
        for (int i = 1; i <= StaticTable.SIZE; i++) {
            STATIC[i] = of(StaticTable.NAMES[i], 0, StaticTable.NAMES[i].length);
        }
    }

    private FieldNames() {
    }

    private static byte[][] names(String... names) {
        byte[][] out = new byte[names.length + 1][];
        out[0] = new byte[0];
        for (int i = 0; i < names.length; i++) {
            out[i + 1] = names[i].getBytes(StandardCharsets.US_ASCII);
        }
        return out;
    }

    /** The kind of name {@code n[off..off+len)}: one of the constants, OTHER for every name not kept. */
    static byte of(byte[] n, int off, int len) {
        for (int k = 1; k < NAMES.length; k++) {
            byte[] name = NAMES[k];
            if (name.length == len && java.util.Arrays.equals(name, 0, len, n, off, off + len)) {
                return (byte) k;
            }
        }
        return OTHER;
    }
}
