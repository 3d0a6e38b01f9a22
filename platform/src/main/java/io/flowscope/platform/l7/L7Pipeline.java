package io.flowscope.platform.l7;

import io.flowscope.platform.budget.ByteBudget;
import io.flowscope.platform.flow.Flow;
import io.flowscope.platform.flow.FlowListener;
import io.flowscope.platform.metrics.PipelineCounters;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The L7 stage behind the FlowGenerator: gives each flow an {@link L7Session} on its first payload
 * (detect, then parse), and when the flow ends, closes the session, fills the flow's L7 counters and
 * passes the flow on to the {@link RecordSink}.
 */
public final class L7Pipeline implements FlowListener {

    private final RecordSink sink;
    private final PipelineCounters counters;
    private final ViewCache views = new ViewCache();
    private final ByteBudget detectionBudget;

    /** Default bytes all flows of a pipeline may hold together while their protocol is detected: 64 MiB. */
    public static final long DEFAULT_DETECTION_BUDGET = 64L << 20;

    public L7Pipeline(List<ProtocolHandle> protocols, RecordSink sink, PipelineCounters counters) {
        this(protocols, sink, counters, new ByteBudget(DEFAULT_DETECTION_BUDGET));
    }

    /** The same, with the bytes all flows may hold together while their protocol is detected. */
    public L7Pipeline(List<ProtocolHandle> protocols, RecordSink sink, PipelineCounters counters, ByteBudget detectionBudget) {
        this.tcp = ofTransport(protocols, io.flowscope.api.Transport.TCP);
        this.udp = ofTransport(protocols, io.flowscope.api.Transport.UDP);
        this.sink = sink;
        this.counters = counters;
        this.detectionBudget = detectionBudget;
    }

    private final List<ProtocolHandle> tcp;
    private final List<ProtocolHandle> udp;

    /** The protocols of one transport in the order detection asks them: priority, then plugin id. */
    private static List<ProtocolHandle> ofTransport(List<ProtocolHandle> all, io.flowscope.api.Transport t) {
        return all.stream().filter(h -> h.descriptor().transport() == t)
                .sorted(java.util.Comparator.comparingInt((ProtocolHandle h) -> -h.descriptor().priority())
                        .thenComparing(ProtocolHandle::pluginId).thenComparing(h -> h.descriptor().id()))
                .toList();
    }

    /** What flows hold while their protocol is detected. */
    public ByteBudget detectionBudget() {
        return detectionBudget;
    }

    @Override
    public void payload(Flow flow, int side, ByteBuffer buffer, int offset, int length, long tsMicros) {
        L7Session s = session(flow);
        if (s != null) {
            s.data(side, views.view(buffer, offset, length), tsMicros);
        }
    }

    private L7Session session(Flow flow) {
        L7Session s = (L7Session) flow.attachment;
        List<ProtocolHandle> candidates = flow.isTcp() ? tcp : udp;
        // without a protocol of the flow's transport there is nothing to detect, so nothing is held for it
        if (s == null && !candidates.isEmpty()) {
            s = new L7Session(flow, candidates, sink, counters, detectionBudget);
            flow.attachment = s;
        }
        return s;
    }

    @Override
    public void datagram(Flow flow, int side, ByteBuffer buffer, int offset, int length, int wireLength, long tsMicros) {
        L7Session s = session(flow);
        if (s != null && length > 0) {
            s.datagram(side, views.view(buffer, offset, length), tsMicros, wireLength > length);
        }
    }

    @Override
    public void gap(Flow flow, int side, long lostBytes) {
        if (flow.attachment instanceof L7Session s) {
            s.gap(side, lostBytes);
        }
    }

    @Override
    public void flowEnded(Flow flow) {
        if (flow.attachment instanceof L7Session s) {
            s.end();
            flow.attachment = null;
        }
        switch (flow.protocol) {
            case 6 -> counters.tcpFlows++;
            case 17 -> counters.udpFlows++;
            default -> counters.otherFlows++;
        }
        sink.flow(flow);
    }

    /** One read-only view per source buffer, re-pointed for each call instead of a new slice per packet. */
    private static final class ViewCache {
        private ByteBuffer source;
        private ByteBuffer view;

        ByteBuffer view(ByteBuffer b, int offset, int length) {
            if (b != source) {
                source = b;
                view = b.asReadOnlyBuffer();
            }
            view.clear();
            view.position(offset);
            view.limit(offset + length);
            return view;
        }
    }
}
