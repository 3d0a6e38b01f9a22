package io.flowscope.platform.l7;

import io.flowscope.api.L7Message;
import io.flowscope.api.MessageKind;
import io.flowscope.api.ResponseStatus;
import io.flowscope.platform.flow.Flow;
import io.flowscope.platform.metrics.PipelineCounters;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Pairs one flow's requests with responses: by stream id when the parser gives one, else first in,
 * first out. Unmatched requests and responses become rows of their own, never silently dropped.
 * Queues are bounded; an eviction is counted and the evicted request reported alone.
 */
final class Pairer {

    static final int MAX_PENDING = 1024;

    private final Flow flow;
    private final int l7Protocol;
    private final String protocolId;
    private final RecordSink sink;
    private final PipelineCounters counters;
    private final ArrayDeque<L7Message> fifo = new ArrayDeque<>();
    private Map<Long, L7Message> byStream;

    Pairer(Flow flow, int l7Protocol, String protocolId, RecordSink sink, PipelineCounters counters) {
        this.flow = flow;
        this.l7Protocol = l7Protocol;
        this.protocolId = protocolId;
        this.sink = sink;
        this.counters = counters;
    }

    void add(L7Message m) {
        switch (m.kind()) {
            case REQUEST -> request(m);
            case RESPONSE -> response(m);
            case SESSION -> record(MessageKind.SESSION, m, m, m.status());
        }
    }

    /** The flow ended: requests still waiting are reported alone, as timed out when the connection ended. */
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
    }

    private void request(L7Message m) {
        if (!m.expectsResponse()) {
            // one-way (Kafka acks=0, a pub/sub push): complete as it is, never waiting to become a timeout
            record(MessageKind.REQUEST, m, null, m.status() == ResponseStatus.UNKNOWN ? ResponseStatus.OK : m.status());
            return;
        }
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
            ResponseStatus status = req.status() == ResponseStatus.PARSE_FAILED ? ResponseStatus.PARSE_FAILED : m.status();
            record(MessageKind.SESSION, req, m, status);
        }
    }

    private void evicted(L7Message m) {
        counters.error("l7_pairing_queue_full");
        record(MessageKind.REQUEST, m, null, ResponseStatus.UNKNOWN);
    }

    private void record(MessageKind type, L7Message request, L7Message response, ResponseStatus status) {
        if (type != MessageKind.RESPONSE) {
            flow.l7Requests++;
            counters.request(protocolId);
        }
        if (type != MessageKind.REQUEST) {
            flow.l7Responses++;
        }
        switch (status) {
            case CLIENT_ERROR -> flow.l7ClientErrors++;
            case SERVER_ERROR -> flow.l7ServerErrors++;
            case TIMEOUT -> flow.l7Timeouts++;
            case PARSE_FAILED -> flow.l7ParseFailed++;
            default -> {
            }
        }
        L7Message side = request != null ? request : response;
        if (flow.requestDomain == null && side.domain() != null) {
            flow.requestDomain = side.domain();
        }
        sink.l7(new L7Record(flow, l7Protocol, protocolId, type, request, response, status));
    }
}
