package io.flowscope.platform.metrics.network;

/**
 * One single-end {@code flow_metrics."network.1s"} or {@code "network.1m"} row: one address in one role in one
 * bucket; {@code _tx} is what that address sent (DeepFlow reverses the server end's meter the same way).
 * Immutable once handed out.
 *
 * @param timeMicros the start of its bucket, epoch µs
 * @param minute     whether it is a minute row (else a second row)
 * @param values     indexed by {@link NetworkMetric#ordinal()}
 */
public record NetworkRow(long timeMicros, boolean minute, EndpointKey key, long[] values) {

    public long value(NetworkMetric m) {
        return values[m.ordinal()];
    }
}
