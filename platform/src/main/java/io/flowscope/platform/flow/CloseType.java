package io.flowscope.platform.flow;

/** DeepFlow's close_type values that Flowscope produces (DEEPFLOW-SCHEMA.md §5). */
public final class CloseType {
    /** Not known. */
    public static final int UNKNOWN = 0;
    /** Both sides sent FIN. */
    public static final int NORMAL = 1;
    /** The server reset an established connection. */
    public static final int SERVER_RST = 2;
    /** Idle longer than the timeout. */
    public static final int TIMEOUT = 3;
    /** Still open: at the end of a capture file (or a periodic report of a live flow). */
    public static final int FORCED_REPORT = 5;
    /** Only the server sent FIN before the flow went idle. */
    public static final int SERVER_HALF_CLOSE = 8;
    /** The client reset an established connection. */
    public static final int CLIENT_RST = 9;
    /** Only the client sent FIN before the flow went idle. */
    public static final int CLIENT_HALF_CLOSE = 11;
    /** The server answered the SYN with a reset (connection refused). */
    public static final int SERVER_DIRECT_RST = 15;
    /** The client reset the connection during the handshake. */
    public static final int CLIENT_OTHER_RST = 18;
    /** SYN sent (and maybe repeated), never answered before the timeout. */
    public static final int SERVER_SYN_MISS = 7;
    /** The server answered the SYN, the client never acknowledged the SYN-ACK before the timeout. */
    public static final int CLIENT_ACK_MISS = 10;
    /** A new SYN (another initial sequence number) on the 4-tuple of a connection that never closed. */
    public static final int CLIENT_PORT_REUSE = 13;
    /** The server reset a connection during the handshake, after its SYN-ACK. */
    public static final int SERVER_OTHER_RST = 19;
    /**
     * Flowscope's own, not DeepFlow's: the flow table was full and this flow, the longest idle, made room
     * for a new one (its counts so far are reported; packets after would start a new flow).
     */
    public static final int EVICTED = 21;

    private CloseType() {
    }

    /** DeepFlow's l4 {@code status} derived from the close type: 0 ok, 2 timeout/unknown, 3 server error, 4 client error. */
    public static int status(int closeType, boolean tcp) {
        return switch (closeType) {
            case NORMAL, FORCED_REPORT, SERVER_HALF_CLOSE, CLIENT_HALF_CLOSE -> 0;
            case TIMEOUT -> tcp ? 2 : 0;
            case CLIENT_RST, CLIENT_OTHER_RST, CLIENT_ACK_MISS, CLIENT_PORT_REUSE -> 4;
            case SERVER_RST, SERVER_DIRECT_RST, SERVER_SYN_MISS, SERVER_OTHER_RST -> 3;
            default -> 2;
        };
    }
}
