package io.flowscope.api;

import java.util.Objects;
import java.util.Set;

/**
 * What a protocol plugin parses.
 *
 * @param id                stable identifier, lower case (e.g. {@code http1}); used in summaries and the API
 * @param displayName       name shown to people (e.g. {@code HTTP/1.x})
 * @param transport         transport the protocol runs on
 * @param defaultPorts      ports where this protocol is usual; a hint for the order of detection, never a rule
 * @param version           version of the plugin's parser
 * @param l7ProtocolId      DeepFlow's {@code l7_protocol} number (20 HTTP, 60 MySQL, 80 Redis …; 127 custom)
 * @param maxStateBytes     upper bound of {@link ProtocolParser#retainedBytes()} for one connection;
 *                          the conformance kit checks it
 */
public record ProtocolDescriptor(String id, String displayName, Transport transport, Set<Integer> defaultPorts,
                                 String version, int l7ProtocolId, long maxStateBytes) {

    /** Validates and copies the port set. */
    public ProtocolDescriptor {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(version, "version");
        defaultPorts = Set.copyOf(defaultPorts);
        if (!id.matches("[a-z0-9][a-z0-9_.-]*")) {
            throw new IllegalArgumentException("protocol id must be lower-case letters, digits, '-', '_' or '.': " + id);
        }
        if (maxStateBytes <= 0) {
            throw new IllegalArgumentException("maxStateBytes must be positive");
        }
    }
}
