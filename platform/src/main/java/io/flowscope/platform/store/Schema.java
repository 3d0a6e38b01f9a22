package io.flowscope.platform.store;

import java.util.ArrayList;
import java.util.List;

/**
 * DuckDB's DDL of the flow_log and event tables, made from their column declarations ({@link Tables}): a table is
 * created with every column; on an existing table, columns added later are added at the end.
 */
final class Schema {

    private Schema() {
    }

    /**
     * Longest text value stored (in UTF-16 chars, at most 3 UTF-8 bytes each): longer values are cut when
     * written. The SQL endpoint bounds the size of what a query can compute from stored values with it.
     */
    static final int MAX_TEXT_CHARS = 4096;

    /** Statements run at every open; all idempotent. */
    static final List<String> DDL = ddl();

    private static List<String> ddl() {
        List<String> s = new ArrayList<>();
        s.add("CREATE SCHEMA IF NOT EXISTS flow_log");
        s.add("CREATE SCHEMA IF NOT EXISTS event");
        s.add("CREATE SCHEMA IF NOT EXISTS " + Tables.METRICS_SCHEMA);
        table(s, "flow_log." + Tables.L4_NAME, Tables.L4);
        table(s, "flow_log." + Tables.L7_NAME, Tables.l7(() -> 0));
        table(s, "event." + Tables.PROC_EVENT_NAME, Tables.procEvent(() -> 0));
        table(s, metricsTable(Tables.NETWORK_MAP_1S), Tables.NETWORK_MAP);
        table(s, metricsTable(Tables.NETWORK_MAP_1M), Tables.NETWORK_MAP);
        table(s, metricsTable(Tables.NETWORK_1S), Tables.NETWORK);
        table(s, metricsTable(Tables.NETWORK_1M), Tables.NETWORK);
        // IPv4 columns are UINTEGER (fast to write and compare); this prints them dotted
        s.add("CREATE MACRO IF NOT EXISTS ip4_str(x) AS CASE WHEN x IS NULL THEN NULL ELSE "
                + "concat((x >> 24) & 255, '.', (x >> 16) & 255, '.', (x >> 8) & 255, '.', x & 255) END");
        return List.copyOf(s);
    }

    /** A metrics table's name in SQL: DeepFlow's names have a dot, so they are quoted. */
    static String metricsTable(String name) {
        return Tables.METRICS_SCHEMA + ".\"" + name + "\"";
    }

    private static void table(List<String> s, String name, List<? extends Column<?>> columns) {
        StringBuilder create = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(name).append(" (");
        for (int i = 0; i < columns.size(); i++) {
            create.append(i == 0 ? "\n  " : ",\n  ").append(definition(columns.get(i)));
        }
        s.add(create.append("\n)").toString());
        for (Column<?> c : columns) {
            if (c.added()) {
                s.add("ALTER TABLE " + name + " ADD COLUMN IF NOT EXISTS " + definition(c));
            }
        }
    }

    private static String definition(Column<?> c) {
        return c.name() + " " + c.type().name() + (c.notNull() ? " NOT NULL" : "");
    }
}
