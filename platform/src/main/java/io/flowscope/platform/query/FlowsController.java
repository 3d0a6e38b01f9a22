package io.flowscope.platform.query;

import io.flowscope.platform.store.LogQuery;
import io.flowscope.platform.store.Store;
import java.sql.SQLException;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/flows}: l4_flow_log rows, filtered and paged, oldest first. */
@RestController
class FlowsController {

    private final Store store;

    FlowsController(Store store) {
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
        LogQuery q = LogParameters.query(from, to, ip, port, limit, offset)
                .withEqual(LogQuery.Field.PROTOCOL, ipProtocol(protocol));
        return LogParameters.json(store.flows(q));
    }

    static Integer ipProtocol(String p) {
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
