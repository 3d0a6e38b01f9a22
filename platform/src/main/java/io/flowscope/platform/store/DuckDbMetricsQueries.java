package io.flowscope.platform.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link MetricsQuery} as DuckDB SQL: one parameterised GROUP BY over a network_map table. Counters are summed,
 * maxima take the largest, and DeepFlow's querier averages {@code rtt} ({@code rtt_sum / rtt_count}) and
 * {@code srt} follow them (NULL without a sample).
 */
final class DuckDbMetricsQueries {

    /** Every metric column of network_map, in the table's order, each as the API returns it. */
    private static final String METRICS = metrics();

    private DuckDbMetricsQueries() {
    }

    private static String metrics() {
        StringBuilder sb = new StringBuilder();
        // the tags come first, up to server_port; every column after it is a metric
        List<Column<?>> columns = List.copyOf(Tables.NETWORK_MAP);
        int first = columns.stream().map(Column::name).toList().indexOf("server_port") + 1;
        for (Column<?> c : columns.subList(first, columns.size())) {
            sb.append(", ");
            if (c.name().endsWith("_max")) {
                sb.append("max(").append(c.name()).append(')');
            } else if (c.type() == Column.Type.DOUBLE) {
                sb.append("sum(").append(c.name()).append(')');
            } else {
                sb.append("sum(").append(c.name()).append(")::UBIGINT");
            }
            sb.append(" AS ").append(c.name());
        }
        sb.append(", sum(rtt_sum) / nullif(sum(rtt_count), 0) AS rtt");
        sb.append(", sum(srt_sum) / nullif(sum(srt_count), 0) AS srt");
        return sb.toString();
    }

    static Page page(Connection c, MetricsQuery q) throws SQLException {
        DuckDbLogQueries.Sql s = render(q);
        return new Page(Rows.query(c, s.text(), s.params()), q.limit(), q.offset());
    }

    static DuckDbLogQueries.Sql render(MetricsQuery q) {
        List<String> select = new ArrayList<>();
        List<String> group = new ArrayList<>();
        boolean addresses = q.groupBy().contains(MetricsQuery.Group.CLIENT) || q.groupBy().contains(MetricsQuery.Group.SERVER);
        if (addresses) {
            // Rows folds ip4_*/ip6_* into ip_0/ip_1 by the is_ipv4 before them
            select.add("is_ipv4");
            group.add("is_ipv4");
        }
        for (MetricsQuery.Group g : q.groupBy()) {
            switch (g) {
                case TIME -> add(select, group, "time");
                case CLIENT -> {
                    add(select, group, "ip4_0");
                    add(select, group, "ip6_0");
                }
                case SERVER -> {
                    add(select, group, "ip4_1");
                    add(select, group, "ip6_1");
                }
                case SERVER_PORT -> add(select, group, "server_port");
                case PROTOCOL -> add(select, group, "protocol");
                case CAPTURE_NIC -> add(select, group, "capture_nic");
            }
        }
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (q.fromMicros() != null) {
            where.add("time > make_timestamp(?)");
            params.add(q.fromMicros() - q.interval().micros());
        }
        if (q.toMicros() != null) {
            where.add("time <= make_timestamp(?)");
            params.add(q.toMicros());
        }
        address(where, params, q.client(), "0");
        address(where, params, q.server(), "1");
        DuckDbLogQueries.eitherEnd(where, params, q.ip());
        if (q.serverPort() != null) {
            where.add("server_port = ?");
            params.add(q.serverPort());
        }
        if (q.protocol() != null) {
            where.add("protocol = ?");
            params.add(q.protocol());
        }
        String columns = select.isEmpty() ? METRICS.substring(2) : String.join(", ", select) + METRICS;
        String text = "SELECT " + columns + " FROM " + Schema.metricsTable("network_map." + q.interval().suffix())
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + (group.isEmpty() ? "" : " GROUP BY " + String.join(", ", group) + " ORDER BY "
                        + String.join(", ", group.stream().filter(g -> !g.equals("is_ipv4")).toList())
                        + (addresses ? ", is_ipv4" : ""))
                + " LIMIT " + q.limit() + " OFFSET " + q.offset();
        return new DuckDbLogQueries.Sql(text, params);
    }

    private static void add(List<String> select, List<String> group, String column) {
        select.add(column);
        group.add(column);
    }

    private static void address(List<String> where, List<Object> params, LogQuery.Ip ip, String side) {
        if (ip instanceof LogQuery.Ip.V4 v4) {
            where.add("ip4_" + side + " = ?");
            params.add(v4.value());
        } else if (ip instanceof LogQuery.Ip.V6 v6) {
            where.add("ip6_" + side + " = ?");
            params.add(v6.text());
        }
    }
}
