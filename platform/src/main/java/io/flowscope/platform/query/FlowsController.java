package io.flowscope.platform.query;

import io.flowscope.platform.store.DuckDbStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/flows}: l4_flow_log rows, filtered and paged, oldest first. */
@RestController
class FlowsController {

    static final String COLUMNS = "flow_id, start_time, end_time, duration, is_ipv4, ip4_0, ip4_1, ip6_0, ip6_1, "
            + "protocol, client_port, server_port, packet_tx, packet_rx, byte_tx, byte_rx, l4_byte_tx, l4_byte_rx, "
            + "tcp_flags_bit_0, tcp_flags_bit_1, rtt, rtt_client, rtt_server, srt_sum, srt_count, srt_max, "
            + "retrans_tx, retrans_rx, zero_win_tx, zero_win_rx, close_type, status, direction_score, "
            + "l7_protocol, request_domain, l7_request, l7_response, l7_client_error, l7_server_error, l7_server_timeout";

    private final DuckDbStore store;

    FlowsController(DuckDbStore store) {
        this.store = store;
    }

    /**
     * @param from     flows still alive at or after this instant (ISO-8601 or epoch seconds)
     * @param to       flows started at or before this instant
     * @param ip       either side's address
     * @param port     either side's port
     * @param protocol {@code tcp}, {@code udp}, {@code icmp} or an IP protocol number
     */
    @GetMapping("/api/v1/flows")
    Map<String, Object> flows(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
                              @RequestParam(required = false) String ip, @RequestParam(required = false) Integer port,
                              @RequestParam(required = false) String protocol,
                              @RequestParam(required = false) Integer limit, @RequestParam(required = false) Integer offset)
            throws SQLException {
        int lim = LogFilter.limit(limit);
        int off = LogFilter.offset(offset);
        LogFilter f = new LogFilter().timeRange(from, to).ip(ip).port(port).equal("protocol", ipProtocol(protocol));
        String sql = "SELECT " + COLUMNS + " FROM flow_log.l4_flow_log" + f.where()
                + " ORDER BY start_time, flow_id LIMIT " + lim + " OFFSET " + off;
        try (Connection c = store.connection()) {
            List<Map<String, Object>> rows = Rows.query(c, sql, f.params());
            return page(rows, lim, off);
        }
    }

    static Map<String, Object> page(List<Map<String, Object>> rows, int limit, int offset) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", rows.size());
        out.put("limit", limit);
        out.put("offset", offset);
        out.put("next_offset", rows.size() == limit ? offset + limit : null);
        out.put("rows", rows);
        return out;
    }

    private static Integer ipProtocol(String p) {
        if (p == null) {
            return null;
        }
        return switch (p.toLowerCase(java.util.Locale.ROOT)) {
            case "tcp" -> 6;
            case "udp" -> 17;
            case "icmp" -> 1;
            case "icmpv6", "icmp6" -> 58;
            default -> {
                try {
                    int n = Integer.parseInt(p);
                    if (n < 0 || n > 255) {
                        throw new NumberFormatException();
                    }
                    yield n;
                } catch (NumberFormatException e) {
                    throw new BadQueryException("protocol: '" + p + "' is not tcp, udp, icmp, icmpv6 or a number 0-255");
                }
            }
        };
    }
}
