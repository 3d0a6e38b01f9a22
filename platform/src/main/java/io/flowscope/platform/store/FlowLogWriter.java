package io.flowscope.platform.store;

import io.flowscope.platform.ebpf.ProcessEvent;
import io.flowscope.platform.flow.FlowReport;
import io.flowscope.platform.l7.L7Record;
import io.flowscope.platform.l7.RecordSink;
import io.flowscope.platform.metrics.network.NetworkMapRow;
import io.flowscope.platform.metrics.network.NetworkRow;
import io.flowscope.platform.metrics.network.NetworkSink;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes l4_flow_log, l7_flow_log, event.proc_event and the flow_metrics network rows through DuckDB appenders (column batches, never one INSERT
 * per row), each value from its column's declaration ({@link Tables}). Appenders buffer internally;
 * {@link #FLUSH_ROWS} rows of a table, or {@link #commit()}, make one committed batch (one transaction),
 * and {@link #close()} commits the rest. One writer per thread.
 */
final class FlowLogWriter implements RecordSink, NetworkSink, AutoCloseable {

    /** Rows per table between explicit flushes (one write batch). */
    static final int FLUSH_ROWS = 100_000;

    private final DuckDBConnection connection;
    private final Table<FlowReport> l4;
    private final Table<L7Record> l7;
    private final Table<ProcessEvent> procEvents;
    private final Table<NetworkMapRow> networkMap1s;
    private final Table<NetworkMapRow> networkMap1m;
    private final Table<NetworkRow> network1s;
    private final Table<NetworkRow> network1m;
    private final List<Table<?>> tables;
    private long batches;

    FlowLogWriter(DuckDbStore store, DuckDBConnection connection) throws SQLException {
        this.connection = connection;
        // one transaction per batch: with autocommit, DuckDB's appender commits every 2048-row chunk
        connection.setAutoCommit(false);
        this.l4 = new Table<>(connection.createAppender("flow_log", Tables.L4_NAME), Tables.L4);
        this.l7 = new Table<>(connection.createAppender("flow_log", Tables.L7_NAME), Tables.l7(store::nextId));
        this.procEvents = new Table<>(connection.createAppender("event", Tables.PROC_EVENT_NAME),
                Tables.procEvent(store::nextId));
        this.networkMap1s = metrics(Tables.NETWORK_MAP_1S, Tables.NETWORK_MAP);
        this.networkMap1m = metrics(Tables.NETWORK_MAP_1M, Tables.NETWORK_MAP);
        this.network1s = metrics(Tables.NETWORK_1S, Tables.NETWORK);
        this.network1m = metrics(Tables.NETWORK_1M, Tables.NETWORK);
        this.tables = List.of(l4, l7, procEvents, networkMap1s, networkMap1m, network1s, network1m);
    }

    private <T> Table<T> metrics(String name, List<Column<T>> columns) throws SQLException {
        return new Table<>(connection.createAppender(Tables.METRICS_SCHEMA, name), columns);
    }

    /** Batches committed so far. */
    public long batches() {
        return batches;
    }

    @Override
    public void flow(FlowReport r) {
        append(l4, r, "l4_flow_log");
    }

    @Override
    public void l7(L7Record r) {
        append(l7, r, "l7_flow_log");
    }

    /** One event.proc_event row. */
    public void processEvent(ProcessEvent e) {
        append(procEvents, e, "proc_event");
    }

    @Override
    public void networkMap(NetworkMapRow r) {
        append(r.minute() ? networkMap1m : networkMap1s, r, "network_map");
    }

    @Override
    public void network(NetworkRow r) {
        append(r.minute() ? network1m : network1s, r, "network");
    }

    private <T> void append(Table<T> t, T row, String name) {
        try {
            t.append(row);
            if (t.pending >= FLUSH_ROWS) {
                commit();
            }
        } catch (SQLException e) {
            throw new StoreWriteException("writing " + name, e);
        }
    }

    /** Makes every row appended so far queryable (one transaction); nothing when none is pending. */
    public void commit() throws SQLException {
        boolean pending = false;
        for (Table<?> t : tables) {
            pending |= t.pending > 0;
        }
        if (!pending) {
            return;
        }
        for (Table<?> t : tables) {
            if (t.pending > 0) {
                t.appender.flush();
            }
        }
        connection.commit();
        for (Table<?> t : tables) {
            t.pending = 0;
        }
        batches++;
    }

    /** Commits what is buffered and releases the appenders. */
    @Override
    public void close() throws SQLException {
        if (l4.appender.isClosed()) {
            return;
        }
        try {
            commit();
        } finally {
            try {
                for (Table<?> t : tables) {
                    t.appender.close();
                }
            } finally {
                connection.close();
            }
        }
    }

    /**
     * One table's appender and the declarations its values come from, unpacked into arrays once so that
     * the per-row loop is a switch over plain ints (this loop runs for every value of every row).
     */
    private static final class Table<T> {
        final DuckDBAppender appender;
        final Column.Type[] types;
        final ToLongFunction<T>[] integers;
        final ToDoubleFunction<T>[] reals;
        final Function<T, String>[] texts;
        int pending;

        @SuppressWarnings("unchecked")
        Table(DuckDBAppender appender, List<Column<T>> columns) {
            this.appender = appender;
            int n = columns.size();
            types = new Column.Type[n];
            integers = new ToLongFunction[n];
            reals = new ToDoubleFunction[n];
            texts = new Function[n];
            for (int i = 0; i < n; i++) {
                Column<T> c = columns.get(i);
                types[i] = c.type();
                integers[i] = c.integer();
                reals[i] = c.real();
                texts[i] = c.text();
            }
        }

        void append(T row) throws SQLException {
            DuckDBAppender a = appender;
            a.beginRow();
            for (int i = 0; i < types.length; i++) {
                switch (types[i]) {
                    case VARCHAR -> appendText(a, texts[i].apply(row));
                    case DOUBLE -> {
                        double v = reals[i].applyAsDouble(row);
                        if (Double.isNaN(v)) {
                            a.appendNull();
                        } else {
                            a.append(v);
                        }
                    }
                    default -> appendInteger(a, types[i], integers[i].applyAsLong(row));
                }
            }
            a.endRow();
            pending++;
        }

        private static void appendInteger(DuckDBAppender a, Column.Type type, long v) throws SQLException {
            if (v == Column.NULL) {
                a.appendNull();
                return;
            }
            switch (type) {
                case UTINYINT -> a.append((byte) v);
                case USMALLINT -> a.append((short) v);
                case UINTEGER, INTEGER -> a.append((int) v);
                case TIMESTAMP -> a.appendEpochMicros(v);
                default -> a.append(v);
            }
        }

        /** Text values are cut at {@link Schema#MAX_TEXT_CHARS}: the SQL endpoint's size bounds rely on it. */
        private static void appendText(DuckDBAppender a, String s) throws SQLException {
            if (s == null) {
                a.appendNull();
            } else if (s.length() > Schema.MAX_TEXT_CHARS) {
                int end = Schema.MAX_TEXT_CHARS;
                if (Character.isHighSurrogate(s.charAt(end - 1))) {
                    end--;
                }
                a.append(s.substring(0, end));
            } else {
                a.append(s);
            }
        }
    }
}
