package io.flowscope.platform.store;

/**
 * A user query that is not run, or was stopped, for a reason the caller can fix: not read-only, too large,
 * over a limit, a DuckDB error in the query. The message is for the client as it is (no class names).
 */
public final class QueryRefusedException extends RuntimeException {

    /** Why, for the HTTP status: a bad query (400), or too large a request body (413). */
    public enum Kind {
        BAD_QUERY, TOO_LARGE
    }

    private final Kind kind;

    public QueryRefusedException(String message) {
        this(Kind.BAD_QUERY, message);
    }

    public QueryRefusedException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
