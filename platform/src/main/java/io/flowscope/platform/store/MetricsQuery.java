package io.flowscope.platform.store;

import java.util.List;

/**
 * Which network metrics to read, in terms every store understands: a granularity, a time range, the tags to
 * group by, equalities on tags, and a page. Callers never pass SQL. A null component sets no condition.
 * The rows are network_map's (one per client → server edge and bucket), summed over what is not grouped by.
 *
 * @param interval   the tables read: {@code network_map.1s} or {@code network_map.1m}
 * @param fromMicros buckets that end after this instant ({@code time + interval > from}), epoch µs
 * @param toMicros   buckets that start at or before this instant ({@code time <= to}), epoch µs
 * @param groupBy    the tags each answer row is per, in this order (none: one row of totals)
 * @param client     the client's address ({@code ip_0})
 * @param server     the server's address ({@code ip_1})
 * @param ip         either side's address
 * @param serverPort the server's port
 * @param protocol   the IP protocol number
 */
public record MetricsQuery(Interval interval, Long fromMicros, Long toMicros, List<Group> groupBy, LogQuery.Ip client,
                           LogQuery.Ip server, LogQuery.Ip ip, Integer serverPort, Integer protocol, int limit,
                           int offset) {

    /** The buckets: a second or a minute. */
    public enum Interval {
        SECOND("1s", 1_000_000L), MINUTE("1m", 60_000_000L);

        private final String suffix;
        private final long micros;

        Interval(String suffix, long micros) {
            this.suffix = suffix;
            this.micros = micros;
        }

        /** The table suffix and the API's word: {@code 1s}, {@code 1m}. */
        public String suffix() {
            return suffix;
        }

        public long micros() {
            return micros;
        }
    }

    /** The tags a query can group by; the API's words are {@link #word()}. */
    public enum Group {
        TIME("time"), CLIENT("ip_0"), SERVER("ip_1"), SERVER_PORT("server_port"), PROTOCOL("protocol"),
        CAPTURE_NIC("capture_nic");

        private final String word;

        Group(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    public MetricsQuery {
        if (interval == null) {
            throw new IllegalArgumentException("an interval is needed");
        }
        if (limit < 1 || offset < 0) {
            throw new IllegalArgumentException("limit must be at least 1 and offset not negative: " + limit + ", " + offset);
        }
        if (serverPort != null && (serverPort < 0 || serverPort > 65535)) {
            throw new IllegalArgumentException(serverPort + " is not a port number");
        }
        if (protocol != null && (protocol < 0 || protocol > 255)) {
            throw new IllegalArgumentException(protocol + " is not an IP protocol number");
        }
        groupBy = groupBy == null ? List.of() : List.copyOf(groupBy);
        if (groupBy.stream().distinct().count() != groupBy.size()) {
            throw new IllegalArgumentException("a tag is grouped by twice: " + groupBy);
        }
    }
}
