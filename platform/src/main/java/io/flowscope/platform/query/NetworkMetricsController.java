package io.flowscope.platform.query;

import io.flowscope.platform.store.MetricsQuery;
import io.flowscope.platform.store.Store;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/metrics/network}: the network metrics (flow_metrics."network_map.1s" or "network_map.1m"),
 * summed per the tags asked for, one page of them, in the order of those tags.
 */
@RestController
class NetworkMetricsController {

    static final int DEFAULT_LIMIT = 1000;

    private final Store store;

    NetworkMetricsController(Store store) {
        this.store = store;
    }

    /**
     * @param from        buckets that end after this instant (ISO-8601 or epoch seconds)
     * @param to          buckets that start at or before this instant
     * @param interval    {@code 1m} (the default) or {@code 1s}
     * @param groupBy     comma-separated tags: {@code time}, {@code ip_0} (client), {@code ip_1} (server),
     *                    {@code server_port}, {@code protocol}, {@code capture_nic}; default {@code time}; empty for
     *                    one row of totals
     * @param client      the client's address
     * @param server      the server's address
     * @param ip          either side's address
     * @param serverPort  the server's port
     * @param protocol    {@code tcp}, {@code udp}, {@code icmp} or an IP protocol number
     */
    @GetMapping("/api/v1/metrics/network")
    Map<String, Object> network(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
                                @RequestParam(required = false) String interval,
                                @RequestParam(name = "group_by", required = false) String groupBy,
                                @RequestParam(required = false) String client, @RequestParam(required = false) String server,
                                @RequestParam(required = false) String ip,
                                @RequestParam(name = "server_port", required = false) Integer serverPort,
                                @RequestParam(required = false) String protocol,
                                @RequestParam(required = false) Integer limit, @RequestParam(required = false) Integer offset)
            throws SQLException {
        MetricsQuery q = new MetricsQuery(interval(interval),
                from == null ? null : LogParameters.micros(from, "from"),
                to == null ? null : LogParameters.micros(to, "to"),
                groupBy(groupBy),
                client == null ? null : address(client, "client"),
                server == null ? null : address(server, "server"),
                ip == null ? null : address(ip, "ip"),
                serverPort == null ? null : port(serverPort),
                FlowsController.ipProtocol(protocol),
                limit == null ? DEFAULT_LIMIT : LogParameters.limit(limit),
                LogParameters.offset(offset));
        return LogParameters.json(store.networkMetrics(q));
    }

    private static MetricsQuery.Interval interval(String s) {
        if (s == null) {
            return MetricsQuery.Interval.MINUTE;
        }
        for (MetricsQuery.Interval i : MetricsQuery.Interval.values()) {
            if (i.suffix().equals(s.toLowerCase(Locale.ROOT))) {
                return i;
            }
        }
        throw new BadQueryException("interval: '" + s + "' is not 1s or 1m");
    }

    private static List<MetricsQuery.Group> groupBy(String s) {
        if (s == null) {
            return List.of(MetricsQuery.Group.TIME);
        }
        List<MetricsQuery.Group> out = new ArrayList<>();
        for (String word : s.split(",", -1)) {
            String w = word.trim().toLowerCase(Locale.ROOT);
            if (w.isEmpty() && s.isBlank()) {
                continue; // group_by= : totals
            }
            MetricsQuery.Group g = Arrays.stream(MetricsQuery.Group.values()).filter(x -> x.word().equals(w)).findFirst()
                    .orElseThrow(() -> new BadQueryException("group_by: '" + word.trim() + "' is not one of "
                            + Arrays.stream(MetricsQuery.Group.values()).map(MetricsQuery.Group::word)
                                    .collect(Collectors.joining(", "))));
            if (out.contains(g)) {
                throw new BadQueryException("group_by: '" + g.word() + "' is given twice");
            }
            out.add(g);
        }
        return out;
    }

    private static io.flowscope.platform.store.LogQuery.Ip address(String text, String name) {
        try {
            return LogParameters.ip(text);
        } catch (BadQueryException e) {
            throw new BadQueryException(name + ": '" + text + "' is not an IPv4 or IPv6 address");
        }
    }

    private static int port(int port) {
        if (port < 0 || port > 65535) {
            throw new BadQueryException("server_port: " + port + " is not a port number");
        }
        return port;
    }
}
