package io.flowscope.platform.query;

/** A request the query API refuses, with a message that says why; answered with 400. */
public final class BadQueryException extends RuntimeException {

    public BadQueryException(String message) {
        super(message);
    }
}
