package io.flowscope.platform.ebpf;

import com.sun.jna.Callback;
import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.flowscope.platform.os.LibC;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads per-CPU perf buffers (the transport of kernels without BPF ring buffers) from their mapped memory:
 * libbpf opens one perf event per CPU, maps it and puts it into the BPF_PERF_EVENT_ARRAY; this reads each
 * ring between its tail and head in place (a record that wraps around the end is copied once), counts the
 * kernel's LOST records, and moves the tail on with release ordering. No native call per event.
 */
final class PerfBufferReader implements EventTransport {

    private static final int DATA_HEAD = 1024;
    private static final int DATA_TAIL = 1032;
    private static final int DATA_OFFSET = 1040;
    private static final int DATA_SIZE = 1048;
    private static final int PERF_RECORD_LOST = 2;
    private static final int PERF_RECORD_SAMPLE = 9;

    /** libbpf wants callbacks; events are read from memory instead, so these are never called. Static: they must outlive libbpf's use. */
    private static final SampleFn UNUSED_SAMPLE = (ctx, cpu, data, size) -> { };
    private static final LostFn UNUSED_LOST = (ctx, cpu, count) -> { };

    interface SampleFn extends Callback {
        void sample(Pointer ctx, int cpu, Pointer data, int size);
    }

    interface LostFn extends Callback {
        void lost(Pointer ctx, int cpu, long count);
    }

    private Pointer buffers;
    private final ByteBuffer[] pages;
    private final ByteBuffer[] data;
    private final int epollFd;
    private final Memory pollFd = new Memory(8);
    /** The records of one drain, to be delivered in time order. */
    private ByteBuffer[] pending = new ByteBuffer[1024];
    private int[] pendingAt = new int[1024];
    private int[] pendingLength = new int[1024];
    private long[] pendingTs = new long[1024];
    private long events;
    private long lost;

    /** @param pagesPerCpu data pages of each CPU's ring (a power of two) */
    PerfBufferReader(int mapFd, int pagesPerCpu) {
        buffers = PerfBuffers.perf_buffer__new(mapFd, new NativeLong(pagesPerCpu), UNUSED_SAMPLE, UNUSED_LOST, null, null);
        if (buffers == null) {
            throw new BpfException("cannot open perf buffers: " + LibBpf.strerror(-com.sun.jna.Native.getLastError()));
        }
        int n = (int) PerfBuffers.perf_buffer__buffer_cnt(buffers).longValue();
        pages = new ByteBuffer[n];
        data = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            Memory base = new Memory(8);
            Memory size = new Memory(8);
            if (PerfBuffers.perf_buffer__buffer(buffers, i, base, size) != 0) {
                close();
                throw new BpfException("cannot reach perf buffer " + i);
            }
            Pointer mmap = base.getPointer(0);
            pages[i] = mmap.getByteBuffer(0, 4096).order(ByteOrder.nativeOrder());
            long offset = pages[i].getLong(DATA_OFFSET);
            long bytes = pages[i].getLong(DATA_SIZE);
            data[i] = mmap.getByteBuffer(offset, bytes).order(ByteOrder.nativeOrder());
        }
        epollFd = PerfBuffers.perf_buffer__epoll_fd(buffers);
    }

    @Override
    public int poll(EventSink sink, int timeoutMillis) {
        int n = drain(sink);
        if (n > 0 || timeoutMillis == 0) {
            return n;
        }
        pollFd.setInt(0, epollFd);
        pollFd.setShort(4, (short) LibC.POLLIN);
        pollFd.setShort(6, (short) 0);
        try {
            LibC.poll(pollFd, 1, timeoutMillis);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != 4) {
                throw new BpfException("poll on the perf buffers: " + e.getMessage());
            }
        }
        return drain(sink);
    }

    /**
     * Every CPU's records up to its head, delivered in time order: a thread that moved between CPUs wrote its
     * socket's consecutive events into two rings, and their byte sequence must reach the parser in order.
     */
    private int drain(EventSink sink) {
        int count = 0;
        long[] tails = new long[data.length];
        for (int cpu = 0; cpu < data.length; cpu++) {
            ByteBuffer page = pages[cpu];
            ByteBuffer ring = data[cpu];
            int size = ring.capacity();
            long head = page.getLong(DATA_HEAD);
            VarHandle.acquireFence(); // the records up to head are read after head
            long tail = page.getLong(DATA_TAIL);
            while (tail < head) {
                int at = (int) (tail % size);
                int recordSize = Short.toUnsignedInt(read16(ring, (at + 6) % size, size));
                ByteBuffer record = ring;
                if (at + recordSize > size) {
                    // wraps around the end: copied once into a buffer of its own
                    record = ByteBuffer.allocate(recordSize).order(ByteOrder.nativeOrder());
                    for (int k = 0; k < recordSize; k++) {
                        record.put(k, ring.get((at + k) % size));
                    }
                    at = 0;
                }
                int type = record.getInt(at);
                if (type == PERF_RECORD_SAMPLE) {
                    if (count == pending.length) {
                        pending = java.util.Arrays.copyOf(pending, count * 2);
                        pendingAt = java.util.Arrays.copyOf(pendingAt, count * 2);
                        pendingLength = java.util.Arrays.copyOf(pendingLength, count * 2);
                        pendingTs = java.util.Arrays.copyOf(pendingTs, count * 2);
                    }
                    pending[count] = record;
                    pendingAt[count] = at + 12;
                    pendingLength[count] = record.getInt(at + 8);
                    pendingTs[count] = record.getLong(at + 12 + SocketTraceLayout.Header.TS_NS);
                    count++;
                } else if (type == PERF_RECORD_LOST) {
                    lost += record.getLong(at + 16);
                }
                tail += recordSize;
            }
            tails[cpu] = tail;
        }
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(pendingTs[a], pendingTs[b]));
        for (int i : order) {
            sink.event(pending[i], pendingAt[i], pendingLength[i]);
            pending[i] = null;
        }
        VarHandle.releaseFence(); // every read of the records happens before the kernel may reuse them
        for (int cpu = 0; cpu < data.length; cpu++) {
            pages[cpu].putLong(DATA_TAIL, tails[cpu]);
        }
        events += count;
        return count;
    }

    private static short read16(ByteBuffer b, int at, int size) {
        if (at + 1 < size) {
            return b.getShort(at);
        }
        byte lo = b.get(at);
        byte hi = b.get((at + 1) % size);
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? (short) ((hi & 0xff) << 8 | lo & 0xff)
                : (short) ((lo & 0xff) << 8 | hi & 0xff);
    }

    @Override
    public long events() {
        return events;
    }

    @Override
    public long lost() {
        return lost;
    }

    @Override
    public void close() {
        if (buffers != null) {
            PerfBuffers.perf_buffer__free(buffers);
            buffers = null;
        }
    }

    /** libbpf's perf buffer calls. */
    static final class PerfBuffers {
        static {
            com.sun.jna.Native.register("bpf");
        }

        private PerfBuffers() {
        }

        static native Pointer perf_buffer__new(int mapFd, NativeLong pageCount, SampleFn sample, LostFn lost, Pointer ctx, Pointer opts);

        static native NativeLong perf_buffer__buffer_cnt(Pointer pb);

        static native int perf_buffer__buffer(Pointer pb, int index, Pointer buffer, Pointer size);

        static native int perf_buffer__epoll_fd(Pointer pb);

        static native void perf_buffer__free(Pointer pb);
    }
}
