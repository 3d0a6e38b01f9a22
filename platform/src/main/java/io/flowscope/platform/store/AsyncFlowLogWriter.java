package io.flowscope.platform.store;

import io.flowscope.platform.ebpf.ProcessEvent;
import io.flowscope.platform.flow.FlowReport;
import io.flowscope.platform.l7.L7Record;
import io.flowscope.platform.l7.RecordSink;
import io.flowscope.platform.metrics.network.NetworkMapRow;
import io.flowscope.platform.metrics.network.NetworkRow;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Moves the appender work to a writer thread of its own, so that decoding and parsing (one core) and
 * DuckDB's column writes (measured: most of an import's time, in {@code duckdb_appender_flush}) overlap.
 * Records travel in batches through a small bounded queue: when the store falls behind, the producer
 * waits instead of buffering without limit. A write failure is rethrown to the producer.
 *
 * <p>Rows are committed when 100,000 of a table are pending ({@link FlowLogWriter#FLUSH_ROWS}) or when
 * the oldest row not yet committed is older than the age given to {@link #commitOlderThan}, which the
 * pipeline calls on its ticks: a live source's rows are queryable within about a second.
 */
public final class AsyncFlowLogWriter implements RowWriter {

    static final int BATCH = 4096;
    static final int QUEUED_BATCHES = 8;

    private static final Object[] END = new Object[0];
    private static final Object[] COMMIT = new Object[0];

    private final FlowLogWriter writer;
    private final BlockingQueue<Object[]> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
    private final Thread thread;
    private Object[] batch = new Object[BATCH];
    private int size;
    private volatile Throwable failure;
    private boolean closed;
    /** System.nanoTime() of the first row added since the last commit request; 0 when none. */
    private long uncommittedSince;

    public AsyncFlowLogWriter(FlowLogWriter writer) {
        this.writer = writer;
        this.thread = new Thread(this::drain, "flowscope-store-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    @Override
    public void flow(FlowReport report) {
        add(report);
    }

    @Override
    public void l7(L7Record record) {
        add(record);
    }

    @Override
    public void processEvent(ProcessEvent event) {
        add(event);
    }

    @Override
    public void networkMap(NetworkMapRow row) {
        add(row);
    }

    @Override
    public void network(NetworkRow row) {
        add(row);
    }

    /** Write batches committed by the underlying writer (valid after {@link #close()}). */
    public long batches() {
        return writer.batches();
    }

    /**
     * Has every row handed so far committed when the oldest of them is at least {@code ageNanos} old:
     * hands over the partial batch, then asks the writer thread to commit.
     */
    public void commitOlderThan(long ageNanos) {
        if (uncommittedSince != 0 && System.nanoTime() - uncommittedSince >= ageNanos) {
            if (size > 0) {
                hand(batch, size);
                batch = new Object[BATCH];
                size = 0;
            }
            hand(COMMIT, 0);
            uncommittedSince = 0;
        }
    }

    private void add(Object o) {
        if (uncommittedSince == 0) {
            uncommittedSince = System.nanoTime();
        }
        batch[size++] = o;
        if (size == BATCH) {
            hand(batch, size);
            batch = new Object[BATCH];
            size = 0;
        }
    }

    private void hand(Object[] b, int n) {
        checkFailure();
        Object[] items = n == b.length || b == COMMIT ? b : java.util.Arrays.copyOf(b, n);
        try {
            queue.put(items);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreWriteException("handing rows to the writer", e);
        }
    }

    private void drain() {
        try {
            while (true) {
                Object[] items = queue.take();
                if (items == END) {
                    break;
                }
                if (items == COMMIT) {
                    writer.commit();
                    continue;
                }
                for (Object o : items) {
                    if (o instanceof FlowReport f) {
                        writer.flow(f);
                    } else if (o instanceof L7Record r) {
                        writer.l7(r);
                    } else if (o instanceof NetworkMapRow m) {
                        writer.networkMap(m);
                    } else if (o instanceof NetworkRow n) {
                        writer.network(n);
                    } else {
                        writer.processEvent((ProcessEvent) o);
                    }
                }
            }
            writer.close();
        } catch (Throwable t) {
            failure = t;
            try {
                writer.close();
            } catch (SQLException | RuntimeException ignored) {
                // the first failure is the one to report
            }
            // keep taking until the end, so a producer blocked on a full queue wakes up and sees the failure
            try {
                while (queue.take() != END) {
                    // dropped: the failure is reported to the producer
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void checkFailure() {
        Throwable t = failure;
        if (t != null) {
            throw StoreWriteException.raisedAgain(t);
        }
    }

    /** Hands over what is left, waits until the writer has committed it, and reports a failure if any. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            try {
                if (size > 0 && failure == null) {
                    hand(batch, size);
                }
            } finally {
                queue.put(END); // whatever happened, the writer thread ends
            }
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreWriteException("waiting for the writer", e);
        }
        checkFailure();
    }
}
