package io.flowscope.platform.store;

import io.flowscope.api.ResponseStatus;
import io.flowscope.platform.store.LogQuery.Field;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link LogQuery} as DuckDB SQL: one parameterised SELECT of a table's API columns, oldest first, one page. */
final class DuckDbLogQueries {

    /** What a log query reads: the table, its columns (the JSON keys, in order), its order and its fields. */
    record Table(String name, String columns, String order, Map<Field, String> fields) {
    }

    static final Table FLOWS = new Table("flow_log.l4_flow_log",
            "flow_id, start_time, end_time, duration, is_ipv4, ip4_0, ip4_1, ip6_0, ip6_1, "
                    + "protocol, client_port, server_port, packet_tx, packet_rx, byte_tx, byte_rx, l4_byte_tx, l4_byte_rx, "
                    + "tcp_flags_bit_0, tcp_flags_bit_1, rtt, rtt_client, rtt_server, srt_sum, srt_count, srt_max, "
                    + "retrans_tx, retrans_rx, zero_win_tx, zero_win_rx, syn_count, synack_count, retrans_syn, retrans_synack, "
                    + "ooo_tx, ooo_rx, lost_tx, lost_rx, art_sum, art_count, art_max, mss_0, mss_1, win_scale_0, win_scale_1, "
                    + "close_type, status, direction_score, "
                    + "l7_protocol, request_domain, l7_request, l7_response, l7_client_error, l7_server_error, l7_server_timeout",
            "start_time, flow_id", Map.of(Field.PROTOCOL, "protocol"));

    static final Table REQUESTS = new Table("flow_log.l7_flow_log",
            "_id, flow_id, start_time, end_time, is_ipv4, ip4_0, ip4_1, ip6_0, ip6_1, "
                    + "client_port, server_port, l7_protocol, l7_protocol_str, version, type, request_type, request_domain, "
                    + "request_resource, endpoint, request_id, response_status, response_code, response_exception, "
                    + "response_duration, request_length, response_length, trace_id, span_id, attributes, "
                    + "signal_source, process_id_0, process_id_1, process_kname_0, process_kname_1",
            "start_time, _id", Map.of(Field.PROTOCOL, "protocol", Field.L7_PROTOCOL_NAME, "l7_protocol_str",
                    Field.RESPONSE_STATUS, "response_status", Field.RESPONSE_CODE, "response_code"));

    /** A statement and the values of its parameters, in order. */
    /** A condition that either end's address is {@code ip} (none when it is null), for the flow and metric tables. */
    static void eitherEnd(List<String> where, List<Object> params, LogQuery.Ip ip) {
        if (ip instanceof LogQuery.Ip.V4 v4) {
            where.add("(ip4_0 = ? OR ip4_1 = ?)");
            params.add(v4.value());
            params.add(v4.value());
        } else if (ip instanceof LogQuery.Ip.V6 v6) {
            where.add("(ip6_0 = ? OR ip6_1 = ?)");
            params.add(v6.text());
            params.add(v6.text());
        }
    }

    record Sql(String text, List<Object> params) {
    }

    private DuckDbLogQueries() {
    }

    static Page page(Connection c, Table t, LogQuery q) throws SQLException {
        Sql s = render(t, q);
        return new Page(Rows.query(c, s.text(), s.params()), q.limit(), q.offset());
    }

    static Sql render(Table t, LogQuery q) {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        // a row overlaps [from, to] when it ends at or after from and starts at or before to
        if (q.fromMicros() != null) {
            where.add("end_time >= make_timestamp(?)");
            params.add(q.fromMicros());
        }
        if (q.toMicros() != null) {
            where.add("start_time <= make_timestamp(?)");
            params.add(q.toMicros());
        }
        eitherEnd(where, params, q.ip());
        if (q.port() != null) {
            where.add("(client_port = ? OR server_port = ?)");
            params.add(q.port());
            params.add(q.port());
        }
        q.equal().forEach((field, value) -> {
            String column = t.fields().get(field);
            if (column == null) {
                throw new IllegalArgumentException(t.name() + " has no " + field);
            }
            where.add(column + " = ?");
            params.add(value instanceof ResponseStatus s ? s.code() : value);
        });
        String text = "SELECT " + t.columns() + " FROM " + t.name()
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY " + t.order() + " LIMIT " + q.limit() + " OFFSET " + q.offset();
        return new Sql(text, params);
    }
}
