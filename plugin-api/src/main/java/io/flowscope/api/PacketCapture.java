package io.flowscope.api;

import java.util.List;

/**
 * Packets the host captures for a probe ({@link ProbeContext#capturePackets}): the host reads them and
 * builds flows and L7 records from them; the probe watches and stops. The host closes what a probe left
 * open when the probe stops.
 */
public interface PacketCapture extends AutoCloseable {

    /** Every interface captured now, or released or failed since the capture started. */
    List<CapturedInterface> interfaces();

    /** Stops reading, reports every open flow and releases every socket and mapping. Safe to call again. */
    @Override
    void close();
}
