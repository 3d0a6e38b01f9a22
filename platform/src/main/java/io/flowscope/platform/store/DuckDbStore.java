package io.flowscope.platform.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.duckdb.DuckDBConnection;

/**
 * The embedded store: one DuckDB file, {@code flowscope.duckdb}, in the data directory. One process
 * owns it (DuckDB's rule); writers append through DuckDB's Appender on connections of their own,
 * queries use short-lived duplicates of the main connection.
 */
public final class DuckDbStore implements Store {

    /** File name of the database inside the data directory. */
    public static final String FILE = "flowscope.duckdb";
    /** DuckDB's name for the database (its catalog), after the file's name. */
    static final String CATALOG = "flowscope";

    private final Path file;
    private final DuckDBConnection root;
    private final TimeIds ids = TimeIds.randomNode();
    private final BlockingQueue<DuckDBConnection> streaming = new LinkedBlockingQueue<>();
    /** Made by {@link #lockDown}: users' SQL runs only on a locked-down engine. */
    private volatile ReadOnlySql sql;

    private DuckDbStore(Path file, DuckDBConnection root) {
        this.file = file;
        this.root = root;
    }

    /** Opens (creating if needed) the store in a data directory. */
    public static DuckDbStore open(Path dataDir) throws SQLException, IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE).toAbsolutePath();
        DuckDBConnection c;
        try {
            c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file);
        } catch (SQLException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("lock") || msg.contains("Conflicting")) {
                throw new StoreLockedException(file, e);
            }
            throw e;
        }
        try (Statement s = c.createStatement()) {
            for (String ddl : Schema.DDL) {
                s.execute(ddl);
            }
            return new DuckDbStore(file, c);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Locks the engine down for user SQL, for the life of the process: no extension is installed or loaded
     * on demand (a query naming INET would otherwise fetch one from the network), no file or network is
     * reached from SQL, operators' memory and spilling are bounded, and nothing can change this afterwards.
     * Then {@link #sql()} runs users' queries, at most {@code streamingConnections} at once, with the value-size
     * bounds of {@link DuckDbQueryPolicy}.
     */
    public void lockDown(String memoryLimit, String maxTempDirectorySize, int streamingConnections,
            long maxVectorBytes, long maxValueBytes) throws SQLException {
        // connections whose results stream (fetched as they are read, so the SQL endpoint stops at its
        // limits instead of materialising everything first); set up now, because the lock forbids it
        // later, and kept apart from the writers' connections (a database opened with streaming for all
        // connections made the appenders' flushes after a commit take minutes instead of milliseconds)
        for (int i = 0; i < streamingConnections; i++) {
            DuckDBConnection c = (DuckDBConnection) root.duplicate();
            try (Statement s = c.createStatement()) {
                s.execute("SET jdbc_stream_results = true");
            }
            streaming.add(c);
        }
        try (Statement s = root.createStatement()) {
            s.execute("SET autoinstall_known_extensions = false");
            s.execute("SET autoload_known_extensions = false");
            s.execute("SET allow_community_extensions = false");
            s.execute("SET memory_limit = '" + sizeSetting(memoryLimit) + "'");
            s.execute("SET max_temp_directory_size = '" + sizeSetting(maxTempDirectorySize) + "'");
            s.execute("SET enable_external_access = false");
            s.execute("SET lock_configuration = true");
        }
        sql = new ReadOnlySql(this, policy(maxVectorBytes, maxValueBytes));
    }

    private static String sizeSetting(String v) {
        if (!v.matches("\\d+(\\.\\d+)?\\s*[KMGT]i?B")) {
            throw new IllegalArgumentException("'" + v + "' is not a size such as 2GB or 512MiB");
        }
        return v;
    }

    /**
     * The policy of user SQL, with the bound of every stored column's values (text columns are cut at
     * {@link Schema#MAX_TEXT_CHARS} when written, everything else has a fixed size).
     */
    private DuckDbQueryPolicy policy(long maxVectorBytes, long maxValueBytes) throws SQLException {
        Map<String, Double> columns = new HashMap<>();
        try (Statement s = root.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema IN ('flow_log', 'event', 'flow_metrics')")) {
            while (rs.next()) {
                double bound = rs.getString(2).equals("VARCHAR") ? 3.0 * Schema.MAX_TEXT_CHARS : DuckDbQueryPolicy.FIXED;
                columns.merge(rs.getString(1).toLowerCase(Locale.ROOT), bound, Math::max);
            }
        }
        return new DuckDbQueryPolicy(columns, maxVectorBytes, maxValueBytes);
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /** A new id from {@link TimeIds}. */
    @Override
    public long nextId() {
        return ids.next();
    }

    /** A writer with appenders on a connection of its own, fed through a writer thread ({@link AsyncFlowLogWriter}). */
    @Override
    public RowWriter newWriter() throws SQLException {
        return new AsyncFlowLogWriter(new FlowLogWriter(this, (DuckDBConnection) root.duplicate()));
    }

    /**
     * A connection whose results stream, for one user query; give it back with {@link #giveBack}. Waits
     * while all are lent (their number is the SQL endpoint's concurrency).
     */
    Connection borrowStreaming() throws SQLException {
        try {
            return streaming.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a query connection", e);
        }
    }

    void giveBack(Connection c) {
        streaming.add((DuckDBConnection) c);
    }

    @Override
    public Page flows(LogQuery q) throws SQLException {
        try (Connection c = connection()) {
            return DuckDbLogQueries.page(c, DuckDbLogQueries.FLOWS, q);
        }
    }

    @Override
    public Page requests(LogQuery q) throws SQLException {
        try (Connection c = connection()) {
            return DuckDbLogQueries.page(c, DuckDbLogQueries.REQUESTS, q);
        }
    }

    @Override
    public Page networkMetrics(MetricsQuery q) throws SQLException {
        try (Connection c = connection()) {
            return DuckDbMetricsQueries.page(c, q);
        }
    }

    /** @throws IllegalStateException before {@link #lockDown}: an engine that is not locked down runs no user SQL */
    @Override
    public UserSql sql() {
        ReadOnlySql s = sql;
        if (s == null) {
            throw new IllegalStateException("user SQL runs only on a store locked down for it (lockDown)");
        }
        return s;
    }

    /** Every table's DELETE in one transaction, so a failure leaves flows, requests and events as they were. */
    @Override
    public void deleteBefore(Instant cutoff) throws SQLException {
        // rounded up to the stored microseconds: a row at 10:00:03.000000 is before a cut-off at 10:00:03.0000001
        long micros = Math.addExact(Math.multiplyExact(cutoff.getEpochSecond(), 1_000_000L),
                (cutoff.getNano() + 999) / 1000);
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try {
                for (String table : List.of("flow_log.l4_flow_log", "flow_log.l7_flow_log", "event.proc_event",
                        Schema.metricsTable(Tables.NETWORK_MAP_1S), Schema.metricsTable(Tables.NETWORK_MAP_1M),
                        Schema.metricsTable(Tables.NETWORK_1S), Schema.metricsTable(Tables.NETWORK_1M))) {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE time < make_timestamp(?)")) {
                        ps.setLong(1, micros);
                        ps.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                throw e;
            }
        }
    }

    /** A connection for queries (a duplicate of the main one); close it after use. */
    public Connection connection() throws SQLException {
        return root.duplicate();
    }

    @Override
    public void close() throws SQLException {
        for (DuckDBConnection c : streaming) {
            c.close();
        }
        root.close();
    }
}
