package io.flowscope.platform.store;

import java.sql.SQLException;

/**
 * What the rest of the platform asks of the store of flow logs, whatever engine holds them: ids, the log
 * queries of the API and users' SQL. {@link DuckDbStore} is the one implementation; nothing outside this package names it
 * where this contract is enough, and no SQL of one engine leaves this package.
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

    @Override
    void close() throws SQLException;
}
