package io.flowscope.platform.l7;

import io.flowscope.api.ProtocolDescriptor;
import io.flowscope.api.ProtocolParserFactory;

/**
 * A protocol parser factory as the pipeline uses it: with the plugin it came from, its failure counts,
 * and the switch {@link FailurePolicy} turns off (for a cool-down) when its code throws too often.
 * Thread-safe: several pipelines share a handle.
 */
public final class ProtocolHandle {

    /** Told when a plugin's code failed, and whether that disabled it; the host reports the plugin. */
    @FunctionalInterface
    public interface FailureListener {
        void pluginFailed(String pluginId, String during, Throwable error, Object connection, boolean disabled);
    }

    private final String pluginId;
    private final ProtocolParserFactory factory;
    private final ProtocolDescriptor descriptor;
    private final FailureListener failures;
    private final FailurePolicy policy;
    private final java.util.concurrent.atomic.AtomicLong totalFailures = new java.util.concurrent.atomic.AtomicLong();
    private long windowStart = System.nanoTime();
    private long windowFailures;
    private long windowAttempts;
    /** nanoTime until which the protocol is off; {@code Long.MIN_VALUE} when on. */
    private volatile long disabledUntil = Long.MIN_VALUE;
    private final boolean obfuscate;

    public ProtocolHandle(String pluginId, ProtocolParserFactory factory, ProtocolDescriptor descriptor,
                          FailureListener failures, FailurePolicy policy) {
        this(pluginId, factory, descriptor, failures, policy, true);
    }

    /** @param obfuscate whether its parsers replace literals in statements and values ({@code flowscope.l7.obfuscate}) */
    public ProtocolHandle(String pluginId, ProtocolParserFactory factory, ProtocolDescriptor descriptor,
                          FailureListener failures, FailurePolicy policy, boolean obfuscate) {
        this.obfuscate = obfuscate;
        this.pluginId = pluginId;
        this.factory = factory;
        this.descriptor = descriptor;
        this.failures = failures;
        this.policy = policy;
    }

    /** What its parsers' {@code ParserContext.obfuscate()} says. */
    public boolean obfuscate() {
        return obfuscate;
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

    /** Whether the protocol is used; after a cool-down a disabled one comes back by itself. */
    public boolean enabled() {
        long until = disabledUntil;
        if (until == Long.MIN_VALUE) {
            return true;
        }
        if (System.nanoTime() - until >= 0) {
            enable();
            return true;
        }
        return false;
    }

    /** Turns the protocol on again now, with fresh counts. */
    public synchronized void enable() {
        disabledUntil = Long.MIN_VALUE;
        windowStart = System.nanoTime();
        windowFailures = 0;
        windowAttempts = 0;
    }

    /** Failures of its code since the host started. */
    public long failureCount() {
        return totalFailures.get();
    }

    /** A parser was created for a connection: one attempt. */
    synchronized void sessionStarted() {
        roll();
        windowAttempts++;
    }

    /**
     * Its code threw on {@code connection}: counted; disabled when the policy says so. The caller has ended
     * that connection's session.
     */
    void failed(String during, Throwable error, Object connection) {
        if (error instanceof VirtualMachineError && !(error instanceof StackOverflowError)) {
            throw (VirtualMachineError) error;
        }
        totalFailures.incrementAndGet();
        boolean disable;
        synchronized (this) {
            roll();
            windowFailures++;
            windowAttempts++;
            disable = disabledUntil == Long.MIN_VALUE && windowFailures >= policy.minFailures()
                    && windowFailures >= policy.maxFailureRatio() * windowAttempts;
            if (disable) {
                disabledUntil = System.nanoTime() + policy.coolDown().toNanos();
            }
        }
        failures.pluginFailed(pluginId, during, error, connection, disable);
    }

    private void roll() {
        long now = System.nanoTime();
        if (now - windowStart > policy.window().toNanos()) {
            windowStart = now;
            windowFailures = 0;
            windowAttempts = 0;
        }
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
}
