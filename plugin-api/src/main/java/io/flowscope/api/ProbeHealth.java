package io.flowscope.api;

import java.util.Objects;

/** How a running probe is doing. Made with {@link #running}, {@link #degraded} or {@link #failed}. */
public final class ProbeHealth {

    /** Coarse state of a probe. */
    public enum State {
        /** Everything attached and running. */
        RUNNING,
        /** Running with parts missing (see detail). */
        DEGRADED,
        /** Not running. */
        FAILED
    }

    private final State state;
    private final String detail;
    private final long drops;

    private ProbeHealth(State state, String detail, long drops) {
        this.state = Objects.requireNonNull(state, "state");
        this.detail = Objects.requireNonNull(detail, "detail");
        this.drops = drops;
    }

    /** Everything attached; {@code drops} events or packets lost since start. */
    public static ProbeHealth running(String detail, long drops) {
        return new ProbeHealth(State.RUNNING, detail, drops);
    }

    /** Running with parts missing, said in {@code detail}. */
    public static ProbeHealth degraded(String detail, long drops) {
        return new ProbeHealth(State.DEGRADED, detail, drops);
    }

    /** Not running, for the reason in {@code detail}. */
    public static ProbeHealth failed(String detail) {
        return new ProbeHealth(State.FAILED, detail, 0);
    }

    /** Running, degraded or failed. */
    public State state() {
        return state;
    }

    /** A sentence for people: what is wrong, or what is attached. */
    public String detail() {
        return detail;
    }

    /** Events or packets lost since start (ring full, kernel drops). */
    public long drops() {
        return drops;
    }

    @Override
    public String toString() {
        return state + ": " + detail + (drops > 0 ? " (" + drops + " dropped)" : "");
    }
}
