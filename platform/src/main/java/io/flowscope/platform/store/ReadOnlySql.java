package io.flowscope.platform.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a user's query on DuckDB as exactly one read-only statement, decided by DuckDB itself:
 * <ol>
 *   <li>{@code json_serialize_sql} parses the text with DuckDB's own parser, the one that will run it: it
 *       serialises SELECT nodes only (DESCRIBE, SHOW, SUMMARIZE, VALUES, UNPIVOT and FROM-first queries are
 *       SELECT nodes too) and lists every statement of the text, so anything else, or a second statement,
 *       is refused;</li>
 *   <li>{@link DuckDbQueryPolicy} checks that parse tree (tables, functions, value sizes);</li>
 *   <li>the text, now known to be one statement to the same parser, runs inside a {@code READ ONLY}
 *       transaction, so whatever slipped through still cannot write.</li>
 * </ol>
 * Why not run the checked tree itself ({@code json_execute_serialized_sql}): measured here, it materialises
 * the whole result before the first row and cannot be cancelled until it is done (a 4 s limit stopped a
 * scan after 17 s, a string-building one after 110 s); the text runs streamed and stops within the limit.
 * The time limit covers all three steps and the fetching of rows; rows and response bytes are bounded.
 */
public final class ReadOnlySql implements UserSql {

    private static final JsonMapper JSON = JsonMapper.builder(tools.jackson.core.json.JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(10_000).build()).build())
            .build();

    private final DuckDbStore store;
    private final DuckDbQueryPolicy policy;
    private final ScheduledExecutorService canceller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sql-timeout");
        t.setDaemon(true);
        return t;
    });

    ReadOnlySql(DuckDbStore store, DuckDbQueryPolicy policy) {
        this.store = store;
        this.policy = policy;
    }

    /** Values as {@link Rows#json} makes them. */
    @Override
    public Result run(String sql, Limits limits) throws SQLException {
        if (sql == null || sql.isBlank()) {
            throw new QueryRefusedException("sql: empty query");
        }
        AtomicBoolean timedOut = new AtomicBoolean();
        Connection c = store.borrowStreaming();
        try {
            Cancel cancel = new Cancel();
            ScheduledFuture<?> timer = canceller.schedule(() -> {
                timedOut.set(true);
                cancel.now();
            }, limits.timeoutMillis(), TimeUnit.MILLISECONDS);
            try {
                check(c, sql, cancel);
                try (Statement st = c.createStatement()) {
                    cancel.watch(st);
                    st.execute("BEGIN TRANSACTION READ ONLY");
                    try (ResultSet rs = st.executeQuery(sql)) {
                        return fetch(rs, limits);
                    } finally {
                        rollback(c);
                    }
                }
            } catch (SQLException e) {
                if (timedOut.get()) {
                    throw new QueryRefusedException("sql: the query ran longer than " + seconds(limits.timeoutMillis())
                            + " and was cancelled");
                }
                throw new QueryRefusedException("sql: " + DuckDbErrors.message(e));
            } finally {
                timer.cancel(false);
            }
        } finally {
            store.giveBack(c);
        }
    }

    /** DuckDB's parse of the text, checked: exactly one SELECT statement the policy accepts. */
    private void check(Connection c, String sql, Cancel cancel) throws SQLException {
        String json;
        try (PreparedStatement ps = c.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
            cancel.watch(ps);
            ps.setString(1, sql);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                json = rs.getString(1);
            }
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (StreamConstraintsException e) {
            throw new QueryRefusedException("sql: the query nests too deeply");
        } catch (JacksonException e) {
            throw new QueryRefusedException("sql: the query could not be checked");
        }
        if (root.path("error").asBoolean(false)) {
            String message = root.path("error_message").asString("");
            if (message.startsWith("Only SELECT statements") || message.contains("needs a SELECT")) {
                throw new QueryRefusedException("sql: only one read-only query is allowed (SELECT, WITH … SELECT, "
                        + "FROM …, VALUES, DESCRIBE, SHOW, SUMMARIZE); DuckDB reads a statement of another kind here");
            }
            throw new QueryRefusedException("sql: " + message);
        }
        JsonNode statements = root.path("statements");
        if (statements.size() != 1) {
            throw new QueryRefusedException(statements.isEmpty() ? "sql: empty query"
                    : "sql: exactly one statement is allowed, DuckDB reads " + statements.size());
        }
        try {
            policy.check(statements.get(0).path("node"));
        } catch (StackOverflowError e) {
            // nesting the depth limit does not see (subqueries within subqueries): refused all the same
            throw new QueryRefusedException("sql: the query nests too deeply");
        }
    }

    private static Result fetch(ResultSet rs, Limits limits) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        List<Column> columns = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            columns.add(new Column(md.getColumnLabel(i), md.getColumnTypeName(i)));
        }
        List<List<Object>> rows = new ArrayList<>();
        long bytes = 0;
        String truncatedBy = null;
        while (rs.next()) {
            if (rows.size() == limits.maxRows()) {
                truncatedBy = "max_rows";
                break;
            }
            List<Object> row = new ArrayList<>(columns.size());
            long rowBytes = 2;
            for (int i = 1; i <= columns.size(); i++) {
                Object v = Rows.json(rs.getObject(i));
                row.add(v);
                rowBytes += (v == null ? 4 : v instanceof String s ? s.length() + 2 : String.valueOf(v).length()) + 1;
            }
            if (bytes + rowBytes > limits.maxResponseBytes()) {
                truncatedBy = "max_response_bytes";
                break;
            }
            bytes += rowBytes;
            rows.add(row);
        }
        return new Result(columns, rows, truncatedBy, bytes);
    }

    private static void rollback(Connection c) {
        try (Statement st = c.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException e) {
            // no transaction left to end: DuckDB already rolled back after an error
        }
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /** Cancels whichever statement of the query's connection runs when the time is up. */
    private static final class Cancel {
        private volatile Statement current;
        private volatile boolean cancelled;

        void watch(Statement s) throws SQLException {
            if (cancelled) {
                throw new SQLException("cancelled before it started");
            }
            current = s;
        }

        void now() {
            cancelled = true;
            Statement s = current;
            if (s != null) {
                try {
                    s.cancel();
                } catch (SQLException ignored) {
                    // the statement finished meanwhile
                }
            }
        }
    }
}
