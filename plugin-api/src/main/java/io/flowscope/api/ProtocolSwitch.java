package io.flowscope.api;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A connection that stops speaking one protocol and goes on in another: HTTP/1.1 {@code Upgrade: h2c} or
 * {@code websocket} answered by {@code 101 Switching Protocols}. The parser that sees it says so through
 * {@link ParserContext#switchProtocol}; the host then gives the rest of the connection, both directions, to a parser
 * of the protocol named here, whose {@link ParserContext#switchedFrom()} is this switch.
 *
 * <p>What the old parser already received past the switch point in either direction (the bytes after a 101 head
 * in the same chunk, client bytes it held while the answer to its upgrade request was awaited) it hands over
 * here, in order per direction; the new parser gets them first, then what arrives afterwards. The bytes are
 * copied when handed over, so the parser's buffers may be reused at once. A switch may also carry the request that
 * asked for it (an upgraded HTTP/1.1 request is HTTP/2's stream 1) and hints: what the old protocol said about the
 * new one (HTTP/1.1's {@code HTTP2-Settings}, a WebSocket extension).
 *
 * @since 1.6.0
 */
public final class ProtocolSwitch {

    /** Bytes of one direction that the old parser received after the switch point, with their capture time. */
    public static final class HandedOver {
        private final Direction direction;
        private final byte[] bytes;
        private final long timestampMicros;

        private HandedOver(Direction direction, byte[] bytes, long timestampMicros) {
            this.direction = direction;
            this.bytes = bytes;
            this.timestampMicros = timestampMicros;
        }

        /** Which way these bytes travel. */
        public Direction direction() {
            return direction;
        }

        /** The bytes, read-only (a new view at each call). */
        public ByteBuffer bytes() {
            return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        }

        /** How many bytes. */
        public int length() {
            return bytes.length;
        }

        /** Capture time of the packet or syscall that carried them, µs since the epoch. */
        public long timestampMicros() {
            return timestampMicros;
        }
    }

    private final String protocolId;
    private final L7Message request;
    private final Map<String, String> hints;
    private final List<HandedOver> handedOver;

    private ProtocolSwitch(Builder b) {
        this.protocolId = b.protocolId;
        this.request = b.request;
        this.hints = Collections.unmodifiableMap(new LinkedHashMap<>(b.hints));
        this.handedOver = List.copyOf(b.handedOver);
    }

    /**
     * A switch to the protocol of this {@link ProtocolDescriptor#id()} ({@code http2}, {@code websocket}). A protocol
     * the host has no enabled parser for ends L7 parsing of the connection (counted, never an error of the plugin).
     */
    public static Builder to(String protocolId) {
        return new Builder(protocolId);
    }

    /** The protocol the connection goes on in. */
    public String protocolId() {
        return protocolId;
    }

    /** The request that asked for the switch, as the old protocol emitted it, or null. */
    public L7Message request() {
        return request;
    }

    /** What the old protocol said about the new one, by name, in the order given (lower-case names by convention). */
    public Map<String, String> hints() {
        return hints;
    }

    /** The hint of this name, or null. */
    public String hint(String name) {
        return hints.get(name);
    }

    /** The bytes handed over, in the order the old parser gave them (in order within each direction). */
    public List<HandedOver> handedOver() {
        return handedOver;
    }

    @Override
    public String toString() {
        return "ProtocolSwitch[" + protocolId + ", hints=" + hints.keySet() + ", handedOver=" + handedOver.size() + "]";
    }

    /** Builds a {@link ProtocolSwitch}. */
    public static final class Builder {
        private final String protocolId;
        private L7Message request;
        private final Map<String, String> hints = new LinkedHashMap<>(4);
        private final List<HandedOver> handedOver = new ArrayList<>(2);

        private Builder(String protocolId) {
            this.protocolId = Objects.requireNonNull(protocolId, "protocolId");
        }

        /** The request that asked for the switch (its method, resource, domain, times and trace carry over). */
        public Builder request(L7Message request) {
            this.request = request;
            return this;
        }

        /** A hint for the new protocol's parser; a null value is ignored. */
        public Builder hint(String name, String value) {
            if (value != null) {
                hints.put(Objects.requireNonNull(name, "name"), value);
            }
            return this;
        }

        /**
         * Bytes of {@code direction} already received that belong to the new protocol: {@code bytes} from its position
         * to its limit, copied now (the buffer's position is left as it was). Empty buffers are ignored.
         */
        public Builder handOver(Direction direction, ByteBuffer bytes, long timestampMicros) {
            Objects.requireNonNull(direction, "direction");
            int n = bytes.remaining();
            if (n > 0) {
                byte[] copy = new byte[n];
                bytes.get(bytes.position(), copy);
                handedOver.add(new HandedOver(direction, copy, timestampMicros));
            }
            return this;
        }

        /** The switch. */
        public ProtocolSwitch build() {
            return new ProtocolSwitch(this);
        }
    }
}
