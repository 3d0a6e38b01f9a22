package io.flowscope.platform.store;

import java.sql.SQLException;
import java.util.List;

/**
 * Users' own SQL, as {@code POST /api/v1/sql} runs it: exactly one read-only query, bounded in rows, response
 * bytes and time. What a store refuses beyond that, and how it decides, is its own ({@link ReadOnlySql} for
 * DuckDB, docs/security.md).
 */
public interface UserSql {

    /** Limits of one query. */
    record Limits(int maxRows, long maxResponseBytes, long timeoutMillis) {
    }

    /** A column of a result. */
    record Column(String name, String type) {
    }

    /** What a query returned; {@code truncatedBy} is null, "max_rows" or "max_response_bytes". */
    record Result(List<Column> columns, List<List<Object>> rows, String truncatedBy, long responseBytes) {
    }

    /**
     * Runs one query. Values come as the response holds them (numbers, text, booleans, ISO-8601 times); the
     * response bytes are counted on their text form.
     *
     * @throws QueryRefusedException when the query is refused, fails in the engine or runs out of time
     */
    Result run(String sql, Limits limits) throws SQLException;
}
