package io.flowscope.api;

/** Where a parser emits its messages. Given to the parser through {@link ParserContext#sink()}. */
@FunctionalInterface
public interface MessageSink {

    /**
     * Hands one parsed message to the host. The host pairs it, stores it and aggregates it; the parser
     * must not keep or change the message afterwards.
     */
    void emit(L7Message message);
}
