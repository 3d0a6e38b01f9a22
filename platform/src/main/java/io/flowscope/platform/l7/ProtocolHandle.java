package io.flowscope.platform.l7;

import io.flowscope.api.ProtocolDescriptor;
import io.flowscope.api.ProtocolParserFactory;

/**
 * A protocol parser factory as the pipeline uses it: with the plugin it came from and a switch that
 * turns it off for good the first time its code throws.
 */
public final class ProtocolHandle {

    /** Told when a plugin's code failed; the host disables and reports the plugin. */
    @FunctionalInterface
    public interface FailureListener {
        void pluginFailed(String pluginId, String during, Throwable error);
    }

    private final String pluginId;
    private final ProtocolParserFactory factory;
    private final ProtocolDescriptor descriptor;
    private final FailureListener failures;
    private volatile boolean enabled = true;

    public ProtocolHandle(String pluginId, ProtocolParserFactory factory, ProtocolDescriptor descriptor, FailureListener failures) {
        this.pluginId = pluginId;
        this.factory = factory;
        this.descriptor = descriptor;
        this.failures = failures;
    }

    /** Problems the plugin's parsers reported, by kind (the first of each is logged). */
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicLong> problems =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** A problem of a connection's input that a parser handled: counted by kind, the first of each logged. */
    void problem(String kind, String message, Object connection) {
        String k = kind == null || kind.isBlank() ? "unnamed" : kind;
        if (problems.computeIfAbsent(k, x -> new java.util.concurrent.atomic.AtomicLong()).getAndIncrement() == 0) {
            org.slf4j.LoggerFactory.getLogger(ProtocolHandle.class).info("{}: {} on {}: {} (further ones are counted)",
                    pluginId, k, connection, message);
        }
    }

    /** Reported problems by kind. */
    public java.util.Map<String, Long> problems() {
        java.util.Map<String, Long> m = new java.util.TreeMap<>();
        problems.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    public String pluginId() {
        return pluginId;
    }

    public ProtocolParserFactory factory() {
        return factory;
    }

    public ProtocolDescriptor descriptor() {
        return descriptor;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Disables this protocol after its code threw; reported once. */
    void fail(String during, Throwable error) {
        if (error instanceof VirtualMachineError && !(error instanceof StackOverflowError)) {
            throw (VirtualMachineError) error;
        }
        boolean first = enabled;
        enabled = false;
        if (first) {
            failures.pluginFailed(pluginId, during, error);
        }
    }
}
