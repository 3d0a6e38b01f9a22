package io.flowscope.platform.pipeline;

import io.flowscope.platform.connection.Connection;
import io.flowscope.platform.l7.L7Pipeline;
import io.flowscope.platform.l7.L7Session;
import io.flowscope.platform.metrics.PipelineCounters;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The socket-data entry point: a table of open traced connections, each with its L7 session. Connections
 * without data for {@code idleMicros} are ended as idle when the clock (the chunks' time, or the wall
 * clock for a live source) passes it.
 */
final class SocketConnections implements SocketInput {

    private static final class Open {
        Connection connection;
        final L7Session session;
        long lastSeen;

        Open(Connection connection, L7Session session, long lastSeen) {
            this.connection = connection;
            this.session = session;
            this.lastSeen = lastSeen;
        }
    }

    private final Map<Long, Open> open = new HashMap<>();
    private final L7Pipeline l7;
    private final LongSupplier ids;
    private final PipelineCounters counters;
    private final long idleMicros;
    private long clock;
    private long lastSweep;

    SocketConnections(L7Pipeline l7, LongSupplier ids, PipelineCounters counters, long idleMicros) {
        this.l7 = l7;
        this.ids = ids;
        this.counters = counters;
        this.idleMicros = idleMicros;
    }

    @Override
    public void open(long socketId, Connection.Builder connection, long tsMicros) {
        advanceTo(tsMicros);
        Open previous = open.remove(socketId);
        if (previous != null) {
            // the source reuses its key: the connection it named before is over
            end(previous, L7Session.End.UNKNOWN);
        }
        Connection c = connection.id(ids.getAsLong()).build();
        open.put(socketId, new Open(c, l7.open(c), tsMicros));
    }

    @Override
    public void data(long socketId, int side, ByteBuffer buffer, int offset, int captured, int length, long tsMicros) {
        Open o = open.get(socketId);
        if (o != null) {
            o.lastSeen = Math.max(o.lastSeen, tsMicros); // before the sweep: its own data keeps it alive
        }
        advanceTo(tsMicros);
        if (o == null) {
            counters.error("socket_data_without_connection");
            return;
        }
        if (o.session == null) {
            return;
        }
        if (o.connection.isTcp()) {
            if (captured > 0) {
                o.session.data(side, buffer, offset, captured, tsMicros);
            }
            if (length > captured) {
                o.session.gap(side, length - captured);
            }
        } else {
            o.session.datagram(side, buffer, offset, captured, length > captured, tsMicros);
        }
    }

    @Override
    public void process(long socketId, int side, int pid, int tid, String name) {
        Open o = open.get(socketId);
        if (o == null || o.connection.processId(side) == pid) { // known already (its first thread is kept)
            return;
        }
        o.connection = o.connection.withProcess(side, pid, tid, name);
        if (o.session != null) {
            o.session.update(o.connection);
        }
    }

    @Override
    public void gap(long socketId, int side, long lostBytes) {
        Open o = open.get(socketId);
        if (o != null && o.session != null) {
            o.session.gap(side, lostBytes);
        }
    }

    @Override
    public void close(long socketId, long tsMicros) {
        advanceTo(tsMicros);
        Open o = open.remove(socketId);
        if (o != null) {
            end(o, L7Session.End.CLOSED);
        }
    }

    /** Moves the clock; about once a second of it, idle connections end. */
    void advanceTo(long nowMicros) {
        if (nowMicros > clock) {
            clock = nowMicros;
        }
        if (clock - lastSweep >= 1_000_000L) {
            lastSweep = clock;
            for (Iterator<Open> it = open.values().iterator(); it.hasNext(); ) {
                Open o = it.next();
                if (clock - o.lastSeen >= idleMicros) {
                    it.remove();
                    end(o, L7Session.End.IDLE);
                }
            }
        }
    }

    /** End of input: every connection still open ends, its waiting requests unknown. */
    void finish() {
        for (Open o : open.values()) {
            end(o, L7Session.End.UNKNOWN);
        }
        open.clear();
    }

    int openConnections() {
        return open.size();
    }

    private static void end(Open o, L7Session.End how) {
        if (o.session != null) {
            o.session.end(how);
        }
    }
}
