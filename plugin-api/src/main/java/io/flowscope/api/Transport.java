package io.flowscope.api;

/** Transport a protocol runs on. */
public enum Transport {
    /** A reliable byte stream per direction (TCP, or a socket seen through syscalls). */
    TCP,
    /** Datagrams: each {@link ProtocolParser#onDatagram} call is one whole datagram. */
    UDP
}
