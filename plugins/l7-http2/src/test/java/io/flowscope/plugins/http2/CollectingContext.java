package io.flowscope.plugins.http2;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.L7Message;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolSwitch;
import java.util.List;

/** A parser context for the parser's own tests: messages and problem kinds into lists, no connection. */
final class CollectingContext implements ParserContext {

    private final List<L7Message> messages;
    private final List<String> problems;
    private final ProtocolSwitch from;

    CollectingContext(List<L7Message> messages, List<String> problems) {
        this(messages, problems, null);
    }

    /** @param from the switch the connection came through (an h2c upgrade), or null */
    CollectingContext(List<L7Message> messages, List<String> problems, ProtocolSwitch from) {
        this.messages = messages;
        this.problems = problems;
        this.from = from;
    }

    @Override
    public MessageSink sink() {
        return messages::add;
    }

    @Override
    public ConnectionInfo connection() {
        return null;
    }

    @Override
    public void reportProblem(String kind, String message) {
        problems.add(kind);
    }

    @Override
    public ProtocolSwitch switchedFrom() {
        return from;
    }
}
