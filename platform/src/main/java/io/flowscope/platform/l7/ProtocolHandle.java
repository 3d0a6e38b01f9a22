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
