package io.flowscope.api;

/** Outcome of a request; the values are DeepFlow's l7_flow_log {@code response_status}. */
public enum ResponseStatus {
    /** Succeeded. */
    OK(0),
    /** No response arrived in time, or the connection ended first. */
    TIMEOUT(2),
    /** The server failed (HTTP 5xx, SQL server error …). */
    SERVER_ERROR(3),
    /** The request was wrong (HTTP 4xx, SQL syntax error …). */
    CLIENT_ERROR(4),
    /** Not known (a request without a response yet, a response without a status). */
    UNKNOWN(5),
    /** The parser could not make sense of the message. */
    PARSE_FAILED(6);

    private final int code;

    ResponseStatus(int code) {
        this.code = code;
    }

    /** DeepFlow's numeric value of l7_flow_log.response_status. */
    public int code() {
        return code;
    }
}
