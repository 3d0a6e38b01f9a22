package io.flowscope.platform.metrics.network;

/**
 * What a single-end {@code network} row is per: one address in one role (0 client, 1 server, DeepFlow's
 * {@code role}), the server port and IP protocol of its flows, and the signal source. Immutable.
 */
public record EndpointKey(boolean ipv4, long ipHi, long ipLo, int role, int serverPort, int protocol, int signalSource) {

    private static final EndpointKey OVERFLOW_CLIENT = new EndpointKey(true, 0, 0, 0, 0, 0, 0);
    private static final EndpointKey OVERFLOW_SERVER = new EndpointKey(true, 0, 0, 1, 0, 0, 0);

    /** The row of a role that takes what a full minute had no room for: all zero but the role (as {@link EdgeKey#OVERFLOW}'s ends). */
    public static EndpointKey overflow(int role) {
        return role == 0 ? OVERFLOW_CLIENT : OVERFLOW_SERVER;
    }
}
