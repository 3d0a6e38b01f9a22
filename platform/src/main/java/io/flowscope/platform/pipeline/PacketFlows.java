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
import java.nio.ByteBuffer;

/**
 * Joins the FlowGenerator to the L7 stage: each flow's connection gets an L7 session on its first
 * payload, and each report of a flow (once a minute while it lives, and at its end) becomes an immutable
 * {@link FlowReport} with the session's L7 counts, for the store.
 */
final class PacketFlows implements FlowListener {

    private final L7Pipeline l7;
    private final RecordSink sink;
    private final PipelineCounters counters;

    PacketFlows(L7Pipeline l7, RecordSink sink, PipelineCounters counters) {
        this.l7 = l7;
        this.sink = sink;
        this.counters = counters;
    }

    private L7Session session(Flow flow) {
        L7Session s = (L7Session) flow.attachment;
        if (s == null) {
            s = l7.open(flow.connection);
            flow.attachment = s;
        }
        return s;
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
        if (flow.attachment instanceof L7Session s) {
            s.gap(side, lostBytes);
        }
    }

    @Override
    public void flowUpdate(Flow flow) {
        sink.flow(FlowReport.take(flow, false, counts(flow)));
    }

    @Override
    public void flowEnded(Flow flow) {
        if (flow.attachment instanceof L7Session s) {
            // a flow that expired (idle, half-closed, reused 4-tuple) ended: waiting requests timed out;
            // one still open when the input ended (forced report) leaves them unknown
            s.end(flow.isClosed() ? L7Session.End.CLOSED
                    : flow.closeType == CloseType.FORCED_REPORT ? L7Session.End.UNKNOWN : L7Session.End.IDLE);
        }
        switch (flow.protocol) {
            case 6 -> counters.tcpFlows++;
            case 17 -> counters.udpFlows++;
            default -> counters.otherFlows++;
        }
        sink.flow(FlowReport.take(flow, true, counts(flow)));
        flow.attachment = null;
    }

    private static L7Counts counts(Flow flow) {
        return flow.attachment instanceof L7Session s ? s.counts() : null;
    }
}
