package io.flowscope.platform.ebpf;

/** How events cross from the kernel: a BPF ring buffer or per-CPU perf buffers, read from mapped memory. */
interface EventTransport extends AutoCloseable {

    /** Hands every event written so far to {@code sink}, waiting up to {@code timeoutMillis} when there is none. */
    int poll(EventSink sink, int timeoutMillis);

    /** Events read so far. */
    long events();

    /** Events the kernel reported lost in the transport itself (the perf buffer's LOST records), 0 for the ring. */
    long lost();

    @Override
    void close();
}
