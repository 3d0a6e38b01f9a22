package io.flowscope.api;

import java.util.Map;
import java.util.Set;

/**
 * Host services for a probe. Every service is a default method that throws
 * {@link UnsupportedOperationException} until the host provides it, so adding services never breaks a
 * plugin compiled against an older minor version.
 */
public interface ProbeContext {

    /** The probe's settings from the host configuration ({@code flowscope.probes.<id>.*}), keys without the prefix. */
    default Map<String, String> settings() {
        return Map.of();
    }

    /** Kernel features detected at host start (e.g. {@code btf}, {@code ringbuf}, {@code tracepoint}, {@code uprobe}). */
    default Set<String> kernelFeatures() {
        throw new UnsupportedOperationException("kernel feature detection is not provided by this host");
    }

    /**
     * Reports a problem once with context (the host logs and counts it); the probe keeps running.
     *
     * @param kind    short, stable name of the problem (used as a metric label)
     * @param message what happened, for people
     */
    default void reportProblem(String kind, String message) {
        System.getLogger("flowscope.probe").log(System.Logger.Level.WARNING, kind + ": " + message);
    }
}
