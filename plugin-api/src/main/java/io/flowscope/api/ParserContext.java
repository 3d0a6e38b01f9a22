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
    ConnectionInfo connection();

    /**
     * The most bytes the parser may keep for one message head (request line and headers, a command, a
     * packet header) before it must give up on that message and resynchronise.
     */
    default int maxMessageHeadBytes() {
        return 64 * 1024;
    }

    /**
     * Whether literals in statements and values (SQL literals, Redis values, AUTH passwords) are to be replaced
     * by {@code ?} before a message leaves the parser: the host's {@code flowscope.l7.obfuscate} setting, on
     * unless turned off, as DeepFlow does. Parsers of protocols that carry statements must honour it.
     *
     * @since 1.4.0
     */
    default boolean obfuscate() {
        return true;
    }

    /**
     * The pipeline's clock, µs since the epoch: the time of the latest packet or syscall seen (a capture
     * file's own time when importing). Use it instead of the wall clock for timeouts.
     */
    default long nowMicros() {
        return System.currentTimeMillis() * 1000;
    }

    /**
     * Reports a problem of this connection's input that the parser handled (a message too large, an
     * impossible length): the host counts it per plugin and kind and logs the first of each kind with the
     * connection. Never throws.
     *
     * @param kind    short, stable name (lower case, used as a metric label), e.g. {@code head_too_large}
     * @param message what happened, for people
     */
    default void reportProblem(String kind, String message) {
        System.getLogger("flowscope.parser").log(System.Logger.Level.DEBUG, kind + ": " + message);
    }

    /**
     * The connection goes on in another protocol (HTTP/1.1 Upgrade answered by 101): once the current call returns,
     * the host gives the rest of both directions to a parser of {@link ProtocolSwitch#protocolId()}, starting with
     * the bytes handed over in the switch, and calls this parser no more. Emit what belongs to the old protocol
     * before switching (the 101 exchange itself). A protocol the host cannot parse ends L7 parsing of the
     * connection, counted. Only the first switch of a call counts. A host that cannot switch ignores it (the
     * default): a parser stops parsing after a switch either way, as it did before 1.6.0.
     *
     * @since 1.6.0
     */
    default void switchProtocol(ProtocolSwitch protocolSwitch) {
    }

    /**
     * How this parser's connection came to it: null when the host detected its protocol from its first bytes; the
     * switch when another protocol's parser handed the connection over ({@link #switchProtocol}). A parser that
     * gets a switch starts where the old protocol stopped (after a 101, HTTP/2's server sends no preface).
     *
     * @since 1.6.0
     */
    default ProtocolSwitch switchedFrom() {
        return null;
    }
}
