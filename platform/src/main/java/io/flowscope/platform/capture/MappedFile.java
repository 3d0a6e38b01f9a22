package io.flowscope.platform.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only memory mapping of a file, in windows of up to 64 MiB so that files larger than a
 * ByteBuffer can hold are read too. A record never straddles windows: {@link #window(long, int)}
 * remaps at the record's start when it would.
 */
final class MappedFile extends CaptureBytes {

    static final long WINDOW = 64L << 20;

    private final FileChannel channel;
    private final long size;
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
        ByteBuffer b = buffer();
        if (b == null || offset < base() || offset + length > base() + b.capacity()) {
            long len = Math.min(WINDOW, size - offset);
            window(channel.map(FileChannel.MapMode.READ_ONLY, offset, len), offset);
        }
        return buffer();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
