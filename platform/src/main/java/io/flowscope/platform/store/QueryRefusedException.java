package io.flowscope.platform.store;

/**
 * A user query that is not run, or was stopped, for a reason the caller can fix: not read-only, too large,
 * over a limit, a DuckDB error in the query. The message is for the client as it is (no class names);
 * the API answers it with 400.
 */
public final class QueryRefusedException extends RuntimeException {

    public QueryRefusedException(String message) {
        super(message, null, false, false);
    }
}
