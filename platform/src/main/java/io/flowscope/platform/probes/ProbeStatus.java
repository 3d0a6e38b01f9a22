package io.flowscope.platform.probes;

/**
 * One probe as {@code GET /api/v1/probes} shows it.
 *
 * @param state   {@code RUNNING}, {@code DEGRADED}, {@code FAILED} (its start or its health failed),
 *                {@code REFUSED} (a kernel feature it needs is missing) or {@code STOPPED}
 * @param detail  what its health says, or why it is not running
 * @param drops   observations it lost (ring overflows …)
 * @param problems problems it reported through its context
 */
public record ProbeStatus(String id, String kind, String version, String state, String detail, long drops, long problems) {
}
