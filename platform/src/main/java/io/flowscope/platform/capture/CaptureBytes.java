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

    /** The current window in network byte order (frames are big-endian whatever the file's headers are). */
    abstract ByteBuffer frames();

    /** Capture offset of index 0 of the current window. */
    abstract long base();

    /** Byte order of multi-byte reads, for this window and every later one. */
    abstract void order(ByteOrder order);

    @Override
    public abstract void close() throws IOException;
}
