package io.flowscope.platform.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
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
final class MappedFile extends CaptureBytes {

    static final long WINDOW = 1L << 30;

    private final FileChannel channel;
    private final long size;
    private MappedByteBuffer buffer;
    private ByteBuffer frames;
    private long base = -1;
    private ByteOrder order = ByteOrder.BIG_ENDIAN;

    MappedFile(Path path) throws IOException {
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.size = channel.size();
    }

    @Override
    long available(long offset, long want) {
        return Math.max(0, Math.min(want, size - offset));
    }

    @Override
    ByteBuffer window(long offset, int length) throws IOException {
        if (buffer == null || offset < base || offset + length > base + buffer.capacity()) {
            long len = Math.min(WINDOW, size - offset);
            buffer = channel.map(FileChannel.MapMode.READ_ONLY, offset, len);
            buffer.order(order);
            frames = buffer.duplicate().order(ByteOrder.BIG_ENDIAN);
            base = offset;
        }
        return buffer;
    }

    @Override
    ByteBuffer frames() {
        return frames;
    }

    @Override
    long base() {
        return base;
    }

    @Override
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
