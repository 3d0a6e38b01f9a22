package io.flowscope.api;

/**
 * How a running probe is doing.
 *
 * @param state   running, degraded (some parts could not attach) or failed
 * @param detail  a sentence for people: what is wrong, or what is attached
 * @param drops   events or packets lost since start (ring full, kernel drops)
 */
public record ProbeHealth(State state, String detail, long drops) {

    /** Coarse state of a probe. */
    public enum State {
        /** Everything attached and running. */
        RUNNING,
        /** Running with parts missing (see detail). */
        DEGRADED,
        /** Not running. */
        FAILED
    }
}
