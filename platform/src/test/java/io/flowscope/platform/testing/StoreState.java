package io.flowscope.platform.testing;

import io.flowscope.platform.store.DuckDbStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a statement could change in a store, read directly (not through the API): every table's row
 * count and a hash of its rows, the catalog (schemas, tables, views, macros, sequences, types, indexes),
 * attached databases, settings and variables (extensions cannot be installed or loaded: see the lockdown test).
 */
public final class StoreState {

    private StoreState() {
    }

    public static Map<String, Object> of(DuckDbStore store) throws SQLException {
        Map<String, Object> s = new LinkedHashMap<>();
        try (Connection c = store.connection(); Statement st = c.createStatement()) {
            // quoted: flow_metrics' table names have a dot
            for (String t : column(st, "SELECT '\"' || schema_name || '\".\"' || table_name || '\"' FROM duckdb_tables() ORDER BY 1")) {
                s.put("rows " + t.replace("\"", ""), column(st, "SELECT count(*) || ' ' || coalesce(bit_xor(hash(t)), 0) FROM " + t + " t"));
            }
            s.put("databases", column(st, "SELECT database_name || ' ' || coalesce(path, '') FROM duckdb_databases() ORDER BY 1"));
            s.put("schemas", column(st, "SELECT database_name || '.' || schema_name FROM duckdb_schemas() ORDER BY 1"));
            s.put("tables", column(st, "SELECT database_name || '.' || schema_name || '.' || table_name || ' ' || sql FROM duckdb_tables() ORDER BY 1"));
            s.put("views", column(st, "SELECT database_name || '.' || view_name || ' ' || sql FROM duckdb_views() WHERE NOT internal ORDER BY 1"));
            s.put("macros", column(st, "SELECT DISTINCT database_name || '.' || function_name || ' ' || coalesce(macro_definition, '') FROM duckdb_functions() WHERE NOT internal ORDER BY 1"));
            s.put("sequences", column(st, "SELECT database_name || '.' || sequence_name FROM duckdb_sequences() ORDER BY 1"));
            s.put("types", column(st, "SELECT database_name || '.' || type_name FROM duckdb_types() WHERE NOT internal ORDER BY 1"));
            s.put("indexes", column(st, "SELECT database_name || '.' || index_name FROM duckdb_indexes() ORDER BY 1"));
            s.put("settings", column(st, "SELECT name || '=' || coalesce(value, '') FROM duckdb_settings() ORDER BY 1"));
            s.put("variables", column(st, "SELECT name FROM duckdb_variables() ORDER BY 1"));
        }
        return s;
    }

    private static List<String> column(Statement st, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The rows of a query, each as its values' text joined by '|': for comparing whole rows. */
    public static java.util.List<String> rows(DuckDbStore store, String sql) throws SQLException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (java.sql.Connection c = store.connection(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery(sql)) {
            java.sql.ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    sb.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(sb.toString());
            }
        }
        return out;
    }
}
