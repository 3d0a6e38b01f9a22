package io.flowscope.api;

import java.util.Map;
import java.util.Set;

/**
 * Host services for a probe. Every service is a default method that throws
 * {@link UnsupportedOperationException} until the host provides it, so adding services never breaks a
 * plugin compiled against an older minor version.
 */
public interface ProbeContext {

    /** The probe's settings from the host configuration ({@code flowscope.probes.<id>.*}), keys without the prefix. */
    default Map<String, String> settings() {
        return Map.of();
    }

    /** Kernel features detected at host start (e.g. {@code btf}, {@code ringbuf}, {@code tracepoint}, {@code uprobe}). */
    default Set<String> kernelFeatures() {
        throw new UnsupportedOperationException("kernel feature detection is not provided by this host");
    }

    /**
     * Captures packets for this probe: the host opens an AF_PACKET ring on each interface (the filter compiled
     * for its link type and attached in the kernel), reads the frames and builds flows and L7 records from
     * them; interfaces selected by {@code all} are picked up and released as they come and go. Interfaces
     * that cannot be captured are shown as {@link CapturedInterface.State#FAILED} with the reason.
     *
     * @throws IllegalArgumentException when the filter is not valid (libpcap's message)
     * @throws IllegalStateException    when this process may not capture at all (no privilege, no AF_PACKET)
     * @since 1.1.0
     */
    default PacketCapture capturePackets(PacketCaptureRequest request) {
        throw new UnsupportedOperationException("packet capture is not provided by this host");
    }

    /**
     * Traces sockets for this probe: the host loads {@code request}'s BPF object (its programs on syscall and
     * sched tracepoints, the events of bpf/socket_trace.h) with libbpf, attaches every program it can (one whose
     * hook this kernel lacks is reported in {@link SocketTrace#hooks()} with the reason, the others run), reads
     * the events and feeds its L7 pipeline with them: payload of every socket read and write, with the process.
     *
     * @throws IllegalStateException when this process may not load BPF programs at all, or the kernel refuses
     *                               the object (the verifier's words)
     * @since 1.2.0
     */
    default SocketTrace traceSockets(SocketTraceRequest request) {
        throw new UnsupportedOperationException("socket tracing is not provided by this host");
    }

    /**
     * Reports a problem once with context (the host logs and counts it); the probe keeps running.
     *
     * @param kind    short, stable name of the problem (used as a metric label)
     * @param message what happened, for people
     */
    default void reportProblem(String kind, String message) {
        System.getLogger("flowscope.probe").log(System.Logger.Level.WARNING, kind + ": " + message);
    }
}
