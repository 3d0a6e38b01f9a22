package io.flowscope.platform.l7;

import io.flowscope.api.L7Message;
import io.flowscope.api.MessageKind;
import io.flowscope.api.ResponseStatus;
import io.flowscope.platform.connection.Connection;
import io.flowscope.platform.connection.L7Counts;
import io.flowscope.platform.metrics.PipelineCounters;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pairs one connection's requests with responses: by stream id when the parser gives one, else first in,
 * first out. Unmatched requests and responses become rows of their own, never silently dropped. Queues
 * are bounded per connection ({@link #MAX_PENDING}) and, through the {@link Budget}, across all
 * connections; an eviction is counted and the evicted request reported alone. Results are counted in the
 * connection's {@link L7Counts}.
 */
final class Pairer {

    static final int MAX_PENDING = 1024;

    /** The pending bytes all connections share; {@code reserve} may make room by flushing others. */
    interface Budget {
        boolean reserve(long bytes);

        void release(long bytes);
    }

    /** Replaced when the source learns more of it (the process at the other end): records take the latest. */
    private Connection connection;
    private final L7Counts counts;
    private final int l7Protocol;
    private final String protocolId;
    private final RecordSink sink;
    private final PipelineCounters counters;
    private final Budget budget;
    private final ArrayDeque<L7Message> fifo = new ArrayDeque<>();
    private Map<Long, L7Message> byStream;
    private long pendingBytes;

    /** The connection's description from now on (same id and ends). */
    void connection(Connection c) {
        connection = c;
    }

    Pairer(Connection connection, L7Counts counts, int l7Protocol, String protocolId, RecordSink sink,
           PipelineCounters counters, Budget budget) {
        this.connection = connection;
        this.counts = counts;
        this.l7Protocol = l7Protocol;
        this.protocolId = protocolId;
        this.sink = sink;
        this.counters = counters;
        this.budget = budget;
    }

    void add(L7Message m) {
        switch (m.kind()) {
            case REQUEST -> request(m);
            case RESPONSE -> response(m);
            case SESSION -> record(MessageKind.SESSION, m, m, m.status());
        }
    }

    /** Whether requests are waiting. */
    boolean hasPending() {
        return pendingBytes > 0;
    }

    /**
     * Requests still waiting are reported alone: as timed out when the connection ended without their
     * responses, else ({@code connectionEnded} false: the input ended, or state was evicted) as unknown.
     */
    void flush(boolean connectionEnded) {
        ResponseStatus status = connectionEnded ? ResponseStatus.TIMEOUT : ResponseStatus.UNKNOWN;
        for (L7Message r : fifo) {
            record(MessageKind.REQUEST, r, null, status);
        }
        fifo.clear();
        if (byStream != null) {
            for (L7Message r : byStream.values()) {
                record(MessageKind.REQUEST, r, null, status);
            }
            byStream.clear();
        }
        budget.release(pendingBytes);
        pendingBytes = 0;
    }

    private void request(L7Message m) {
        if (!m.expectsResponse()) {
            // one-way (Kafka acks=0, a pub/sub push): complete as it is, never waiting to become a timeout
            record(MessageKind.REQUEST, m, null, m.status() == ResponseStatus.UNKNOWN ? ResponseStatus.OK : m.status());
            return;
        }
        long cost = estimate(m);
        if (!budget.reserve(cost)) {
            // nothing else to make room from: this request is reported alone now rather than held
            record(MessageKind.REQUEST, m, null, ResponseStatus.UNKNOWN);
            return;
        }
        pendingBytes += cost;
        if (m.streamId() != L7Message.NO_STREAM) {
            if (byStream == null) {
                // insertion order: the first entry is the oldest request, the one to evict
                byStream = new LinkedHashMap<>();
            }
            if (byStream.size() >= MAX_PENDING) {
                Iterator<L7Message> it = byStream.values().iterator();
                L7Message oldest = it.next();
                it.remove();
                evicted(oldest);
            }
            L7Message previous = byStream.put(m.streamId(), m);
            if (previous != null) {
                released(previous);
                record(MessageKind.REQUEST, previous, null, ResponseStatus.UNKNOWN);
            }
            return;
        }
        if (fifo.size() >= MAX_PENDING) {
            evicted(fifo.pollFirst());
        }
        fifo.addLast(m);
    }

    private void response(L7Message m) {
        L7Message req;
        if (m.streamId() != L7Message.NO_STREAM) {
            req = byStream == null ? null : byStream.remove(m.streamId());
        } else {
            req = fifo.pollFirst();
        }
        if (req == null) {
            record(MessageKind.RESPONSE, null, m, m.status());
        } else {
            released(req);
            ResponseStatus status = req.status() == ResponseStatus.PARSE_FAILED ? ResponseStatus.PARSE_FAILED : m.status();
            record(MessageKind.SESSION, req, m, status);
        }
    }

    private void evicted(L7Message m) {
        released(m);
        counters.error("l7_pairing_queue_full");
        record(MessageKind.REQUEST, m, null, ResponseStatus.UNKNOWN);
    }

    private void released(L7Message m) {
        long b = estimate(m);
        pendingBytes -= b;
        budget.release(b);
    }

    /**
     * What a waiting request costs, roughly: the message object, its texts (two bytes a char, the longest
     * ones counted: resource, domain, operation) and its attributes. Cheap on purpose: called twice per request.
     */
    static long estimate(L7Message m) {
        return 256 + 2L * (length(m.resource()) + length(m.domain()) + length(m.operation()))
                + 128L * m.attributes().size();
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    private void record(MessageKind type, L7Message request, L7Message response, ResponseStatus status) {
        if (type != MessageKind.RESPONSE) {
            counts.requests++;
            counters.request(protocolId);
        }
        if (type != MessageKind.REQUEST) {
            counts.responses++;
        }
        switch (status) {
            case CLIENT_ERROR -> counts.clientErrors++;
            case SERVER_ERROR -> counts.serverErrors++;
            case TIMEOUT -> counts.timeouts++;
            case PARSE_FAILED -> counts.parseFailed++;
            default -> {
            }
        }
        L7Message side = request != null ? request : response;
        if (counts.requestDomain == null && side.domain() != null) {
            counts.requestDomain = side.domain();
        }
        sink.l7(new L7Record(connection, l7Protocol, protocolId, type, request, response, status));
    }
}
