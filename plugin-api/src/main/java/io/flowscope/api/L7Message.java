package io.flowscope.api;

import java.util.Map;
import java.util.Objects;

/**
 * One parsed L7 message: a request, a response or a whole session.
 *
 * <p>Parsers fill in what their protocol has and leave the rest {@code null} (or {@link #NO_STREAM} /
 * {@link #NO_STATUS_CODE}). Build with {@link #request}, {@link #response} or {@link #builder}; change a
 * copy with {@link #toBuilder()}. Fields may be added in later minor versions, each with a default, so
 * plugins compiled against an older version keep working.
 */
public final class L7Message {

    /** {@link #streamId()} of a message that has no stream or correlation id. */
    public static final long NO_STREAM = -1;
    /** {@link #statusCode()} of a message that carries no status code. */
    public static final int NO_STATUS_CODE = Integer.MIN_VALUE;
    /** {@link #affectedRows()} of a message that reports no row count (since 1.4.0). */
    public static final long NO_AFFECTED_ROWS = -1;
    private final MessageKind kind;
    private final String protocol;
    private final long streamId;
    private final long startMicros;
    private final long endMicros;
    private final String version;
    private final String operation;
    private final String domain;
    private final String resource;
    private final String endpoint;
    private final int statusCode;
    private final ResponseStatus status;
    private final long bytes;
    private final String traceId;
    private final String spanId;
    private final String exception;
    private final Map<String, String> attributes;
    private final boolean expectsResponse;
    private final String result;
    private final long affectedRows;

    private L7Message(Builder b) {
        this.kind = Objects.requireNonNull(b.kind, "kind");
        this.protocol = Objects.requireNonNull(b.protocol, "protocol");
        this.streamId = b.streamId;
        this.startMicros = b.startMicros;
        this.endMicros = b.endMicros;
        this.version = b.version;
        this.operation = b.operation;
        this.domain = b.domain;
        this.resource = b.resource;
        this.endpoint = b.endpoint;
        this.statusCode = b.statusCode;
        this.status = Objects.requireNonNull(b.status, "status");
        this.bytes = b.bytes;
        this.traceId = b.traceId;
        this.spanId = b.spanId;
        this.exception = b.exception;
        // in the plugin's order (Map.copyOf's order changes from one JVM run to the next: stored JSON would too)
        this.attributes = Attributes.of(b.attributePairs, b.attributeCount);
        this.expectsResponse = b.expectsResponse;
        this.result = b.result;
        this.affectedRows = b.affectedRows;
    }

    /** Request, response or session. */
    public MessageKind kind() {
        return kind;
    }

    /** The emitting protocol's {@link ProtocolDescriptor#id()}. */
    public String protocol() {
        return protocol;
    }

    /** Stream or correlation id when the protocol has one (HTTP/2 stream, DNS id, Kafka correlation id), used by the host to pair; {@link #NO_STREAM} for in-order protocols that the host pairs first-in, first-out. */
    public long streamId() {
        return streamId;
    }

    /** Time of the message's first byte, µs since the epoch (UTC). */
    public long startMicros() {
        return startMicros;
    }

    /** Time of the message's last byte, µs since the epoch (UTC). */
    public long endMicros() {
        return endMicros;
    }

    /** Protocol version as shown to users ({@code 1.1}), or null. */
    public String version() {
        return version;
    }

    /** Request type: HTTP method, SQL verb, command, DNS query type …, or null. */
    public String operation() {
        return operation;
    }

    /** Request domain: HTTP host, RPC service, DNS name …, or null. */
    public String domain() {
        return domain;
    }

    /** Request resource: HTTP target, SQL statement, key, topic …, or null. */
    public String resource() {
        return resource;
    }

    /** The resource normalised for grouping (an HTTP path without its query), or null. */
    public String endpoint() {
        return endpoint;
    }

    /** Response code (HTTP status, SQL errno, DNS rcode), or {@link #NO_STATUS_CODE}. */
    public int statusCode() {
        return statusCode;
    }

    /** Outcome, for responses and sessions; {@link ResponseStatus#UNKNOWN} for requests. */
    public ResponseStatus status() {
        return status;
    }

    /** Size of the message on the wire, head and body. */
    public long bytes() {
        return bytes;
    }

    /** Trace id carried by the message (W3C traceparent, B3, Jaeger …), or null. */
    public String traceId() {
        return traceId;
    }

    /** Span id carried by the message, or null. */
    public String spanId() {
        return spanId;
    }

    /** Error text from the response, or null. */
    public String exception() {
        return exception;
    }

    /** A few protocol-specific extras (kept small: the host stores them as text), in the order the plugin gave them. */
    public Map<String, String> attributes() {
        return attributes;
    }

    /** Whether a response will follow this request (false for Kafka acks=0 produces, pub/sub pushes, one-way RPCs): the host then records it at once instead of waiting and calling it a timeout. */
    public boolean expectsResponse() {
        return expectsResponse;
    }

    /**
     * What a response answered, short (DNS: the addresses resolved; SQL: a result set's row count), or null; the
     * host stores it as {@code response_result}.
     *
     * @since 1.4.0
     */
    public String result() {
        return result;
    }

