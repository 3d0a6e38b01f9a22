package io.flowscope.api;

import java.util.Objects;

/** One interface of a {@link PacketCapture}, with its counters since it was first captured. */
public final class CapturedInterface {

    /** What the host is doing with it. */
    public enum State {
        /** Frames are read from its ring. */
        CAPTURING,
        /** It went away or down; its counters are final. */
        RELEASED,
        /** It cannot be captured (see the detail); retried while it is selected. */
        FAILED
    }

    private final String name;
    private final State state;
    private final String detail;
    private final long packets;
    private final long bytes;
    private final long kernelDrops;
    private final long queueFreezes;
    private final long decodeErrors;

    /**
     * @param kernelDrops  frames the kernel dropped because the ring was full ({@code PACKET_STATISTICS})
     * @param queueFreezes times the kernel found the ring full ({@code tp_freeze_q_cnt})
     * @param decodeErrors frames that could not be decoded
     */
    public CapturedInterface(String name, State state, String detail, long packets, long bytes, long kernelDrops,
                             long queueFreezes, long decodeErrors) {
        this.name = Objects.requireNonNull(name, "name");
        this.state = Objects.requireNonNull(state, "state");
        this.detail = Objects.requireNonNull(detail, "detail");
        this.packets = packets;
        this.bytes = bytes;
        this.kernelDrops = kernelDrops;
        this.queueFreezes = queueFreezes;
        this.decodeErrors = decodeErrors;
    }

    /** Its name, e.g. {@code lo}. */
    public String name() { return name; }
    /** Capturing, released or failed. */
    public State state() { return state; }
    /** Readers, or why it is released or failed. */
    public String detail() { return detail; }
    /** Frames read. */
    public long packets() { return packets; }
    /** Bytes of the frames read, as on the wire. */
    public long bytes() { return bytes; }
    /** Frames the kernel dropped because the ring was full. */
    public long kernelDrops() { return kernelDrops; }
    /** Times the kernel found the ring full. */
    public long queueFreezes() { return queueFreezes; }
    /** Frames that could not be decoded. */
    public long decodeErrors() { return decodeErrors; }

    @Override
    public String toString() {
        return name + " " + state + " (" + detail + "): " + packets + " packets, " + kernelDrops + " dropped";
    }
}
