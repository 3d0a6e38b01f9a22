package io.flowscope.api;

import java.util.Map;
import java.util.Objects;

/**
 * One parsed L7 message: a request, a response or a whole session.
 *
 * <p>Parsers fill in what their protocol has and leave the rest {@code null} (or {@link #NO_STREAM} /
 * {@link #NO_STATUS_CODE}). Build with {@link #request}, {@link #response} or {@link #builder}.
 *
 * @param kind         request, response or session
 * @param protocol     the emitting protocol's {@link ProtocolDescriptor#id()}
 * @param streamId     stream or correlation id when the protocol has one (HTTP/2 stream, DNS id, Kafka
 *                     correlation id), used by the host to pair; {@link #NO_STREAM} for in-order protocols
 *                     that the host pairs first-in, first-out
 * @param startMicros  time of the message's first byte, µs since the epoch (UTC)
 * @param endMicros    time of the message's last byte, µs since the epoch (UTC)
 * @param version      protocol version as shown to users ({@code 1.1}), or null
 * @param operation    request type: HTTP method, SQL verb, command, DNS query type …
 * @param domain       request domain: HTTP host, RPC service, DNS name …
 * @param resource     request resource: HTTP target, SQL statement, key, topic …
 * @param endpoint     the resource normalised for grouping (an HTTP path without its query)
 * @param statusCode   response code (HTTP status, SQL errno, DNS rcode), or {@link #NO_STATUS_CODE}
 * @param status       outcome, for responses and sessions; {@link ResponseStatus#UNKNOWN} for requests
 * @param bytes        size of the message on the wire, head and body
 * @param traceId      trace id carried by the message (W3C traceparent, B3, Jaeger …), or null
 * @param spanId       span id carried by the message, or null
 * @param exception    error text from the response, or null
 * @param attributes   a few protocol-specific extras (kept small: the host stores them as text)
 */
public record L7Message(MessageKind kind, String protocol, long streamId, long startMicros, long endMicros,
                        String version, String operation, String domain, String resource, String endpoint,
                        int statusCode, ResponseStatus status, long bytes, String traceId, String spanId,
                        String exception, Map<String, String> attributes) {

    /** {@link #streamId()} of a message that has no stream or correlation id. */
    public static final long NO_STREAM = -1;
    /** {@link #statusCode()} of a message that carries no status code. */
    public static final int NO_STATUS_CODE = Integer.MIN_VALUE;

    /** Validates required fields and copies the attributes. */
    public L7Message {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(status, "status");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** Whether {@link #statusCode()} holds a value. */
    public boolean hasStatusCode() {
        return statusCode != NO_STATUS_CODE;
    }

    /** A builder for a request of the given protocol. */
    public static Builder request(String protocol) {
        return builder(MessageKind.REQUEST, protocol);
    }

    /** A builder for a response of the given protocol. */
    public static Builder response(String protocol) {
        return builder(MessageKind.RESPONSE, protocol);
    }

    /** A builder for a message of any kind. */
    public static Builder builder(MessageKind kind, String protocol) {
        return new Builder(kind, protocol);
    }

    /** Mutable builder of {@link L7Message}; not thread-safe. */
    public static final class Builder {
        private final MessageKind kind;
        private final String protocol;
        private long streamId = NO_STREAM;
        private long startMicros;
        private long endMicros;
        private String version;
        private String operation;
        private String domain;
        private String resource;
        private String endpoint;
        private int statusCode = NO_STATUS_CODE;
        private ResponseStatus status = ResponseStatus.UNKNOWN;
        private long bytes;
        private String traceId;
        private String spanId;
        private String exception;
        private Map<String, String> attributes;

        private Builder(MessageKind kind, String protocol) {
            this.kind = kind;
            this.protocol = protocol;
        }

        /** Sets the stream or correlation id. */
        public Builder streamId(long v) { streamId = v; return this; }
        /** Sets first- and last-byte times, µs since the epoch. */
        public Builder time(long startMicros, long endMicros) { this.startMicros = startMicros; this.endMicros = endMicros; return this; }
        /** Sets the protocol version. */
        public Builder version(String v) { version = v; return this; }
        /** Sets the operation (method, verb, command). */
        public Builder operation(String v) { operation = v; return this; }
        /** Sets the domain (host, service, DNS name). */
        public Builder domain(String v) { domain = v; return this; }
        /** Sets the resource (target, statement, key). */
        public Builder resource(String v) { resource = v; return this; }
        /** Sets the normalised endpoint. */
        public Builder endpoint(String v) { endpoint = v; return this; }
        /** Sets the status code. */
        public Builder statusCode(int v) { statusCode = v; return this; }
        /** Sets the outcome. */
        public Builder status(ResponseStatus v) { status = v; return this; }
        /** Sets the size on the wire. */
        public Builder bytes(long v) { bytes = v; return this; }
        /** Sets trace and span ids. */
        public Builder trace(String traceId, String spanId) { this.traceId = traceId; this.spanId = spanId; return this; }
        /** Sets the error text. */
        public Builder exception(String v) { exception = v; return this; }
        /** Sets the extra attributes. */
        public Builder attributes(Map<String, String> v) { attributes = v; return this; }

        /** Builds the message. */
        public L7Message build() {
            return new L7Message(kind, protocol, streamId, startMicros, endMicros, version, operation, domain,
                    resource, endpoint, statusCode, status, bytes, traceId, spanId, exception, attributes);
        }
    }
}
