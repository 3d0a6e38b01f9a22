package io.flowscope.platform.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The bytes of a capture as the format readers see them, read forward only: a memory-mapped file
 * ({@link MappedFile}) or a stream such as an upload ({@link StreamedBytes}). A record is always asked for
 * whole, so it never straddles two windows.
 */
abstract class CaptureBytes implements AutoCloseable {

    /** How many of the {@code want} bytes from {@code offset} exist (fewer only at the end of the capture). */
    abstract long available(long offset, long want) throws IOException, CaptureFormatException;

    /**
     * A buffer holding {@code [offset, offset + length)}, which {@link #available} has confirmed; index
     * {@code offset - base()} is the first byte. Earlier bytes may be gone afterwards.
     */
    abstract ByteBuffer window(long offset, int length) throws IOException, CaptureFormatException;

    private ByteBuffer buffer;
    private ByteBuffer frames;
    private long base = -1;
    private ByteOrder order = ByteOrder.BIG_ENDIAN;

    /** Makes {@code b} the current window, its index 0 at capture offset {@code base}. */
    final void window(ByteBuffer b, long base) {
        if (b != buffer) {
            buffer = b.order(order);
            frames = b.duplicate().order(ByteOrder.BIG_ENDIAN);
        }
        this.base = base;
    }

    /** The current window in the capture's byte order. */
    final ByteBuffer buffer() {
        return buffer;
    }

    /** The current window in network byte order (frames are big-endian whatever the file's headers are). */
    final ByteBuffer frames() {
        return frames;
    }

    /** Capture offset of index 0 of the current window. */
    final long base() {
        return base;
    }

    /** Byte order of multi-byte reads, for this window and every later one. */
    final void order(ByteOrder order) {
        this.order = order;
        if (buffer != null) {
            buffer.order(order);
        }
    }

    @Override
    public abstract void close() throws IOException;
}
