package io.flowscope.platform.metrics.network;

/**
 * One {@code flow_metrics."network_map.1s"} or {@code "network_map.1m"} row: one client → server edge in one
 * bucket. Immutable once handed out (its values are not touched again by the aggregator), so it crosses to
 * the store's writer thread as it is.
 *
 * @param timeMicros the start of its bucket, epoch µs
 * @param minute     whether it is a minute row (else a second row)
 * @param values     indexed by {@link NetworkMetric#ordinal()}
 */
public record NetworkMapRow(long timeMicros, boolean minute, EdgeKey key, long[] values) {

    public long value(NetworkMetric m) {
        return values[m.ordinal()];
    }
}
