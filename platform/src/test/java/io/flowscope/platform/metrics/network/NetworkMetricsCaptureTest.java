package io.flowscope.platform.metrics.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The golden captures (real servers and clients: nginx, redis-server, Kafka, MariaDB, PostgreSQL, dnsmasq, gRPC)
 * imported into a real store: every minute row of {@code network_map} and {@code network} is the sum of its
 * second rows, counter for counter (the maxima the largest), and the seconds add up to what l4_flow_log says of
 * the same flows.
 */
class NetworkMetricsCaptureTest {

    private static final Path CAPTURES = Path.of("src/test/resources/captures");
    private static final Set<String> MAP_TAGS = Set.of("time", "signal_source", "capture_nic", "tunnel_type", "is_ipv4",
            "ip4_0", "ip4_1", "ip6_0", "ip6_1", "protocol", "server_port");
    private static final Set<String> END_TAGS = Set.of("time", "signal_source", "is_ipv4", "ip4", "ip6", "role",
            "protocol", "server_port");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"nginx-http1.pcap", "redis.pcap", "kafka.pcap", "mariadb.pcap", "postgresql-15.pcap",
        "dnsmasq-dns.pcap", "grpc.pcap", "metrics/redis-minute.pcap"})
    void minuteRowsAreTheSumOfTheirSecondRows(String capture) throws Exception {
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            Importing.importFile(store, CAPTURES.resolve(capture));
            try (Connection c = store.connection()) {
                for (String table : List.of("network_map", "network")) {
                    Set<String> tags = table.equals("network_map") ? MAP_TAGS : END_TAGS;
                    List<String> metrics = metricColumns(c, table + ".1s", tags);
                    assertThat(metrics).hasSizeGreaterThan(50);
                    long seconds = count(c, "flow_metrics.\"" + table + ".1s\"");
                    long minutes = count(c, "flow_metrics.\"" + table + ".1m\"");
                    assertThat(minutes).as(table + " minute rows").isPositive();
                    assertThat(seconds).as(table + " second rows").isGreaterThanOrEqualTo(minutes);
                    String keys = String.join(", ", tags.stream().filter(t -> !t.equals("time")).sorted().toList());
                    StringBuilder merged = new StringBuilder();
                    StringBuilder plain = new StringBuilder();
                    for (String m : metrics) {
                        merged.append(", ").append(m.endsWith("_max") ? "max(" : "sum(").append(m).append(")::DOUBLE");
                        plain.append(", ").append(m).append("::DOUBLE");
                    }
                    String fromSeconds = "SELECT date_trunc('minute', time) AS t, " + keys + merged
                            + " FROM flow_metrics.\"" + table + ".1s\" GROUP BY ALL";
                    String fromMinutes = "SELECT time AS t, " + keys + plain + " FROM flow_metrics.\"" + table + ".1m\"";
                    assertThat(rows(c, "(" + fromSeconds + ") EXCEPT ALL (" + fromMinutes + ")"))
                            .as(table + ": summed seconds without their minute row").isEmpty();
                    assertThat(rows(c, "(" + fromMinutes + ") EXCEPT ALL (" + fromSeconds + ")"))
                            .as(table + ": minute rows without their seconds").isEmpty();
                }
                assertSecondsAddUpToTheFlows(c);
            }
        }
    }

    /**
     * The recorded Redis traffic across a minute boundary: two minutes of rows, the long connection's edge in
     * both, its second rows summing to each, and the refused connections counted as server resets.
     */
    @org.junit.jupiter.api.Test
    void aCaptureAcrossAMinuteBoundaryHasTwoMinutes() throws Exception {
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            Importing.importFile(store, CAPTURES.resolve("metrics/redis-minute.pcap"));
            try (Connection c = store.connection()) {
                assertThat(rows(c, """
                        SELECT strftime(time, '%H:%M:%S') AS minute, server_port, new_flow, closed_flow,
                               server_reset, tcp_establish_fail
                        FROM flow_metrics."network_map.1m" ORDER BY time, server_port""").toString())
                        .isEqualTo("[{minute=15:54:00, server_port=6390, new_flow=17, closed_flow=16, server_reset=0, "
                                + "tcp_establish_fail=0}, {minute=15:54:00, server_port=6391, new_flow=3, closed_flow=3, "
                                + "server_reset=3, tcp_establish_fail=3}, {minute=15:55:00, server_port=6390, new_flow=14, "
                                + "closed_flow=15, server_reset=0, tcp_establish_fail=0}, {minute=15:55:00, "
                                + "server_port=6391, new_flow=3, closed_flow=3, server_reset=3, tcp_establish_fail=3}]");
                // the long connection: alive in both minutes, a row in (almost) every second it sent GET
                assertThat(rows(c, """
                        SELECT count(DISTINCT time) AS seconds FROM flow_metrics."network_map.1s"
                        WHERE server_port = 6390""").get(0).get("seconds")).isEqualTo(7L);
            }
        }
    }

    /** What the flows of l4_flow_log counted, the seconds of network_map counted; each edge once per end in network. */
    private static void assertSecondsAddUpToTheFlows(Connection c) throws Exception {
        Map<String, Object> flows = rows(c, """
                SELECT sum(packet_tx) AS packet_tx, sum(packet_rx) AS packet_rx, sum(byte_tx) AS byte_tx,
                       sum(byte_rx) AS byte_rx, sum(l3_byte_tx) AS l3_byte_tx, sum(l4_byte_rx) AS l4_byte_rx,
                       sum(syn_count) AS syn_count, sum(synack_count) AS synack_count,
                       sum(srt_sum)::BIGINT AS srt_sum, sum(srt_count) AS srt_count, max(srt_max) AS srt_max,
                       sum(retrans_tx) AS retrans_tx, sum(retrans_rx) AS retrans_rx,
                       sum(zero_win_tx) AS zero_win_tx, sum(zero_win_rx) AS zero_win_rx,
                       sum(ooo_tx) AS ooo_tx, sum(ooo_rx) AS ooo_rx, sum(l7_request) AS l7_request,
                       sum(l7_response) AS l7_response, sum(l7_server_timeout) AS l7_timeout,
                       sum(is_new_flow) AS new_flow, count(*) FILTER (close_type <> 5) AS closed_flow,
                       count(*) FILTER (close_type = 9) AS client_rst_flow,
                       count(*) FILTER (close_type = 2) AS server_rst_flow,
                       count(*) FILTER (close_type = 3 AND protocol = 6) AS tcp_timeout,
                       count(*) FILTER (close_type = 15) AS server_reset,
                       count(*) FILTER (close_type IN (7, 15, 18) AND protocol = 6) AS tcp_establish_fail,
                       count(DISTINCT flow_id) FILTER (rtt IS NOT NULL) AS rtt_count, max(rtt)::BIGINT AS rtt_max
                FROM flow_log.l4_flow_log""").get(0);
        Map<String, Object> seconds = rows(c, """
                SELECT sum(packet_tx) AS packet_tx, sum(packet_rx) AS packet_rx, sum(byte_tx) AS byte_tx,
                       sum(byte_rx) AS byte_rx, sum(l3_byte_tx) AS l3_byte_tx, sum(l4_byte_rx) AS l4_byte_rx,
                       sum(syn_count) AS syn_count, sum(synack_count) AS synack_count,
                       sum(srt_sum)::BIGINT AS srt_sum, sum(srt_count) AS srt_count, max(srt_max) AS srt_max,
                       sum(retrans_tx) AS retrans_tx, sum(retrans_rx) AS retrans_rx,
                       sum(zero_win_tx) AS zero_win_tx, sum(zero_win_rx) AS zero_win_rx,
                       sum(ooo_tx) AS ooo_tx, sum(ooo_rx) AS ooo_rx, sum(l7_request) AS l7_request,
                       sum(l7_response) AS l7_response, sum(l7_timeout) AS l7_timeout,
                       sum(new_flow) AS new_flow, sum(closed_flow) AS closed_flow,
                       sum(client_rst_flow) AS client_rst_flow, sum(server_rst_flow) AS server_rst_flow,
                       sum(tcp_timeout) AS tcp_timeout, sum(server_reset) AS server_reset,
                       sum(tcp_establish_fail) AS tcp_establish_fail, sum(rtt_count) AS rtt_count, max(rtt_max)::BIGINT AS rtt_max
                FROM flow_metrics."network_map.1s\"""").get(0);
        assertThat(string(seconds)).isEqualTo(string(flows));
        assertThat(((Number) flows.get("packet_tx")).longValue()).isPositive();
        // the single-end table: each edge's packets once at its client (tx) and once at its server (rx)
        Map<String, Object> ends = rows(c, """
                SELECT sum(packet_tx) FILTER (role = 0) AS client_tx, sum(packet_rx) FILTER (role = 1) AS server_rx,
                       sum(byte_rx) FILTER (role = 0) AS client_rx, sum(byte_tx) FILTER (role = 1) AS server_tx,
                       sum(new_flow) FILTER (role = 1) AS new_flow
                FROM flow_metrics."network.1s\"""").get(0);
        assertThat(string(ends)).isEqualTo("{client_tx=" + flows.get("packet_tx") + ", server_rx=" + flows.get("packet_tx")
                + ", client_rx=" + flows.get("byte_rx") + ", server_tx=" + flows.get("byte_rx")
                + ", new_flow=" + flows.get("new_flow") + "}");
    }

    private static String string(Map<String, Object> m) {
        Map<String, String> s = new LinkedHashMap<>();
        m.forEach((k, v) -> s.put(k, String.valueOf(v == null ? 0 : ((Number) v).longValue())));
        return s.toString();
    }

    private static List<String> metricColumns(Connection c, String table, Set<String> tags) throws Exception {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> r : rows(c, "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                + "'flow_metrics' AND table_name = '" + table + "' ORDER BY ordinal_position")) {
            String name = (String) r.get("column_name");
            if (!tags.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    private static long count(Connection c, String table) throws Exception {
        return ((Number) rows(c, "SELECT count(*) AS n FROM " + table).get(0).get("n")).longValue();
    }

    static List<Map<String, Object>> rows(Connection c, String sql) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= n; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }
}
