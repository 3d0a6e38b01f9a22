package io.flowscope.platform.l7;

import io.flowscope.api.L7Message;
import io.flowscope.api.MessageKind;
import io.flowscope.api.ResponseStatus;
import io.flowscope.platform.connection.Connection;

/**
 * One row of l7_flow_log: a request paired with its response (type 2, session), or a request or
 * response that stayed alone (type 0 or 1).
 */
public final class L7Record {
    /** The connection it was seen on (its flow_id, tuple, signal source and process). */
    public final Connection connection;
    public final int l7Protocol;
    public final String protocolId;
    public final MessageKind type;
    /** The request (null for a lone response). */
    public final L7Message request;
    /** The response (null for a lone request); for a SESSION message, the message itself. */
    public final L7Message response;
    public final ResponseStatus status;

    L7Record(Connection connection, int l7Protocol, String protocolId, MessageKind type, L7Message request, L7Message response,
             ResponseStatus status) {
        this.connection = connection;
        this.l7Protocol = l7Protocol;
        this.protocolId = protocolId;
        this.type = type;
        this.request = request;
        this.response = response;
        this.status = status;
    }

    /** First byte of the exchange, µs. */
    public long startTime() {
        return request != null ? request.startMicros() : response.startMicros();
    }

    /** Last byte of the exchange, µs. */
    public long endTime() {
        return response != null ? response.endMicros() : request.endMicros();
    }

    /** Request to end of response, µs; -1 for lone messages. */
    public long duration() {
        return type == MessageKind.SESSION ? Math.max(0, endTime() - startTime()) : -1;
    }

    /** The message carrying request fields. */
    public L7Message requestSide() {
        return request != null ? request : response;
    }

    /** The message carrying response fields, or null. */
    public L7Message responseSide() {
        return response;
    }
}
