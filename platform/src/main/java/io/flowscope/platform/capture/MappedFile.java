package io.flowscope.platform.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only memory mapping of a file, in windows of up to 64 MiB so that files larger than a
 * ByteBuffer can hold are read too. A record never straddles windows: {@link #window(long, int)}
 * remaps at the record's start when it would. A window left behind gives its pages back at once
 * ({@code MADV_DONTNEED}): Java unmaps it only when a collection finds its buffer, and until then every page read
 * stayed in the process's RSS (1.4 GB on a 1.8 GB capture). The mapping stays valid: a late read of it would
 * fault the page in again from the file.
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
            if (b != null) {
                release(b);
            }
            long len = Math.min(WINDOW, size - offset);
            window(channel.map(FileChannel.MapMode.READ_ONLY, offset, len), offset);
        }
        return buffer();
    }

    private static void release(ByteBuffer window) {
        try {
            long page = io.flowscope.platform.os.LibC.getpagesize();
            long address = com.sun.jna.Pointer.nativeValue(com.sun.jna.Native.getDirectBufferPointer(window));
            long start = address & -page; // the mapping begins at a page: the buffer may start inside it
            io.flowscope.platform.os.LibC.madvise(new com.sun.jna.Pointer(start), window.capacity() + (address - start),
                    io.flowscope.platform.os.LibC.MADV_DONTNEED);
        } catch (RuntimeException | LinkageError e) {
            // advice only: without it the pages go when the buffer is collected
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
