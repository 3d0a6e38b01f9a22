package io.flowscope.api;

/**
 * What the host gives a parser when it creates one for a connection.
 *
 * <p>New services are added as default methods, so plugins built against an older minor version keep
 * working (see Trino's ConnectorContext).
 */
public interface ParserContext {

    /** Where the parser emits messages. */
    MessageSink sink();

    /** The connection being parsed. */
    FlowInfo flow();

    /**
     * The most bytes the parser may keep for one message head (request line and headers, a command, a
     * packet header) before it must give up on that message and resynchronise.
     */
    default int maxMessageHeadBytes() {
        return 64 * 1024;
    }
}
