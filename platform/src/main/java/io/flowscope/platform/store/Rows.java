package io.flowscope.platform.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a log query and turns DuckDB's rows into JSON objects with a stable key order: the select list's order,
 * with {@code ip4_*}/{@code ip6_*} folded into {@code ip_0}/{@code ip_1} text and times as ISO-8601 UTC
 * ({@link Page}).
 */
final class Rows {

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

    private Rows() {
    }

    static List<Map<String, Object>> query(Connection c, String sql, List<Object> params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row(rs, md));
                }
                return out;
            }
        }
    }

    private static Map<String, Object> row(ResultSet rs, ResultSetMetaData md) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean ipv4 = true;
        for (int i = 1; i <= md.getColumnCount(); i++) {
            String name = md.getColumnLabel(i);
            Object v = rs.getObject(i);
            switch (name) {
                case "is_ipv4" -> ipv4 = v != null && ((Number) v).intValue() == 1;
                case "ip4_0", "ip4_1" -> {
                    if (ipv4 && v != null) {
                        m.put("ip_" + name.charAt(4), Addresses.ipv4(((Number) v).longValue()));
                    }
                }
                case "ip6_0", "ip6_1" -> {
                    if (!ipv4 && v != null) {
                        m.put("ip_" + name.charAt(4), v);
                    }
                }
                default -> m.put(name, json(v));
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** DuckDB's JDBC values as JSON-friendly values (unsigned 64-bit numbers beyond a long as text). */
    static Object json(Object v) {
        if (v instanceof Timestamp t) {
            return ISO.format(t.toLocalDateTime().atOffset(ZoneOffset.UTC));
        }
        if (v instanceof java.time.LocalDateTime t) {
            return ISO.format(t.atOffset(ZoneOffset.UTC));
        }
        if (v instanceof java.math.BigInteger b) {
            return b.bitLength() < 64 ? b.longValue() : b.toString();
        }
        if (v instanceof java.sql.Array || v instanceof java.sql.Struct || v instanceof java.sql.Blob) {
            return String.valueOf(v);
        }
        return v;
    }
}
