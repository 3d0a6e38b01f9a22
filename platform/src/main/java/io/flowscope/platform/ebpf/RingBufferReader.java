package io.flowscope.platform.ebpf;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.flowscope.platform.os.LibC;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads a BPF ring buffer from its mapped memory, with no native call per event: the consumer page is
 * mapped read-write, the producer page and the data pages read-only (the kernel maps the data twice in a
 * row, so a record that wraps is still contiguous). Records are handed over in place; the consumer position
 * is advanced after each batch with release ordering, so the kernel reuses the space only after it was read.
 * {@link #poll} waits on the map's fd; the BPF side wakes it only past a fill threshold, so the poll timeout
 * is also the longest an event waits. Used by one thread.
 */
public final class RingBufferReader implements EventTransport {

    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;
    private static final int HEADER = 8;
    /** During a long drain the consumer position is published at every multiple of 256 KiB it passes. */
    private static final long RELEASE_MASK = (256 << 10) - 1;

    private final int fd;
    private final int pageSize;
    private final long dataSize;
    private final long mask;
    private Pointer consumerPage;
    private Pointer producer;
    private final ByteBuffer consumer;
    private final ByteBuffer data;
    private final Memory pollFd = new Memory(8);
    private long events;

    /**
     * @param mapFd    the BPF_MAP_TYPE_RINGBUF map's fd
     * @param dataSize its max_entries (a power of two, a multiple of the page size)
     */
    public RingBufferReader(int mapFd, long dataSize) {
        this.fd = mapFd;
        this.pageSize = LibC.getpagesize();
        this.dataSize = dataSize;
        this.mask = dataSize - 1;
        if (Long.bitCount(dataSize) != 1 || dataSize % pageSize != 0 || pageSize + 2 * dataSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ring buffer size " + dataSize + " is not a power of two of whole pages below 1 GiB");
        }
        try {
            consumerPage = LibC.mmap(null, pageSize, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
            producer = LibC.mmap(null, pageSize + 2 * dataSize, LibC.PROT_READ, LibC.MAP_SHARED, fd, pageSize);
        } catch (LastErrorException e) {
            close();
            throw new BpfException("cannot map the ring buffer: " + e.getMessage());
        }
        this.consumer = consumerPage.getByteBuffer(0, pageSize).order(ByteOrder.nativeOrder());
        // producer position at 0, then the data twice from one page on
        this.data = producer.getByteBuffer(0, pageSize + 2 * dataSize).order(ByteOrder.nativeOrder());
    }

    /**
     * Hands every record written so far to {@code sink}, waiting up to {@code timeoutMillis} first when there
     * is none. Returns the records read.
     */
    @Override
    public int poll(EventSink sink, int timeoutMillis) {
        int n = drain(sink);
        if (n > 0 || timeoutMillis == 0) {
            return n;
        }
        pollFd.setInt(0, fd);
        pollFd.setShort(4, (short) LibC.POLLIN);
        pollFd.setShort(6, (short) 0);
        try {
            LibC.poll(pollFd, 1, timeoutMillis);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != 4) { // EINTR: just read what there is
                throw new BpfException("poll on the ring buffer: " + e.getMessage());
            }
        }
        return drain(sink);
    }

    private int drain(EventSink sink) {
        long cons = consumer.getLong(0);
        long prod = data.getLong(0);
        VarHandle.acquireFence(); // records up to prod are read after prod
        int n = 0;
        while (cons < prod) {
            int at = (int) (pageSize + (cons & mask));
            int len = data.getInt(at);
            VarHandle.acquireFence(); // the record is read after its header says it is committed
            if ((len & BUSY) != 0) {
                break; // still being written: the rest waits for the next drain
            }
            int size = len & ~(BUSY | DISCARD);
            if ((len & DISCARD) == 0) {
                sink.event(data, at + HEADER, size);
                n++;
            }
            long before = cons;
            cons += (size + HEADER + 7) & ~7L;
            if (cons >= prod) {
                // caught up: what was read is given back before looking for more, so a producer as fast as
                // this reader never sees a ring full of records already read (a long drain lost events so)
                VarHandle.releaseFence();
                consumer.putLong(0, cons);
                prod = data.getLong(0);
                VarHandle.acquireFence();
            } else if (((before ^ cons) & ~RELEASE_MASK) != 0) {
                VarHandle.releaseFence(); // and every 256 KiB of a long backlog
                consumer.putLong(0, cons);
            }
        }
        VarHandle.releaseFence(); // every read of the records happens before the kernel may reuse them
        consumer.putLong(0, cons);
        events += n;
        return n;
    }

    /** Records read so far. */
    @Override
    public long events() {
        return events;
    }

    /** The ring's losses are counted by the programs that could not reserve room (see the counters map). */
    @Override
    public long lost() {
        return 0;
    }

    @Override
    public void close() {
        if (producer != null) {
            LibC.munmap(producer, pageSize + 2 * dataSize);
            producer = null;
        }
        if (consumerPage != null) {
            LibC.munmap(consumerPage, pageSize);
            consumerPage = null;
        }
    }
}
