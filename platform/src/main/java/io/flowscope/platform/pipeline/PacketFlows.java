package io.flowscope.platform.pipeline;

import io.flowscope.platform.connection.L7Counts;
import io.flowscope.platform.flow.CloseType;
import io.flowscope.platform.flow.Flow;
import io.flowscope.platform.flow.FlowListener;
import io.flowscope.platform.flow.FlowReport;
import io.flowscope.platform.l7.L7Pipeline;
import io.flowscope.platform.l7.L7Session;
import io.flowscope.platform.l7.RecordSink;
import io.flowscope.platform.metrics.PipelineCounters;
import io.flowscope.platform.metrics.network.FlowMeter;
import io.flowscope.platform.metrics.network.NetworkMetrics;
import java.nio.ByteBuffer;

/**
 * Joins the FlowGenerator to the L7 stage and the network metrics: each flow's connection gets an L7 session on
 * its first payload, each counted packet goes to the flow's meter, and each report of a flow (once a minute
 * while it lives, and at its end) becomes an immutable {@link FlowReport} with the session's L7 counts, for the
 * store.
 */
final class PacketFlows implements FlowListener {

    private final L7Pipeline l7;
    private final RecordSink sink;
    private final PipelineCounters counters;
    private final NetworkMetrics network;

    PacketFlows(L7Pipeline l7, RecordSink sink, PipelineCounters counters, NetworkMetrics network) {
        this.l7 = l7;
        this.sink = sink;
        this.counters = counters;
        this.network = network;
    }

    /** What the pipeline keeps for one flow (its {@link Flow#attachment}). */
    private static final class FlowState {
        final FlowMeter meter;
        L7Session session;

        FlowState(FlowMeter meter) {
            this.meter = meter;
        }
    }

    private FlowState state(Flow flow) {
        if (flow.attachment instanceof FlowState s) {
            return s;
        }
        FlowState s = new FlowState(network.open(flow));
        flow.attachment = s;
        return s;
    }

    private L7Session session(Flow flow) {
        FlowState st = state(flow);
        if (st.session == null) {
            st.session = l7.open(flow.connection);
            if (st.session != null) {
                st.meter.l7(st.session.counts());
            }
        }
        return st.session;
    }

    @Override
    public void payload(Flow flow, int side, ByteBuffer buffer, int offset, int length, long tsMicros) {
        L7Session s = session(flow);
        if (s != null) {
            s.data(side, buffer, offset, length, tsMicros);
        }
    }

    @Override
    public void datagram(Flow flow, int side, ByteBuffer buffer, int offset, int length, int wireLength, long tsMicros) {
        L7Session s = session(flow);
        if (s != null) {
            s.datagram(side, buffer, offset, length, wireLength > length, tsMicros);
        }
    }

    @Override
    public void gap(Flow flow, int side, long lostBytes) {
        if (flow.attachment instanceof FlowState st && st.session != null) {
            st.session.gap(side, lostBytes);
        }
    }

    @Override
    public void packetCounted(Flow flow, int side, long tsMicros) {
        network.packet(state(flow).meter);
    }

    @Override
    public void flowUpdate(Flow flow) {
        sink.flow(FlowReport.take(flow, false, counts(flow)));
    }

    @Override
    public void flowEnded(Flow flow) {
        FlowState st = state(flow);
        if (st.session != null) {
            // a flow that expired (idle, half-closed, reused 4-tuple) ended: waiting requests timed out;
            // one still open when the input ended (forced report) leaves them unknown
            st.session.end(flow.isClosed() ? L7Session.End.CLOSED
                    : flow.closeType == CloseType.FORCED_REPORT ? L7Session.End.UNKNOWN : L7Session.End.IDLE);
        }
        switch (flow.protocol) {
            case 6 -> counters.tcpFlows++;
            case 17 -> counters.udpFlows++;
            default -> counters.otherFlows++;
        }
        network.ended(st.meter);
        sink.flow(FlowReport.take(flow, true, counts(flow)));
        // the session's memory goes now; the ended meter stays, so the packet that ended the flow (and the
        // last ACKs a closed flow absorbs) are not taken for a new flow's
        st.session = null;
    }

    private static L7Counts counts(Flow flow) {
        return flow.attachment instanceof FlowState st && st.session != null ? st.session.counts() : null;
    }
}
