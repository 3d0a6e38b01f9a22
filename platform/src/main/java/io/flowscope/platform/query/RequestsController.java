package io.flowscope.platform.query;

import io.flowscope.api.ResponseStatus;
import io.flowscope.platform.store.DuckDbStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/requests}: l7_flow_log rows, filtered and paged, oldest first. */
@RestController
class RequestsController {

    static final String COLUMNS = "_id, flow_id, start_time, end_time, is_ipv4, ip4_0, ip4_1, ip6_0, ip6_1, "
            + "client_port, server_port, l7_protocol, l7_protocol_str, version, type, request_type, request_domain, "
            + "request_resource, endpoint, request_id, response_status, response_code, response_exception, "
            + "response_duration, request_length, response_length, trace_id, span_id, attributes";

    private final DuckDbStore store;

    RequestsController(DuckDbStore store) {
        this.store = store;
    }

    /**
     * @param protocol protocol id as the plugins name it ({@code http1})
     * @param status   {@code ok}, {@code client_error}, {@code server_error}, {@code timeout}, {@code unknown},
     *                 {@code parse_failed}, or DeepFlow's number
     * @param code     response code (HTTP status …)
     */
    @GetMapping("/api/v1/requests")
    Map<String, Object> requests(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
                                 @RequestParam(required = false) String ip, @RequestParam(required = false) Integer port,
                                 @RequestParam(required = false) String protocol, @RequestParam(required = false) String status,
                                 @RequestParam(required = false) Integer code,
                                 @RequestParam(required = false) Integer limit, @RequestParam(required = false) Integer offset)
            throws SQLException {
        int lim = LogFilter.limit(limit);
        int off = LogFilter.offset(offset);
        LogFilter f = new LogFilter().timeRange(from, to).ip(ip).port(port)
                .equal("l7_protocol_str", protocol).equal("response_status", status(status)).equal("response_code", code);
        String sql = "SELECT " + COLUMNS + " FROM flow_log.l7_flow_log" + f.where()
                + " ORDER BY start_time, _id LIMIT " + lim + " OFFSET " + off;
        try (Connection c = store.connection()) {
            return FlowsController.page(Rows.query(c, sql, f.params()), lim, off);
        }
    }

    private static Integer status(String s) {
        if (s == null) {
            return null;
        }
        for (ResponseStatus r : ResponseStatus.values()) {
            if (r.name().equalsIgnoreCase(s) || Integer.toString(r.code()).equals(s)) {
                return r.code();
            }
        }
        throw new BadQueryException("status: '" + s.toLowerCase(Locale.ROOT)
                + "' is not one of ok, client_error, server_error, timeout, unknown, parse_failed (or 0, 2-6)");
    }
}
