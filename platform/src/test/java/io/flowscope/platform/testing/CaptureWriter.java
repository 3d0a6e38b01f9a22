package io.flowscope.platform.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes pcap and pcapng files byte by byte, in either byte order, for reader tests. */
public final class CaptureWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteOrder order;
    private final boolean pcapng;
    private final boolean nanos;

    private CaptureWriter(ByteOrder order, boolean pcapng, boolean nanos) {
        this.order = order;
        this.pcapng = pcapng;
        this.nanos = nanos;
    }

    /** A pcap file with one link type. */
    public static CaptureWriter pcap(ByteOrder order, boolean nanos, int linkType, int snaplen) {
        CaptureWriter w = new CaptureWriter(order, false, nanos);
        ByteBuffer b = w.buf(24);
        b.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(snaplen).putInt(linkType);
        w.out.writeBytes(b.array());
        return w;
    }

    /** A pcapng file: a section header; add interfaces with {@link #iface}. */
    public static CaptureWriter pcapng(ByteOrder order) {
        CaptureWriter w = new CaptureWriter(order, true, false);
        // SHB with one option (shb_userappl) to check options are skipped
        byte[] opt = w.option(4, "flowscope-test".getBytes());
        ByteBuffer b = w.buf(28 + opt.length);
        b.putInt(0x0a0d0d0a).putInt(28 + opt.length).putInt(0x1a2b3c4d).putShort((short) 1).putShort((short) 0)
                .putLong(-1).put(opt).putInt(28 + opt.length);
        w.out.writeBytes(b.array());
        return w;
    }

    /** pcapng: an interface description; {@code tsresol} is the if_tsresol byte, or -1 for the default (µs). */
    public CaptureWriter iface(int linkType, int snaplen, int tsresol) {
        return iface(linkType, snaplen, tsresol, 0);
    }

    /** pcapng: an interface description with an if_tsoffset (seconds added to every timestamp), when not 0. */
    public CaptureWriter iface(int linkType, int snaplen, int tsresol, long tsoffsetSeconds) {
        ByteArrayOutputStream opts = new ByteArrayOutputStream();
        opts.writeBytes(option(2, "lo".getBytes()));
        if (tsresol >= 0) {
            opts.writeBytes(option(9, new byte[] {(byte) tsresol}));
        }
        if (tsoffsetSeconds != 0) {
            opts.writeBytes(option(14, buf(8).putLong(tsoffsetSeconds).array()));
        }
        opts.writeBytes(option(0, new byte[0]));
        byte[] o = opts.toByteArray();
        int len = 20 + o.length;
        ByteBuffer b = buf(len);
        b.putInt(1).putInt(len).putShort((short) linkType).putShort((short) 0).putInt(snaplen).put(o).putInt(len);
        out.writeBytes(b.array());
        return this;
    }

    /** pcapng: a block of an unknown type, to be skipped. */
    public CaptureWriter customBlock() {
        ByteBuffer b = buf(16);
        b.putInt(0x0bad).putInt(16).putInt(0xdeadbeef).putInt(16);
        out.writeBytes(b.array());
        return this;
    }

    /** A packet: pcap record, or pcapng enhanced packet block on interface {@code ifId}; ts in the file's units. */
    public CaptureWriter packet(long tsMicros, byte[] frame, int capLen, int ifId) {
        if (!pcapng) {
            ByteBuffer b = buf(16);
            b.putInt((int) (tsMicros / 1_000_000)).putInt((int) (tsMicros % 1_000_000 * (nanos ? 1000 : 1)))
                    .putInt(capLen).putInt(frame.length);
            out.writeBytes(b.array());
            out.write(frame, 0, capLen);
            return this;
        }
        int pad = (4 - capLen % 4) % 4;
        byte[] opt = option(1, "c".getBytes()); // opt_comment, skipped
        int len = 32 + capLen + pad + opt.length + 4;
        ByteBuffer b = buf(len);
        b.putInt(6).putInt(len).putInt(ifId).putInt((int) (tsMicros >>> 32)).putInt((int) tsMicros)
                .putInt(capLen).putInt(frame.length).put(frame, 0, capLen).put(new byte[pad]).put(opt)
                .putShort((short) 0).putShort((short) 0).putInt(len);
        out.writeBytes(b.array());
        return this;
    }

    /** pcapng: a packet with a timestamp in raw interface units (for resolution tests). */
    public CaptureWriter rawPacket(long ts, byte[] frame, int ifId) {
        int pad = (4 - frame.length % 4) % 4;
        int len = 32 + frame.length + pad;
        ByteBuffer b = buf(len);
        b.putInt(6).putInt(len).putInt(ifId).putInt((int) (ts >>> 32)).putInt((int) ts)
                .putInt(frame.length).putInt(frame.length).put(frame).put(new byte[pad]).putInt(len);
        out.writeBytes(b.array());
        return this;
    }

    /** Raw bytes appended as they are (to corrupt a file). */
    public CaptureWriter raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    public Path write(Path file) throws IOException {
        Files.write(file, bytes());
        return file;
    }

    private byte[] option(int code, byte[] value) {
        int pad = (4 - value.length % 4) % 4;
        ByteBuffer b = buf(4 + value.length + pad);
        b.putShort((short) code).putShort((short) value.length).put(value).put(new byte[pad]);
        return b.array();
    }

    private ByteBuffer buf(int n) {
        return ByteBuffer.allocate(n).order(order);
    }
}
