package io.flowscope.platform.query;

import io.flowscope.platform.store.DuckDbStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/sql}: one read-only statement (see {@link SqlGuard}) with a row limit and a time
 * limit. Body: {@code {"sql": "...", "max_rows": 1000, "timeout_seconds": 10}} or the SQL as text/plain.
 */
@RestController
class SqlController {

    static final int DEFAULT_ROWS = 10_000;
    static final int MAX_ROWS = 100_000;
    static final int DEFAULT_TIMEOUT_SECONDS = 30;
    static final int MAX_TIMEOUT_SECONDS = 300;

    private final DuckDbStore store;
    private final ScheduledExecutorService canceller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sql-timeout");
        t.setDaemon(true);
        return t;
    });

    SqlController(DuckDbStore store) {
        this.store = store;
    }

    /** The JSON form of a request. */
    record SqlRequest(String sql, Integer max_rows, Integer timeout_seconds) {
    }

    @PostMapping(value = "/api/v1/sql", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> json(@RequestBody SqlRequest request) throws SQLException {
        return run(request.sql(), request.max_rows(), request.timeout_seconds());
    }

    @PostMapping(value = "/api/v1/sql", consumes = MediaType.TEXT_PLAIN_VALUE)
    Map<String, Object> text(@RequestBody String sql) throws SQLException {
        return run(sql, null, null);
    }

    private Map<String, Object> run(String sql, Integer maxRows, Integer timeoutSeconds) throws SQLException {
        SqlGuard.check(sql);
        int rowsLimit = bounded(maxRows, DEFAULT_ROWS, MAX_ROWS, "max_rows");
        int timeout = bounded(timeoutSeconds, DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, "timeout_seconds");
        long started = System.nanoTime();
        AtomicBoolean timedOut = new AtomicBoolean();
        try (Connection c = store.connection(); Statement st = c.createStatement()) {
            ScheduledFuture<?> cancel = canceller.schedule(() -> {
                timedOut.set(true);
                try {
                    st.cancel();
                } catch (SQLException ignored) {
                    // the statement finished meanwhile
                }
            }, timeout, TimeUnit.SECONDS);
            try (ResultSet rs = st.executeQuery(sql)) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, String>> columns = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    columns.add(Map.of("name", md.getColumnLabel(i), "type", md.getColumnTypeName(i)));
                }
                List<List<Object>> rows = new ArrayList<>();
                boolean truncated = false;
                while (rs.next()) {
                    if (rows.size() == rowsLimit) {
                        truncated = true;
                        break;
                    }
                    List<Object> row = new ArrayList<>(columns.size());
                    for (int i = 1; i <= columns.size(); i++) {
                        row.add(Rows.json(rs.getObject(i)));
                    }
                    rows.add(row);
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("columns", columns);
                out.put("rows", rows);
                out.put("row_count", rows.size());
                out.put("truncated", truncated);
                out.put("elapsed_ms", (System.nanoTime() - started) / 1_000_000);
                return out;
            } catch (SQLException e) {
                if (timedOut.get()) {
                    throw new BadQueryException("sql: the query ran longer than " + timeout + " s and was cancelled");
                }
                throw new BadQueryException("sql: " + e.getMessage());
            } finally {
                cancel.cancel(false);
            }
        }
    }

    private static int bounded(Integer v, int dflt, int max, String name) {
        if (v == null) {
            return dflt;
        }
        if (v < 1 || v > max) {
            throw new BadQueryException(name + ": must be between 1 and " + max);
        }
        return v;
    }
}
