package io.flowscope.plugins.postgresql;

import io.flowscope.api.L7Message;
import io.flowscope.api.ResponseStatus;

/** One row in the making: what the client asked (a Query, an Execute, a Parse alone, the startup) and what came back. */
final class Statement {

    enum Kind {
        /** A Query message: answered by everything up to ReadyForQuery (several statements may be in it). */
        SIMPLE,
        /** An Execute: answered by its CommandComplete, EmptyQueryResponse, PortalSuspended or ErrorResponse. */
        EXECUTE,
        /** A Parse in a batch that executed nothing: answered by the batch's ReadyForQuery. */
        PREPARE,
        /** A FunctionCall: answered by FunctionCallResponse. */
        FUNCTION,
        /** The StartupMessage: answered by authentication up to the first ReadyForQuery. */
        STARTUP
    }

    final Kind kind;
    String operation;
    String resource;
    long requestStart;
    long requestEnd;
    long requestBytes;

    long responseStart = -1;
    long responseEnd;
    long responseBytes;
    boolean answered;
    ResponseStatus status = ResponseStatus.OK;
    String sqlState;
    String exception;
    long affectedRows = L7Message.NO_AFFECTED_ROWS;
    long copyMessages;
    long copyBytes;

    Statement(Kind kind) {
        this.kind = kind;
    }

    /** Answered only by ReadyForQuery: every completion before it is taken in. */
    boolean untilReady() {
        return kind == Kind.SIMPLE || kind == Kind.PREPARE || kind == Kind.STARTUP;
    }

    /** Response bytes and times of server messages that are part of this answer. */
    void responsePart(long start, long end, long bytes) {
        if (responseStart < 0) {
            responseStart = start;
        }
        responseEnd = end;
        responseBytes += bytes;
    }

    void failed(String code, String text) {
        answered = true;
        status = SqlState.status(code);
        sqlState = code;
        String name = code == null ? null : SqlState.name(code);
        exception = name == null ? text : text == null ? name : name + ": " + text;
    }
}
