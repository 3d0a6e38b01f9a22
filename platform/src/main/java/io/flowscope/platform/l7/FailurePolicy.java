package io.flowscope.platform.l7;

import java.time.Duration;

/**
 * When a protocol plugin whose code throws is turned off: a throw ends only the L7 session of that
 * connection; the plugin is disabled once, within one window, at least {@code minFailures} calls failed
 * and they were at least {@code maxFailureRatio} of its attempts (sessions started plus failed calls),
 * and it comes back by itself after {@code coolDown} (or at once through
 * {@code POST /api/v1/plugins/{id}/enable}). One odd packet on a live link must not turn HTTP off for
 * everyone; a plugin that fails on everything must not slow every connection down.
 */
public record FailurePolicy(int minFailures, double maxFailureRatio, Duration window, Duration coolDown) {

    /** 5 failures that are half or more of a minute's attempts; back after 5 minutes. */
    public static final FailurePolicy DEFAULT = new FailurePolicy(5, 0.5, Duration.ofMinutes(1), Duration.ofMinutes(5));

    public FailurePolicy {
        if (minFailures < 1 || maxFailureRatio <= 0 || maxFailureRatio > 1 || window.isNegative() || coolDown.isNegative()) {
            throw new IllegalArgumentException("failure policy: minFailures ≥ 1, 0 < maxFailureRatio ≤ 1, durations ≥ 0");
        }
    }
}
