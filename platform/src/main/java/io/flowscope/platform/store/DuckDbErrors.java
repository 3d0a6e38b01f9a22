package io.flowscope.platform.store;

import java.sql.SQLException;

/** DuckDB's error text as a client may see it: its own words, without our wrapper statement or Java names. */
final class DuckDbErrors {

    private static final int MAX = 600;

    private DuckDbErrors() {
    }

    static String message(SQLException e) {
        String m = e.getMessage() == null ? "the query failed" : e.getMessage();
        m = m.replace("java.sql.SQLException: ", "");
        if (m.contains("json_execute_serialized_sql")) {
            // the location points into the serialized tree we ran, not into the user's text
            int line = m.indexOf("\nLINE ");
            m = line < 0 ? m : m.substring(0, line);
        }
        m = m.strip();
        return m.length() > MAX ? m.substring(0, MAX) + "…" : m;
    }
}
