package io.flowscope.platform.store;

import java.sql.SQLException;

/** DuckDB's error text as a client may see it: its own words (with the position in the query), no Java names. */
final class DuckDbErrors {

    private static final int MAX = 600;

    private DuckDbErrors() {
    }

    static String message(SQLException e) {
        String m = e.getMessage() == null ? "the query failed" : e.getMessage();
        m = m.replace("java.sql.SQLException: ", "");
        m = m.strip();
        return m.length() > MAX ? m.substring(0, MAX) + "…" : m;
    }
}
