package io.flowscope.api;

import java.util.Objects;
import java.util.Set;

/**
 * What a probe is and what it needs from the kernel.
 *
 * @param id                   stable identifier, lower case (e.g. {@code afpacket})
 * @param kind                 where it observes from
 * @param version              version of the probe
 * @param kernelRequirements   kernel features it cannot run without (names as in {@link ProbeContext#kernelFeatures()},
 *                             e.g. {@code btf}, {@code ringbuf}, {@code tracepoint}); the host refuses to
 *                             start a probe whose requirements are missing and reports which
 */
public record ProbeDescriptor(String id, ProbeKind kind, String version, Set<String> kernelRequirements) {

    /** Validates and copies. */
    public ProbeDescriptor {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(version, "version");
        kernelRequirements = Set.copyOf(kernelRequirements);
    }
}
