package io.flowscope.platform.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import org.duckdb.DuckDBConnection;

/**
 * The embedded store: one DuckDB file, {@code flowscope.duckdb}, in the data directory. One process
 * owns it (DuckDB's rule); writers append through DuckDB's Appender on connections of their own,
 * queries use short-lived duplicates of the main connection.
 */
public final class DuckDbStore implements AutoCloseable {

    /** File name of the database inside the data directory. */
    public static final String FILE = "flowscope.duckdb";

    private final Path file;
    private final DuckDBConnection root;
    private final AtomicLong nextFlowId;
    private final AtomicLong nextL7Id;

    private DuckDbStore(Path file, DuckDBConnection root, long nextFlowId, long nextL7Id) {
        this.file = file;
        this.root = root;
        this.nextFlowId = new AtomicLong(nextFlowId);
        this.nextL7Id = new AtomicLong(nextL7Id);
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
            long flowId = maxPlusOne(s, "SELECT max(flow_id) FROM flow_log.l4_flow_log");
            long l7Id = maxPlusOne(s, "SELECT max(_id) FROM flow_log.l7_flow_log");
            return new DuckDbStore(file, c, flowId, l7Id);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    private static long maxPlusOne(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1) + 1;
        }
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /** A new flow id, unique in this database. */
    public long nextFlowId() {
        return nextFlowId.getAndIncrement();
    }

    long nextL7Id() {
        return nextL7Id.getAndIncrement();
    }

    /** A writer with appenders on a connection of its own; use it from one thread and close it to commit. */
    public FlowLogWriter newWriter() throws SQLException {
        return new FlowLogWriter(this, (DuckDBConnection) root.duplicate());
    }

    /** A connection for queries (a duplicate of the main one); close it after use. */
    public Connection connection() throws SQLException {
        return root.duplicate();
    }

    @Override
    public void close() throws SQLException {
        root.close();
    }
}
