package io.flowscope.api;

import java.util.Objects;
import java.util.Set;

/**
 * What a protocol plugin parses. Build with {@link #builder(String)}; fields may be added in later minor
 * versions, each with a default.
 *
 * <p>{@link #transport()} also sets how bytes arrive: TCP protocols get ordered bytes per direction
 * ({@link ProtocolParser#onData}), UDP protocols get whole datagrams ({@link ProtocolParser#onDatagram}).
 */
public final class ProtocolDescriptor {

    /** DeepFlow's {@code l7_protocol} number for protocols it does not know (custom). */
    public static final int CUSTOM_L7_PROTOCOL = 127;
    /** Default bound of a parser's retained state. */
    public static final long DEFAULT_MAX_STATE_BYTES = 256 * 1024;

    private final String id;
    private final String displayName;
    private final Transport transport;
    private final Set<Integer> defaultPorts;
    private final String version;
    private final int l7ProtocolId;
    private final long maxStateBytes;
    private final int priority;

    private ProtocolDescriptor(Builder b) {
        this.id = Objects.requireNonNull(b.id, "id");
        this.displayName = b.displayName == null ? b.id : b.displayName;
        this.transport = Objects.requireNonNull(b.transport, "transport");
        this.defaultPorts = Set.copyOf(b.defaultPorts);
        this.version = Objects.requireNonNull(b.version, "version");
        this.l7ProtocolId = b.l7ProtocolId;
        this.maxStateBytes = b.maxStateBytes;
        this.priority = b.priority;
        if (!id.matches("[a-z0-9][a-z0-9_.-]*")) {
            throw new IllegalArgumentException("protocol id must be lower-case letters, digits, '-', '_' or '.': " + id);
        }
        if (maxStateBytes <= 0) {
            throw new IllegalArgumentException("maxStateBytes must be positive");
        }
        if (l7ProtocolId < 0 || l7ProtocolId > 255) {
            throw new IllegalArgumentException("l7ProtocolId must be 0-255 (DeepFlow's l7_protocol), not " + l7ProtocolId);
        }
    }

    /** A builder for the protocol with this id (lower case, e.g. {@code http1}). */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** Stable identifier, lower case; used in summaries, the API and {@code l7_protocol_str}. */
    public String id() {
        return id;
    }

    /** Name shown to people (e.g. {@code HTTP/1.x}). */
    public String displayName() {
        return displayName;
    }

    /** Transport the protocol runs on; UDP protocols get whole datagrams. */
    public Transport transport() {
        return transport;
    }

    /** Ports where this protocol is usual: a hint for the order of detection, never a rule. */
    public Set<Integer> defaultPorts() {
        return defaultPorts;
    }

    /** Version of the plugin's parser. */
    public String version() {
        return version;
    }

    /** DeepFlow's {@code l7_protocol} number (20 HTTP/1, 60 MySQL, 80 Redis …; docs/data-model.md lists them). */
    public int l7ProtocolId() {
        return l7ProtocolId;
    }

    /** Upper bound of {@link ProtocolParser#retainedBytes()} for one connection; the conformance kit checks it. */
    public long maxStateBytes() {
        return maxStateBytes;
    }

    /**
     * Order of detection among protocols of the same transport: higher first (default 0). Strict,
     * well-framed protocols may go higher; loose detectors (anything text) should stay at 0 or below,
     * so that they never take a connection a stricter protocol would recognise.
     */
    public int priority() {
        return priority;
    }

    @Override
    public String toString() {
        return id + " " + version + " (" + displayName + ", " + transport + ")";
    }

    /** Builder of {@link ProtocolDescriptor}; not thread-safe. */
    public static final class Builder {
        private final String id;
        private String displayName;
        private Transport transport = Transport.TCP;
        private Set<Integer> defaultPorts = Set.of();
        private String version = "0";
        private int l7ProtocolId = CUSTOM_L7_PROTOCOL;
        private long maxStateBytes = DEFAULT_MAX_STATE_BYTES;
        private int priority;

        private Builder(String id) {
            this.id = id;
        }

        /** Sets the name shown to people (default: the id). */
        public Builder displayName(String v) { displayName = v; return this; }
        /** Sets the transport (default TCP). */
        public Builder transport(Transport v) { transport = v; return this; }
        /** Sets the usual ports. */
        public Builder defaultPorts(Set<Integer> v) { defaultPorts = v; return this; }
        /** Sets the parser's version. */
        public Builder version(String v) { version = v; return this; }
        /** Sets DeepFlow's l7_protocol number (default 127, custom). */
        public Builder l7ProtocolId(int v) { l7ProtocolId = v; return this; }
        /** Sets the bound of a parser's retained state (default 256 KiB). */
        public Builder maxStateBytes(long v) { maxStateBytes = v; return this; }
        /** Sets the detection priority (default 0; higher is asked first). */
        public Builder priority(int v) { priority = v; return this; }

        /** Builds the descriptor. */
        public ProtocolDescriptor build() {
            return new ProtocolDescriptor(this);
        }
    }
}
