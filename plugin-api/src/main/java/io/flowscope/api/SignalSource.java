package io.flowscope.api;

/** Where an observation came from; the values are DeepFlow's {@code signal_source}. */
public enum SignalSource {
    /** Packets (AF_PACKET rings, capture files). */
    PACKET(0),
    /** Syscalls and uprobes seen through eBPF. */
    EBPF(3);

    private final int code;

    SignalSource(int code) {
        this.code = code;
    }

    /** DeepFlow's numeric value of {@code signal_source}. */
    public int code() {
        return code;
    }
}
