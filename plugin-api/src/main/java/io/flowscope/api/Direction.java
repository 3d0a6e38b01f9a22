package io.flowscope.api;

/** Which way bytes travel on a connection. The client is side 0, the server side 1. */
public enum Direction {
    /** From the client (the side that opened the connection) to the server. */
    CLIENT_TO_SERVER,
    /** From the server to the client. */
    SERVER_TO_CLIENT;

    /** The other direction. */
    public Direction reverse() {
        return this == CLIENT_TO_SERVER ? SERVER_TO_CLIENT : CLIENT_TO_SERVER;
    }
}
