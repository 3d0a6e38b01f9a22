package io.flowscope.platform.query;

import io.flowscope.api.ResponseStatus;
import io.flowscope.platform.store.LogQuery;
import io.flowscope.platform.store.LogQuery.Field;
import io.flowscope.platform.store.Store;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/requests}: l7_flow_log rows, filtered and paged, oldest first. */
@RestController
class RequestsController {

    private final Store store;

    RequestsController(Store store) {
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
        LogQuery q = LogParameters.query(from, to, ip, port, limit, offset)
                .withEqual(Field.L7_PROTOCOL_NAME, protocol)
                .withEqual(Field.RESPONSE_STATUS, status(status))
                .withEqual(Field.RESPONSE_CODE, code);
        return LogParameters.json(store.requests(q));
    }

    private static ResponseStatus status(String s) {
        if (s == null) {
            return null;
        }
        for (ResponseStatus r : ResponseStatus.values()) {
            if (r.name().equalsIgnoreCase(s) || Integer.toString(r.code()).equals(s)) {
                return r;
            }
        }
        throw new BadQueryException("status: '" + s.toLowerCase(Locale.ROOT)
                + "' is not one of ok, client_error, server_error, timeout, unknown, parse_failed (or 0, 2-6)");
    }
}
