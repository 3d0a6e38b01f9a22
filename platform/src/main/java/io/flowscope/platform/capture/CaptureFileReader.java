package io.flowscope.platform.capture;

import java.io.IOException;
import java.nio.ByteOrder;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Reads pcap (micro- and nanosecond, both byte orders) and pcapng files through a memory mapping and
 * hands every frame to a {@link FrameSink}. A fault stops the file with a {@link CaptureFormatException}
 * naming the byte offset; the frames before it have been delivered.
 */
public final class CaptureFileReader {

    /** Largest record accepted whatever the header's snap length says (pcapng blocks: 16 MiB). */
    static final int MAX_RECORD = 16 * 1024 * 1024;
    /** pcap records above this and above the file's snap length are taken as corruption. */
    static final int MAX_PCAP_SNAPLEN = 262_144;

    private CaptureFileReader() {
    }

    /**
     * Reads a whole file.
     *
     * @param progress told the number of bytes read every few MiB and at the end; may be null
     * @return the number of frames delivered
     */
    public static long read(Path file, FrameSink sink, LongConsumer progress) throws IOException, CaptureFormatException {
        try (MappedFile f = new MappedFile(file)) {
            return read(file, f, sink, progress);
        }
    }

    /**
     * Reads a capture from a stream (pcap or pcapng alike), holding only the current record in memory.
     *
     * @param name     what to call the capture in faults
     * @param maxBytes the most to read: past it the capture ends with the fault {@code upload_too_large}
     */
    public static long read(InputStream in, Path name, long maxBytes, FrameSink sink, LongConsumer progress)
            throws IOException, CaptureFormatException {
        try (StreamedBytes f = new StreamedBytes(in, name, maxBytes)) {
            return read(name, f, sink, progress);
        }
    }

    private static long read(Path file, CaptureBytes f, FrameSink sink, LongConsumer progress)
            throws IOException, CaptureFormatException {
        long head = f.available(0, 4);
        if (head == 0) {
            throw new CaptureFormatException(file, 0, "empty_file", "the file is empty");
        }
        if (head < 4) {
            throw new CaptureFormatException(file, 0, "truncated_header", "the file is too short for a capture header (" + head + " bytes)");
        }
        ByteBuffer b = f.window(0, 4);
        int magic = b.getInt(0);
        return switch (magic) {
            case 0xa1b2c3d4, 0xa1b23c4d, 0xd4c3b2a1, 0x4d3cb2a1 -> new PcapFormat(file, f, sink, progress).read(magic);
            case 0x0a0d0d0a -> new PcapngFormat(file, f, sink, progress).read();
            default -> throw new CaptureFormatException(file, 0, "bad_magic",
                    String.format("not a pcap or pcapng file (magic 0x%08x)", magic));
        };
    }

    /** pcap: a 24-byte header, then 16-byte record headers each followed by the frame. */
    private static final class PcapFormat {
        private final Path file;
        private final CaptureBytes f;
        private final FrameSink sink;
        private final Progress progress;

        PcapFormat(Path file, CaptureBytes f, FrameSink sink, LongConsumer progress) {
            this.file = file;
            this.f = f;
            this.sink = sink;
            this.progress = new Progress(progress);
        }

        long read(int magicBigEndian) throws IOException, CaptureFormatException {
            boolean swapped = magicBigEndian == 0xd4c3b2a1 || magicBigEndian == 0x4d3cb2a1;
            boolean nanos = magicBigEndian == 0xa1b23c4d || magicBigEndian == 0x4d3cb2a1;
            f.order(swapped ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            long head = f.available(0, 24);
            if (head < 24) {
                throw new CaptureFormatException(file, head, "truncated_header",
                        "the pcap header needs 24 bytes, the file has " + head);
            }
            ByteBuffer b = f.window(0, 24);
            int snaplen = b.getInt(16);
            int linkType = b.getInt(20) & 0xffff;
            int maxRecord = Math.max(snaplen > 0 ? snaplen : 0, MAX_PCAP_SNAPLEN);
            long off = 24;
            long frames = 0;
            while (f.available(off, 1) > 0) {
                long left = f.available(off, 16);
                if (left < 16) {
                    throw new CaptureFormatException(file, off, "truncated_record",
                            "truncated record header (" + left + " of 16 bytes)");
                }
                b = f.window(off, 16);
                int i = (int) (off - f.base());
                long sec = b.getInt(i) & 0xffffffffL;
                long frac = b.getInt(i + 4) & 0xffffffffL;
                int incl = b.getInt(i + 8);
                int orig = b.getInt(i + 12);
                if (incl < 0 || incl > maxRecord || frac >= (nanos ? 1_000_000_000L : 1_000_000L)) {
                    throw new CaptureFormatException(file, off, "bad_record",
                            "corrupt record header (captured length " + Integer.toUnsignedString(incl)
                                    + ", snap length " + snaplen + ", fraction " + frac + ")");
                }
                left = f.available(off, 16L + incl) - 16;
                if (left < incl) {
                    throw new CaptureFormatException(file, off, "truncated_record",
                            "truncated packet record (needs " + incl + " bytes, " + left + " left)");
                }
                b = f.window(off, 16 + incl);
                i = (int) (off - f.base());
                long ts = sec * 1_000_000L + (nanos ? frac / 1000 : frac);
                sink.frame(f.frames(), i + 16, incl, Math.max(orig, incl), ts, linkType, 0);
                frames++;
                off += 16 + incl;
                progress.at(off);
            }
            progress.done(off);
            return frames;
        }
    }
}
