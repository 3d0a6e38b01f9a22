package io.flowscope.platform.capture;

import java.nio.ByteBuffer;

/** Receives frames from a frame source (capture file now, AF_PACKET ring later): the same code after it. */
@FunctionalInterface
public interface FrameSink {

    /**
     * One captured frame. The buffer is only valid during the call.
     *
     * @param buffer      holds the frame at {@code offset} (absolute index)
     * @param offset      first byte of the frame
     * @param capturedLen bytes captured
     * @param wireLen     bytes the frame had on the wire (more than captured when cut by the snap length)
     * @param tsMicros    capture time, µs since the epoch (UTC)
     * @param linkType    the LINKTYPE_ value of the frame's interface
     * @param interfaceId index of the capturing interface within its source
     */
    void frame(ByteBuffer buffer, int offset, int capturedLen, int wireLen, long tsMicros, int linkType, int interfaceId);

    /**
     * A frame whose outer 802.1Q tag the capturing kernel took off and handed beside it (AF_PACKET's
     * {@code tp_vlan_tci}): the frame as it was on the wire had 4 more bytes. The default forgets the tag.
     */
    default void taggedFrame(ByteBuffer buffer, int offset, int capturedLen, int wireLen, long tsMicros, int linkType,
                             int interfaceId, int vlanTci) {
        frame(buffer, offset, capturedLen, wireLen, tsMicros, linkType, interfaceId);
    }
}
