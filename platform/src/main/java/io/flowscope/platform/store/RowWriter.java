package io.flowscope.platform.store;

import io.flowscope.platform.ebpf.ProcessEvent;
import io.flowscope.platform.l7.RecordSink;
import io.flowscope.platform.metrics.network.NetworkSink;

/**
 * The writing half of the store contract: a pipeline's rows (flow logs, process events, network metrics) go in here, on the pipeline's thread, and are
 * committed by size or by age. {@link #close()} commits the rest and reports a write failure
 * ({@link StoreWriteException}) if any.
 */
public interface RowWriter extends RecordSink, NetworkSink, AutoCloseable {

    /** One event.proc_event row (a process started, forked or ended). */
    void processEvent(ProcessEvent event);

    /** Commits every row handed so far once the oldest of them is at least {@code ageNanos} old. */
    void commitOlderThan(long ageNanos);

    /** Write batches (transactions) committed so far. */
    long batches();

    @Override
    void close();
}
