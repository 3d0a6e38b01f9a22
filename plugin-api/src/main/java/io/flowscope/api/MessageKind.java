package io.flowscope.api;

/** What an {@link L7Message} is; the values are DeepFlow's l7_flow_log {@code type}. */
public enum MessageKind {
    /** A request, sent by the client. */
    REQUEST(0),
    /** A response, sent by the server. */
    RESPONSE(1),
    /** A request and its response already joined by the parser (e.g. a DNS exchange seen whole). */
    SESSION(2);

    private final int code;

    MessageKind(int code) {
        this.code = code;
    }

    /** DeepFlow's numeric value of l7_flow_log.type. */
    public int code() {
        return code;
    }
}
