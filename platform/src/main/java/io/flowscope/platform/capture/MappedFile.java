package io.flowscope.platform.capture;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only memory mapping of a file, in windows of up to 1 GiB so that files larger than a
 * ByteBuffer can hold are read too. A record never straddles windows: {@link #window(long, int)}
 * remaps at the record's start when it would.
 */
final class MappedFile implements AutoCloseable {

    static final long WINDOW = 1L << 30;

    private final FileChannel channel;
    private final long size;
    private MappedByteBuffer buffer;
    /** The same window in network byte order, for frame contents. */
    private java.nio.ByteBuffer frames;
    private long base = -1;
    private ByteOrder order = ByteOrder.BIG_ENDIAN;

    MappedFile(Path path) throws IOException {
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.size = channel.size();
    }

    long size() {
        return size;
    }

    /** A buffer holding {@code [offset, offset + length)}; index {@code offset - base()} is the first byte. */
    MappedByteBuffer window(long offset, int length) throws IOException {
        if (buffer == null || offset < base || offset + length > base + buffer.capacity()) {
            long len = Math.min(WINDOW, size - offset);
            buffer = channel.map(FileChannel.MapMode.READ_ONLY, offset, len);
            buffer.order(order);
            frames = buffer.duplicate().order(ByteOrder.BIG_ENDIAN);
            base = offset;
        }
        return buffer;
    }

    /** The current window in network byte order (frames are big-endian whatever the file's headers are). */
    java.nio.ByteBuffer frames() {
        return frames;
    }

    long base() {
        return base;
    }

    /** Byte order of multi-byte reads, for this window and every later one. */
    void order(ByteOrder order) {
        this.order = order;
        if (buffer != null) {
            buffer.order(order);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
