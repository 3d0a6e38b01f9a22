package io.flowscope.platform.store;

import java.sql.SQLException;
import java.time.Instant;

/**
 * What the rest of the platform asks of the store of flow logs, whatever engine holds them: ids, the log
 * queries of the API, users' SQL and retention. {@link DuckDbStore} is the one implementation; the SQL of an
 * engine never leaves this package, and its failures reach callers as {@link SQLException}s.
 */
public interface Store extends AutoCloseable {

    /** A new 64-bit row id ({@code flow_id}, {@code _id}), unique across restarts, writers and stores. */
    long nextId();

    /** l4_flow_log rows, ordered by start time then flow id. */
    Page flows(LogQuery q) throws SQLException;

    /** l7_flow_log rows, ordered by start time then id. */
    Page requests(LogQuery q) throws SQLException;

    /** The runner of users' read-only SQL. */
    UserSql sql();

    /** Retention: deletes the l4 and l7 rows whose {@code time} is before {@code cutoff}, all of them or none. */
    void deleteBefore(Instant cutoff) throws SQLException;

    @Override
    void close() throws SQLException;
}
