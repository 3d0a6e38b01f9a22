package io.flowscope.platform.capture;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * pcapng: section header blocks (which set the byte order), interface description blocks (link type,
 * snap length, timestamp resolution and offset) and enhanced, simple and obsolete packet blocks.
 * Every other block is skipped by its length.
 */
final class PcapngFormat {

    private static final int SHB = 0x0a0d0d0a;
    private static final int IDB = 1;
    private static final int OBSOLETE_PB = 2;
    private static final int SPB = 3;
    private static final int EPB = 6;

    /** One interface of the current section. */
    private record Interface(int linkType, int snaplen, boolean decimal, int resolution, long offsetSeconds) {
        /** The timestamp in µs, or {@link Long#MIN_VALUE} when it does not fit (the decoder counts it). */
        long micros(long ts) {
            try {
                long us;
                if (decimal) {
                    if (resolution == 6) {
                        us = ts;
                    } else if (resolution > 6) {
                        us = Long.divideUnsigned(ts, POW10[resolution - 6]);
                    } else {
                        us = Math.multiplyExact(ts, POW10[6 - resolution]);
                    }
                } else {
                    long whole = ts >>> resolution;
                    long frac = ts & ((1L << resolution) - 1);
                    // frac < 2^resolution, so frac * 10^6 >> resolution < 10^6: exact in 128 bits
                    long fracUs = Math.multiplyHigh(frac, 1_000_000L) << (64 - resolution)
                            | (frac * 1_000_000L) >>> resolution;
                    us = Math.addExact(Math.multiplyExact(whole, 1_000_000L), resolution == 0 ? 0 : fracUs);
                }
                return Math.addExact(us, Math.multiplyExact(offsetSeconds, 1_000_000L));
            } catch (ArithmeticException e) {
                return Long.MIN_VALUE;
            }
        }
    }

    private static final long[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
        1_000_000_000L, 10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L};

    private final Path file;
    private final CaptureBytes f;
    private final FrameSink sink;
    private final Progress progress;
    private final List<Interface> interfaces = new ArrayList<>();

    PcapngFormat(Path file, CaptureBytes f, FrameSink sink, LongConsumer progress) {
        this.file = file;
        this.f = f;
        this.sink = sink;
        this.progress = new Progress(progress);
    }

    long read() throws IOException, CaptureFormatException {
        long off = 0;
        long frames = 0;
        while (f.available(off, 1) > 0) {
            long left = f.available(off, 12);
            if (left < 12) {
                throw new CaptureFormatException(file, off, "truncated_block",
                        "truncated block header (" + left + " bytes left)");
            }
            ByteBuffer b = f.window(off, 12);
            int i = (int) (off - f.base());
            int type = b.getInt(i);
            if (type == SHB) {
                sectionHeader(off);
                b = f.window(off, 12);
                i = (int) (off - f.base());
            }
            long len = b.getInt(i + 4) & 0xffffffffL;
            if (len < 12 || len % 4 != 0 || len > CaptureFileReader.MAX_RECORD) {
                throw new CaptureFormatException(file, off, "bad_block_length",
                        "block of type " + type + " has an invalid length " + len);
            }
            left = f.available(off, len);
            if (len > left) {
                throw new CaptureFormatException(file, off, "truncated_block",
                        "truncated block of type " + type + " (needs " + len + " bytes, " + left + " left)");
            }
            b = f.window(off, (int) len);
            i = (int) (off - f.base());
            long trailer = b.getInt(i + (int) len - 4) & 0xffffffffL;
            if (trailer != len) {
                throw new CaptureFormatException(file, off, "bad_block_length",
                        "block of type " + type + " says length " + len + " at its start and " + trailer + " at its end");
            }
            switch (type) {
                case IDB -> interfaceDescription(b, i, (int) len, off);
                case EPB -> {
                    enhancedPacket(b, i, (int) len, off);
                    frames++;
                }
                case SPB -> {
                    simplePacket(b, i, (int) len, off);
                    frames++;
                }
                case OBSOLETE_PB -> {
                    obsoletePacket(b, i, (int) len, off);
                    frames++;
                }
                default -> {
                    // name resolution, statistics, secrets, custom blocks: nothing Flowscope needs
                }
            }
            off += len;
            progress.at(off);
        }
        progress.done(off);
        return frames;
    }

