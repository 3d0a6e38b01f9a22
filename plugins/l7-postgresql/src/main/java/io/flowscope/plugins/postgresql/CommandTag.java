package io.flowscope.plugins.postgresql;

import io.flowscope.api.L7Message;

/**
 * The row count of a CommandComplete tag, read from its bytes: {@code INSERT oid rows}, and
 * {@code DELETE|UPDATE|SELECT|MERGE|MOVE|FETCH|COPY rows} (PostgreSQL's protocol documentation); other tags
 * ({@code BEGIN}, {@code CREATE TABLE}) carry none.
 */
final class CommandTag {

    private static final byte[][] COUNTED = {bytes("DELETE"), bytes("UPDATE"), bytes("SELECT"), bytes("MERGE"),
        bytes("MOVE"), bytes("FETCH"), bytes("COPY")};
    private static final byte[] INSERT = bytes("INSERT");

    private CommandTag() {
    }

    /** The rows the tag in {@code b[0, kept)} reports, or {@link L7Message#NO_AFFECTED_ROWS}. */
    static long rows(byte[] b, int kept) {
        int end = PostgresqlParser.indexOfZero(b, 0, kept);
        if (end < 0) {
            end = kept;
        }
        int space = 0;
        while (space < end && b[space] != ' ') {
            space++;
        }
        if (space == end) {
            return L7Message.NO_AFFECTED_ROWS;
        }
        int from;
        if (is(INSERT, b, space)) {
            from = space + 1;
            while (from < end && b[from] != ' ') {
                from++; // the oid, always 0 since PostgreSQL 12
            }
            from++;
        } else {
            boolean counted = false;
            for (byte[] verb : COUNTED) {
                counted |= is(verb, b, space);
            }
            if (!counted) {
                return L7Message.NO_AFFECTED_ROWS;
            }
            from = space + 1;
        }
        if (from >= end) {
            return L7Message.NO_AFFECTED_ROWS;
        }
        long n = 0;
        for (int i = from; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9 || n > Long.MAX_VALUE / 10 - 1) {
                return L7Message.NO_AFFECTED_ROWS;
            }
            n = n * 10 + d;
        }
        return n;
    }

    private static boolean is(byte[] verb, byte[] b, int length) {
        return length == verb.length && java.util.Arrays.equals(verb, 0, length, b, 0, length);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
