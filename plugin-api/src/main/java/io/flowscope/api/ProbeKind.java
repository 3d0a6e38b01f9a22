package io.flowscope.api;

/** Where a probe observes from. */
public enum ProbeKind {
    /** Packets: AF_PACKET rings, capture files. */
    PACKET,
    /** Syscall tracepoints (eBPF). */
    SYSCALL,
    /** User-space probes on library functions (eBPF uprobes). */
    UPROBE,
    /** Perf events (CPU profiling). */
    PERF
}
