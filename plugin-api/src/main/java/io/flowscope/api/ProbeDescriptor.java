package io.flowscope.api;

import java.util.Objects;
import java.util.Set;

/**
 * What a probe is and what it needs from the kernel. Build with {@link #builder(String, ProbeKind)}.
 */
public final class ProbeDescriptor {

    private final String id;
    private final ProbeKind kind;
    private final String version;
    private final Set<String> kernelRequirements;

    private ProbeDescriptor(Builder b) {
        this.id = Objects.requireNonNull(b.id, "id");
        this.kind = Objects.requireNonNull(b.kind, "kind");
        this.version = Objects.requireNonNull(b.version, "version");
        this.kernelRequirements = Set.copyOf(b.kernelRequirements);
    }

    /** A builder for the probe with this id (lower case, e.g. {@code afpacket}) observing from {@code kind}. */
    public static Builder builder(String id, ProbeKind kind) {
        return new Builder(id, kind);
    }

    /** Stable identifier, lower case. */
    public String id() {
        return id;
    }

    /** Where it observes from. */
    public ProbeKind kind() {
        return kind;
    }

    /** Version of the probe. */
    public String version() {
        return version;
    }

    /**
     * Kernel features it cannot run without (names as in {@link ProbeContext#kernelFeatures()}, e.g.
     * {@code btf}, {@code ringbuf}, {@code tracepoint}); the host refuses to start a probe whose
     * requirements are missing and reports which.
     */
    public Set<String> kernelRequirements() {
        return kernelRequirements;
    }

    /** Builder of {@link ProbeDescriptor}. */
    public static final class Builder {
        private final String id;
        private final ProbeKind kind;
        private String version = "0";
        private Set<String> kernelRequirements = Set.of();

        private Builder(String id, ProbeKind kind) {
            this.id = id;
            this.kind = kind;
        }

        /** Sets the probe's version. */
        public Builder version(String v) { version = v; return this; }
        /** Sets the kernel features it needs. */
        public Builder kernelRequirements(Set<String> v) { kernelRequirements = v; return this; }

        /** Builds the descriptor. */
        public ProbeDescriptor build() {
            return new ProbeDescriptor(this);
        }
    }
}