    /**
     * Rows a statement changed or returned as the server reports them (SQL OK packets, CommandComplete tags), or
     * {@link #NO_AFFECTED_ROWS}; the host stores it as {@code sql_affected_rows}.
     *
     * @since 1.4.0
     */
    public long affectedRows() {
        return affectedRows;
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

    /** A builder holding every field of this message, to build a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(kind, protocol);
        b.streamId = streamId;
        b.startMicros = startMicros;
        b.endMicros = endMicros;
        b.version = version;
        b.operation = operation;
        b.domain = domain;
        b.resource = resource;
        b.endpoint = endpoint;
        b.statusCode = statusCode;
        b.status = status;
        b.bytes = bytes;
        b.traceId = traceId;
        b.spanId = spanId;
        b.exception = exception;
        if (attributes instanceof Attributes a) {
            b.attributePairs = a.toPairs();
            b.attributeCount = a.size();
        }
        b.expectsResponse = expectsResponse;
        b.result = result;
        b.affectedRows = affectedRows;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof L7Message m)) {
            return false;
        }
        return Objects.equals(kind, m.kind)
                && Objects.equals(protocol, m.protocol)
                && streamId == m.streamId
                && startMicros == m.startMicros
                && endMicros == m.endMicros
                && Objects.equals(version, m.version)
                && Objects.equals(operation, m.operation)
                && Objects.equals(domain, m.domain)
                && Objects.equals(resource, m.resource)
                && Objects.equals(endpoint, m.endpoint)
                && statusCode == m.statusCode
                && Objects.equals(status, m.status)
                && bytes == m.bytes
                && Objects.equals(traceId, m.traceId)
                && Objects.equals(spanId, m.spanId)
                && Objects.equals(exception, m.exception)
                && Objects.equals(attributes, m.attributes)
                && expectsResponse == m.expectsResponse
                && Objects.equals(result, m.result)
                && affectedRows == m.affectedRows;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, protocol, streamId, startMicros, endMicros, version, operation, domain, resource, endpoint, statusCode, status, bytes, traceId, spanId, exception, attributes, expectsResponse, result, affectedRows);
    }

    @Override
    public String toString() {
        return "L7Message[kind=" + kind + ", protocol=" + protocol + ", streamId=" + streamId + ", startMicros=" + startMicros + ", endMicros=" + endMicros + ", version=" + version + ", operation=" + operation + ", domain=" + domain + ", resource=" + resource + ", endpoint=" + endpoint + ", statusCode=" + statusCode + ", status=" + status + ", bytes=" + bytes + ", traceId=" + traceId + ", spanId=" + spanId + ", exception=" + exception + ", attributes=" + attributes + ", expectsResponse=" + expectsResponse + ", result=" + result + ", affectedRows=" + affectedRows + "]";
    }

    /** Mutable builder of {@link L7Message}; not thread-safe. */
    public static final class Builder {
        private static final String[] NO_ATTRIBUTES = new String[0];
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
        private String[] attributePairs = NO_ATTRIBUTES;
        private int attributeCount;
        private boolean expectsResponse;
        private String result;
        private long affectedRows = NO_AFFECTED_ROWS;

        private Builder(MessageKind kind, String protocol) {
            this.kind = kind;
            this.protocol = protocol;
            this.expectsResponse = kind == MessageKind.REQUEST;
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
        /**
         * Sets the extra attributes (replacing any set before). They are stored in the map's iteration order:
         * give more than one in an ordered map ({@code LinkedHashMap}), since {@code Map.of}'s order changes
         * from one JVM run to the next; {@link #attribute} adds them one by one without building a map.
         */
        public Builder attributes(Map<String, String> v) {
            attributeCount = 0;
            if (v != null) {
                v.forEach(this::attribute);
            }
            return this;
        }

        /**
         * Adds one attribute after those set before (or replaces the value of one of that name); neither may be
         * null. Cheaper than {@link #attributes} on a hot path: no map is built (since 1.5.0).
         */
        public Builder attribute(String name, String value) {
            Objects.requireNonNull(name, "attribute name");
            Objects.requireNonNull(value, () -> "attribute " + name);
            for (int i = 0; i < 2 * attributeCount; i += 2) {
                if (attributePairs[i].equals(name)) {
                    attributePairs[i + 1] = value;
                    return this;
                }
            }
            if (2 * attributeCount == attributePairs.length) {
                attributePairs = java.util.Arrays.copyOf(attributePairs, Math.max(8, attributePairs.length * 2));
            }
            attributePairs[2 * attributeCount] = name;
            attributePairs[2 * attributeCount + 1] = value;
            attributeCount++;
            return this;
        }
        /** Sets what the response answered (since 1.4.0). */
        public Builder result(String v) { result = v; return this; }
        /** Sets the rows the statement changed or returned (since 1.4.0). */
        public Builder affectedRows(long v) { affectedRows = v; return this; }
        /** Marks a request that no response will follow (Kafka acks=0, a pub/sub push, a one-way call). */
        public Builder noResponseExpected() { expectsResponse = false; return this; }

        /** Builds the message. */
        public L7Message build() {
            return new L7Message(this);
        }
    }
}
