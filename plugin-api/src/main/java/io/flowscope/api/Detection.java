package io.flowscope.api;

/** Answer of {@link ProtocolParserFactory#detect}. */
public enum Detection {
    /** These bytes belong to this protocol: create a parser for the connection. */
    MATCH,
    /** These bytes are not this protocol; the factory is not asked again for this connection. */
    NO_MATCH,
    /** Cannot tell yet: ask again when more bytes have arrived. */
    NEED_MORE_DATA
}
