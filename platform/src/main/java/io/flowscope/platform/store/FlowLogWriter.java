package io.flowscope.platform.store;

import io.flowscope.api.L7Message;
import io.flowscope.platform.flow.CloseType;
import io.flowscope.platform.flow.Flow;
import io.flowscope.platform.l7.L7Record;
import io.flowscope.platform.l7.RecordSink;
import java.sql.SQLException;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes l4_flow_log and l7_flow_log rows through DuckDB appenders (column batches, never one INSERT
 * per row). Appenders buffer internally; {@link #FLUSH_ROWS} rows of a table make one committed batch
 * (one transaction), and {@link #close()} commits the rest. One writer per thread.
 */
public final class FlowLogWriter implements RecordSink, AutoCloseable {

    /** Rows per table between explicit flushes (one write batch). */
    static final int FLUSH_ROWS = 100_000;

    private final DuckDbStore store;
    private final DuckDBConnection connection;
    private final DuckDBAppender l4;
    private final DuckDBAppender l7;
    private int l4Pending;
    private int l7Pending;
    private long batches;

    FlowLogWriter(DuckDbStore store, DuckDBConnection connection) throws SQLException {
        this.store = store;
        this.connection = connection;
        // one transaction per batch: with autocommit, DuckDB's appender commits every 2048-row chunk
        connection.setAutoCommit(false);
        this.l4 = connection.createAppender("flow_log", "l4_flow_log");
        this.l7 = connection.createAppender("flow_log", "l7_flow_log");
    }

    /** Batches committed so far. */
    public long batches() {
        return batches;
    }

    @Override
    public void flow(Flow f) {
        try {
            appendFlow(f);
            l4Pending = commitIfFull(l4, l4Pending + 1);
        } catch (SQLException e) {
            throw new StoreWriteException("writing l4_flow_log", e);
        }
    }

    @Override
    public void l7(L7Record r) {
        try {
            appendL7(r);
            l7Pending = commitIfFull(l7, l7Pending + 1);
        } catch (SQLException e) {
            throw new StoreWriteException("writing l7_flow_log", e);
        }
    }

    /** Commits a table's rows once {@link #FLUSH_ROWS} are pending; returns how many are still pending. */
    private int commitIfFull(DuckDBAppender table, int pending) throws SQLException {
        if (pending < FLUSH_ROWS) {
            return pending;
        }
        table.flush();
        connection.commit();
        batches++;
        return 0;
    }

    private void appendFlow(Flow f) throws SQLException {
        DuckDBAppender a = l4;
        a.beginRow();
        a.appendEpochMicros(f.endTime / 1_000_000 * 1_000_000);
        a.appendEpochMicros(f.startTime);
        a.appendEpochMicros(f.endTime);
        a.append(f.endTime - f.startTime);
        a.append(f.id);
        a.append((short) 0); // signal_source: packet
        a.append(f.interfaceId);
        a.append(f.mac0);
        a.append(f.mac1);
        a.append((short) f.ethType);
        a.append((short) f.vlan);
        appendAddresses(a, f);
        a.append((byte) f.protocol);
        a.append((short) f.port0);
        a.append((short) f.port1);
        a.append((short) f.tcpFlags[0]);
        a.append((short) f.tcpFlags[1]);
        a.append(f.synCount);
        a.append(f.synAckCount);
        a.append(f.finCount);
        a.append(f.packets[0]);
        a.append(f.packets[1]);
        a.append(f.bytes[0]);
        a.append(f.bytes[1]);
        a.append(f.l3Bytes[0]);
        a.append(f.l3Bytes[1]);
        a.append(f.l4Bytes[0]);
        a.append(f.l4Bytes[1]);
        appendMicrosOrNull(a, f.rtt());
        appendMicrosOrNull(a, f.rttClient);
        appendMicrosOrNull(a, f.rttServer);
        a.append((double) f.srtSum);
        a.append(f.srtCount);
        a.append((int) Math.min(f.srtMax, 0xffffffffL));
        a.append(f.retrans[0]);
        a.append(f.retrans[1]);
        a.append(f.zeroWindows[0]);
        a.append(f.zeroWindows[1]);
        a.append(f.outOfOrder[0]);
        a.append(f.outOfOrder[1]);
        a.append((short) f.closeType);
        a.append((byte) CloseType.status(f.closeType, f.isTcp()));
        a.append((byte) 1); // is_new_flow: one row per flow
        a.append((byte) f.directionScore);
        a.append((byte) f.l7Protocol);
        appendString(a, f.requestDomain);
        a.append(f.l7Requests);
        a.append(f.l7Responses);
        a.append(f.l7ParseFailed);
        a.append(f.l7ClientErrors);
        a.append(f.l7ServerErrors);
        a.append(f.l7Timeouts);
        a.append(f.l7ClientErrors + f.l7ServerErrors);
        a.endRow();
    }

    private void appendL7(L7Record r) throws SQLException {
        DuckDBAppender a = l7;
        Flow f = r.flow;
        L7Message req = r.requestSide();
        L7Message resp = r.responseSide();
        long end = r.endTime();
        a.beginRow();
        a.append(store.nextL7Id());
        a.appendEpochMicros(end / 1_000_000 * 1_000_000);
        a.appendEpochMicros(r.startTime());
        a.appendEpochMicros(end);
        a.append(f.id);
        a.append((short) 0);
        a.append(f.interfaceId);
        appendAddresses(a, f);
        a.append((byte) f.protocol);
        a.append((short) f.port0);
        a.append((short) f.port1);
        a.append((byte) r.l7Protocol);
        a.append(r.protocolId);
        appendString(a, req.version());
        a.append((byte) r.type.code());
        appendString(a, r.request != null ? req.operation() : null);
        appendString(a, r.request != null ? req.domain() : null);
        appendString(a, r.request != null ? req.resource() : null);
        appendString(a, r.request != null ? req.endpoint() : null);
        if (req.streamId() != L7Message.NO_STREAM) {
            a.append(req.streamId());
        } else {
            a.appendNull();
        }
        a.append((byte) r.status.code());
        if (resp != null && resp.hasStatusCode()) {
            a.append(resp.statusCode());
        } else {
            a.appendNull();
        }
        String exception = resp != null ? resp.exception() : req.exception();
        appendString(a, exception);
        long duration = r.duration();
        if (duration >= 0) {
            a.append(duration);
        } else {
            a.appendNull();
        }
        if (r.request != null) {
            a.append(r.request.bytes());
        } else {
            a.appendNull();
        }
        if (resp != null && resp != r.request) {
            a.append(resp.bytes());
        } else {
            a.appendNull();
        }
        String traceId = req.traceId() != null ? req.traceId() : resp != null ? resp.traceId() : null;
        String spanId = req.spanId() != null ? req.spanId() : resp != null ? resp.spanId() : null;
        appendString(a, traceId);
        appendString(a, spanId);
        appendString(a, attributes(r));
        a.endRow();
    }

    private static String attributes(L7Record r) {
        Map<String, String> req = r.request != null ? r.request.attributes() : Map.of();
        Map<String, String> resp = r.response != null && r.response != r.request ? r.response.attributes() : Map.of();
        if (req.isEmpty() && resp.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder("{");
        appendJson(sb, req);
        appendJson(sb, resp);
        return sb.append('}').toString();
    }

    private static void appendJson(StringBuilder sb, Map<String, String> m) {
        for (Map.Entry<String, String> e : m.entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            Json.quote(sb, e.getKey());
            sb.append(':');
            Json.quote(sb, e.getValue());
        }
    }

    private static void appendAddresses(DuckDBAppender a, Flow f) throws SQLException {
        a.append((byte) (f.ipv4 ? 1 : 0));
        if (f.ipv4) {
            a.append((int) f.ip0Lo);
            a.append((int) f.ip1Lo);
            a.appendNull();
            a.appendNull();
        } else {
            a.appendNull();
            a.appendNull();
            a.append(Addresses.ipv6(f.ip0Hi, f.ip0Lo));
            a.append(Addresses.ipv6(f.ip1Hi, f.ip1Lo));
        }
    }

    private static void appendMicrosOrNull(DuckDBAppender a, long v) throws SQLException {
        if (v >= 0) {
            a.append((double) v);
        } else {
            a.appendNull();
        }
    }

    /** Text values are cut at {@link Schema#MAX_TEXT_CHARS}: the SQL endpoint's size bounds rely on it. */
    private static void appendString(DuckDBAppender a, String s) throws SQLException {
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

    /** Commits what is buffered and releases the appenders. */
    @Override
    public void close() throws SQLException {
        if (l4.isClosed()) {
            return;
        }
        try {
            l4.flush();
            l7.flush();
            connection.commit();
            batches += 2;
        } finally {
            try {
                l4.close();
                l7.close();
            } finally {
                connection.close();
            }
        }
    }
}
