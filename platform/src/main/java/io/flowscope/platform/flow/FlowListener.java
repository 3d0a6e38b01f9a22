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

    /** The flow is over (closed, expired or the input ended) and is reported; no more calls for it follow. */
    void flowEnded(Flow flow);
}
