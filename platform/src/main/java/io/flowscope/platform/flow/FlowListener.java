package io.flowscope.platform.flow;

import java.nio.ByteBuffer;

/** What the FlowGenerator tells the rest of the pipeline. Called on the generator's thread. */
public interface FlowListener {

    /** Ordered payload bytes of one direction (0 = from the client). The buffer is valid during the call only. */
    void payload(Flow flow, int side, ByteBuffer buffer, int offset, int length, long tsMicros);

    /**
     * One whole datagram (UDP and other non-TCP flows); {@code truncated} when the capture cut it. The
     * default hands it on as payload followed by a gap.
     */
    default void datagram(Flow flow, int side, ByteBuffer buffer, int offset, int length, int wireLength, long tsMicros) {
        if (length > 0) {
            payload(flow, side, buffer, offset, length, tsMicros);
        }
        if (wireLength > length) {
            gap(flow, side, wireLength - length);
        }
    }

    /** Bytes of one direction that will never arrive (not captured, cut by the snap length, or given up by reassembly). */
    void gap(Flow flow, int side, long lostBytes);

    /**
     * A packet of the flow was counted (its bytes, flags, retransmission, response time …: everything its
     * {@link Flow} fields say now includes it). Called for every packet the flow table took, after the
     * payload calls and after {@link #flowEnded} when the packet ended the flow. The per-second network
     * metrics read the flow's counters here; keep it cheap and free of allocation.
     */
    default void packetCounted(Flow flow, int side, long tsMicros) {
    }

    /**
     * A flow that lives on is reported (once a minute): what it counted since its previous report goes
     * out as a row with close type FORCED_REPORT ({@link FlowReport#take}).
     */
    default void flowUpdate(Flow flow) {
    }

    /**
     * The flow is over (closed, expired or the input ended): its final report. No more calls for it
     * follow. A closed TCP flow is reported when its close completes (RST, or the ACK of the second FIN),
     * not after the linger that absorbs its last packets.
     */
    void flowEnded(Flow flow);
}
