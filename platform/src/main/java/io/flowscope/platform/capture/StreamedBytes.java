package io.flowscope.platform.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A capture read from a stream (an upload) through one buffer that holds the current record and what was
 * read after it: nothing is spooled to disk. Reading past {@code maxBytes} ends the capture with the fault
 * {@code upload_too_large}, like a truncated file: what came before it is kept.
 */
final class StreamedBytes extends CaptureBytes {

    private static final int INITIAL = 1 << 20;

    private final InputStream in;
    private final Path name;
    private final long maxBytes;
    /** The window's bytes; index 0 is at stream offset {@code base()}. */
    private byte[] bytes = new byte[INITIAL];
    /** Bytes of the array that hold data. */
    private int filled;
    private boolean eof;

    StreamedBytes(InputStream in, Path name, long maxBytes) {
        this.in = in;
        this.name = name;
        this.maxBytes = maxBytes;
        window(ByteBuffer.wrap(bytes), 0);
    }

    @Override
    long available(long offset, long want) throws IOException, CaptureFormatException {
        int need = (int) Math.min(want, CaptureFileReader.MAX_RECORD + 64L);
        fill(offset, need);
        return Math.max(0, Math.min(want, base() + filled - offset));
    }

    @Override
    ByteBuffer window(long offset, int length) throws IOException, CaptureFormatException {
        fill(offset, length);
        if (offset + length > base() + filled) {
            throw new IllegalStateException("window past the confirmed bytes at " + offset);
        }
        return buffer();
    }

    /** Makes {@code [offset, offset + length)} present unless the stream ends first. */
    private void fill(long offset, int length) throws IOException, CaptureFormatException {
        if (offset < base()) {
            throw new IllegalStateException("the stream is read forward only (" + offset + " < " + base() + ")");
        }
        if (offset + length <= base() + filled || eof) {
            return;
        }
        if (offset + length - base() > bytes.length) {
            // drop what is before the record; grow when the record itself is larger than the buffer
            int keep = (int) Math.max(0, base() + filled - offset);
            byte[] target = length > bytes.length ? new byte[Math.max(length, bytes.length * 2)] : bytes;
            System.arraycopy(bytes, (int) Math.min(filled, offset - base()), target, 0, keep);
            filled = keep;
            window(target != bytes ? ByteBuffer.wrap(target) : buffer(), offset);
            bytes = target;
        }
        while (!eof && base() + filled < offset + length) {
            int n = in.read(bytes, filled, bytes.length - filled);
            if (n < 0) {
                eof = true;
            } else {
                filled += n;
                if (base() + filled > maxBytes) {
                    throw new CaptureFormatException(name, maxBytes, "upload_too_large",
                            "the upload is larger than the " + maxBytes + " bytes allowed");
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
