package io.flowscope.platform.probes;

import io.flowscope.api.PacketCapture;
import io.flowscope.api.PacketCaptureRequest;
import io.flowscope.api.SocketTrace;
import io.flowscope.api.SocketTraceRequest;

/**
 * The host services behind {@link io.flowscope.api.ProbeContext} that need the rest of the host (its
 * pipelines, its metrics). Each throws {@link UnsupportedOperationException} where the host has none.
 */
public interface ProbeServices {

    /** None: every service unsupported. */
    ProbeServices NONE = new ProbeServices() {
    };

    /** Packets captured for probe {@code probeId}; see {@link io.flowscope.api.ProbeContext#capturePackets}. */
    default PacketCapture capturePackets(String probeId, PacketCaptureRequest request) {
        throw new UnsupportedOperationException("packet capture is not provided by this host");
    }

    /** Sockets traced for probe {@code probeId}; see {@link io.flowscope.api.ProbeContext#traceSockets}. */
    default SocketTrace traceSockets(String probeId, SocketTraceRequest request) {
        throw new UnsupportedOperationException("socket tracing is not provided by this host");
    }
}
