package io.flowscope.api;

/** A running source of observations, created by a {@link ProbeFactory}. */
public interface Probe {

    /** Attaches and starts producing. Throws if it cannot start at all; partial starts report DEGRADED. */
    void start(ProbeContext context) throws Exception;

    /** Detaches and releases everything. Must be safe to call more than once. */
    void stop();

    /** Current state. */
    ProbeHealth health();
}
