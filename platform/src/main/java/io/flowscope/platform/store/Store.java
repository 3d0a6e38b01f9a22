package io.flowscope.platform.store;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;

/**
 * What the rest of the platform asks of the store of flow logs, whatever engine holds them: the schema
 * (made when it opens), writers, ids, the log queries of the API, users' SQL and retention. {@link DuckDbStore} is the one implementation; the SQL of an
 * engine never leaves this package, and its failures reach callers as {@link SQLException}s.
 */
public interface Store extends AutoCloseable {

    /** The embedded store (DuckDB) in a data directory, made if needed. */
    static Store embedded(Path dataDir) throws SQLException, IOException {
        return DuckDbStore.open(dataDir);
    }

    /**
     * A writer for one pipeline, used from its thread: rows are committed by size and by age
     * ({@link RowWriter#commitOlderThan}); close it to commit the rest.
     */
    RowWriter newWriter() throws SQLException;

    /** A new 64-bit row id ({@code flow_id}, {@code _id}), unique across restarts, writers and stores. */
    long nextId();

    /** l4_flow_log rows, ordered by start time then flow id. */
    Page flows(LogQuery q) throws SQLException;

    /** l7_flow_log rows, ordered by start time then id. */
    Page requests(LogQuery q) throws SQLException;

    /** network_map rows of one granularity, summed per the query's tags, ordered by them. */
    Page networkMetrics(MetricsQuery q) throws SQLException;

    /** The runner of users' read-only SQL. */
    UserSql sql();

    /**
     * Retention: deletes the l4, l7, process-event and network metric rows whose {@code time} is before
     * {@code cutoff}, all of them or none.
     */
    void deleteBefore(Instant cutoff) throws SQLException;

    @Override
    void close() throws SQLException;
}