    private void sectionHeader(long off) throws IOException, CaptureFormatException {
        if (f.available(off, 28) < 28) {
            throw new CaptureFormatException(file, off, "truncated_block", "truncated section header block");
        }
        ByteBuffer b = f.window(off, 12);
        int i = (int) (off - f.base());
        int bom = b.order(ByteOrder.BIG_ENDIAN).getInt(i + 8);
        if (bom == 0x1a2b3c4d) {
            f.order(ByteOrder.BIG_ENDIAN);
        } else if (bom == 0x4d3c2b1a) {
            f.order(ByteOrder.LITTLE_ENDIAN);
        } else {
            throw new CaptureFormatException(file, off + 8, "bad_magic",
                    String.format("section header has an unknown byte-order magic 0x%08x", bom));
        }
        interfaces.clear();
    }

    private void interfaceDescription(ByteBuffer b, int i, int len, long off) throws CaptureFormatException {
        if (len < 20) {
            throw new CaptureFormatException(file, off, "bad_block_length", "interface description block too short");
        }
        int linkType = b.getShort(i + 8) & 0xffff;
        int snaplen = b.getInt(i + 12);
        boolean decimal = true;
        int resolution = 6;
        long offsetSeconds = 0;
        int p = i + 16;
        int end = i + len - 4;
        while (p + 4 <= end) {
            int code = b.getShort(p) & 0xffff;
            int olen = b.getShort(p + 2) & 0xffff;
            if (code == 0 || p + 4 + olen > end) {
                break;
            }
            if (code == 9 && olen >= 1) {
                int v = b.get(p + 4) & 0xff;
                decimal = (v & 0x80) == 0;
                resolution = v & 0x7f;
                if (decimal ? resolution > 13 : resolution > 62) {
                    throw new CaptureFormatException(file, p, "bad_option", "unsupported timestamp resolution " + v);
                }
            } else if (code == 14 && olen == 8) {
                offsetSeconds = b.getLong(p + 4);
            }
            p += 4 + ((olen + 3) & ~3);
        }
        interfaces.add(new Interface(linkType, snaplen, decimal, resolution, offsetSeconds));
    }

    private Interface iface(long id, long off) throws CaptureFormatException {
        if (id < 0 || id >= interfaces.size()) {
            throw new CaptureFormatException(file, off, "bad_interface",
                    "packet refers to interface " + id + " but the section describes " + interfaces.size());
        }
        return interfaces.get((int) id);
    }

    private void enhancedPacket(ByteBuffer b, int i, int len, long off) throws CaptureFormatException {
        if (len < 32) {
            throw new CaptureFormatException(file, off, "bad_block_length", "enhanced packet block too short");
        }
        long ifId = b.getInt(i + 8) & 0xffffffffL;
        Interface itf = iface(ifId, off);
        long ts = ((b.getInt(i + 12) & 0xffffffffL) << 32) | (b.getInt(i + 16) & 0xffffffffL);
        int cap = b.getInt(i + 20);
        int orig = b.getInt(i + 24);
        if (cap < 0 || 28 + cap > len - 4) {
            throw new CaptureFormatException(file, off, "bad_record",
                    "enhanced packet block captured length " + Integer.toUnsignedString(cap) + " does not fit its block of " + len);
        }
        sink.frame(f.frames(), i + 28, cap, Math.max(cap, orig), itf.micros(ts), itf.linkType(), (int) ifId);
    }

    private void simplePacket(ByteBuffer b, int i, int len, long off) throws CaptureFormatException {
        Interface itf = iface(0, off);
        int orig = b.getInt(i + 8);
        int cap = Math.min(len - 16, orig < 0 ? Integer.MAX_VALUE : orig);
        if (itf.snaplen() > 0) {
            cap = Math.min(cap, itf.snaplen());
        }
        // simple packet blocks carry no timestamp
        sink.frame(f.frames(), i + 12, cap, Math.max(cap, orig), 0, itf.linkType(), 0);
    }

    private void obsoletePacket(ByteBuffer b, int i, int len, long off) throws CaptureFormatException {
        if (len < 32) {
            throw new CaptureFormatException(file, off, "bad_block_length", "packet block too short");
        }
        int ifId = b.getShort(i + 8) & 0xffff;
        Interface itf = iface(ifId, off);
        long ts = ((b.getInt(i + 12) & 0xffffffffL) << 32) | (b.getInt(i + 16) & 0xffffffffL);
        int cap = b.getInt(i + 20);
        int orig = b.getInt(i + 24);
        if (cap < 0 || 28 + cap > len - 4) {
            throw new CaptureFormatException(file, off, "bad_record", "packet block captured length does not fit its block");
        }
        sink.frame(f.frames(), i + 28, cap, Math.max(cap, orig), itf.micros(ts), itf.linkType(), ifId);
    }
}
