package io.flowscope.platform.capture;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a pcapng file: one section header, one interface description (link type, snap length,
 * interface name, nanosecond time resolution) and an enhanced packet block per frame, in this machine's
 * byte order, as Wireshark writes them. Readable by Wireshark, tshark and {@code flowscope import}.
 */
public final class PcapngWriter implements AutoCloseable {

    private static final int SHB = 0x0A0D0D0A;
    private static final int IDB = 1;
    private static final int EPB = 6;

    private final OutputStream out;
    private final ByteBuffer scratch = ByteBuffer.allocate(1 << 17).order(ByteOrder.nativeOrder());
    private long packets;
    private long bytes;

    /** Creates (or replaces) the file and writes its header for one interface. */
    public PcapngWriter(Path file, String interfaceName, int linkType, int snapLength) throws IOException {
        this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        writeSectionHeader();
        writeInterface(interfaceName, linkType, snapLength);
    }

    private void writeSectionHeader() throws IOException {
        ByteBuffer b = begin(SHB);
        b.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L); // magic, 1.0, length unknown
        option(b, 4, "Flowscope 0.1.0".getBytes(StandardCharsets.UTF_8)); // shb_userappl
        b.putInt(0); // opt_endofopt
        end(b);
    }

    private void writeInterface(String name, int linkType, int snapLength) throws IOException {
        ByteBuffer b = begin(IDB);
        b.putShort((short) linkType).putShort((short) 0).putInt(snapLength);
        option(b, 2, name.getBytes(StandardCharsets.UTF_8)); // if_name
        option(b, 9, new byte[] {9}); // if_tsresol: 10^-9 s
        b.putInt(0);
        end(b);
    }

    /**
     * One frame: {@code capturedLength} bytes at {@code offset} of {@code buffer}, {@code tsNanos} since the epoch;
     * an Ethernet frame whose 802.1Q tag the kernel took off ({@code vlanTci} ≥ 0) is written with it again,
     * as it was on the wire (as libpcap does).
     */
    public void frame(ByteBuffer buffer, int offset, int capturedLength, int wireLength, long tsNanos, int vlanTci)
            throws IOException {
        boolean tag = vlanTci >= 0 && capturedLength >= 12;
        int cap = tag ? capturedLength + 4 : capturedLength;
        int wire = tag ? wireLength + 4 : wireLength;
        ByteBuffer b = begin(EPB);
        b.putInt(0).putInt((int) (tsNanos >>> 32)).putInt((int) tsNanos).putInt(cap).putInt(wire);
        if (b.remaining() < cap + 16) {
            throw new IOException("frame of " + cap + " bytes is larger than a pcapng block here");
        }
        if (tag) {
            b.put(b.position(), buffer, offset, 12); // destination and source MAC
            b.position(b.position() + 12);
            b.putShort((short) 0x8100).putShort((short) vlanTci);
            b.put(b.position(), buffer, offset + 12, capturedLength - 12);
            b.position(b.position() + capturedLength - 12);
        } else {
            b.put(b.position(), buffer, offset, capturedLength);
            b.position(b.position() + capturedLength);
        }
        pad(b);
        end(b);
        packets++;
        bytes += wire;
    }

    public long packets() {
        return packets;
    }

    public long bytes() {
        return bytes;
    }

    private ByteBuffer begin(int type) {
        scratch.clear();
        scratch.putInt(type).putInt(0); // total length, set by end()
        return scratch;
    }

    private static void option(ByteBuffer b, int code, byte[] value) {
        b.putShort((short) code).putShort((short) value.length).put(value);
        pad(b);
    }

    private static void pad(ByteBuffer b) {
        while ((b.position() & 3) != 0) {
            b.put((byte) 0);
        }
    }

    private void end(ByteBuffer b) throws IOException {
        int total = b.position() + 4;
        b.putInt(total);
        b.putInt(4, total);
        out.write(b.array(), 0, total);
    }

    /** Flushes what is buffered to the file (a reader then sees every frame written so far). */
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
