package io.flowscope.platform.capture.afpacket;

import io.flowscope.platform.os.LibC;
import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.flowscope.platform.capture.FrameSink;
import io.flowscope.platform.packet.PacketDecoder;
import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One AF_PACKET socket with a TPACKET_V3 receive ring mapped into memory. {@link #read} polls, then hands
 * every frame of each block the kernel filled to a {@link FrameSink} in place (the sink gets the ring's
 * own buffer and the frame's offset: nothing is copied), and gives the block back to the kernel as soon as
 * its frames are consumed. Used from one thread; {@link #close()} unmaps and closes, once.
 */
public final class AfPacketRing implements AutoCloseable {

    // struct tpacket_block_desc / tpacket_hdr_v1 (linux/if_packet.h)
    private static final int BLOCK_STATUS = 8;
    private static final int BLOCK_NUM_PKTS = 12;
    private static final int BLOCK_FIRST_PKT = 16;
    private static final int TP_STATUS_USER = 1;
    private static final int TP_STATUS_KERNEL = 0;
    // struct tpacket3_hdr
    private static final int PKT_NEXT = 0;
    private static final int PKT_SEC = 4;
    private static final int PKT_NSEC = 8;
    private static final int PKT_SNAPLEN = 12;
    private static final int PKT_LEN = 16;
    private static final int PKT_STATUS = 20;
    private static final int PKT_VLAN_TCI = 32;
    private static final int TP_STATUS_VLAN_VALID = 1 << 4;
    private static final int PKT_MAC = 24;
    /** struct sockaddr_ll follows the header at TPACKET_ALIGN(sizeof(struct tpacket3_hdr)) = 48. */
    private static final int PKT_SLL_PKTTYPE = 48 + 10;
    private static final int PACKET_OUTGOING = 4;

    /** LINKTYPE_ETHERNET; the kernel hands loopback frames with an Ethernet header too. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** LINKTYPE_RAW: IP with no link header (tun devices, ARPHRD_NONE). */
    public static final int LINKTYPE_RAW = 101;

    /**
     * The link type of an interface's frames as a SOCK_RAW packet socket hands them, from its ARPHRD type:
     * 802.11 monitor interfaces give 802.11 frames, with radiotap (803) or without (801); PPP (512) and
     * ARPHRD_NONE (65534: tun, WireGuard) give IP with no link header; the rest Ethernet headers.
     */
    static int linkTypeOf(int arphrd) {
        return switch (arphrd) {
            case 801 -> PacketDecoder.LINKTYPE_IEEE802_11;
            case 803 -> PacketDecoder.LINKTYPE_IEEE802_11_RADIOTAP;
            case 512, 65534 -> LINKTYPE_RAW;
            default -> LINKTYPE_ETHERNET;
        };
    }

    private final String interfaceName;
    private final int interfaceIndex;
    private final int linkType;
    private final boolean loopback;
    private final RingSettings settings;
    private int fd = -1;
    private Pointer ring;
    private final long ringSize;
    /** The ring in this machine's byte order, for the kernel's headers. */
    private final ByteBuffer buffer;
    /** The same memory in network byte order, for the frames (the decoder reads headers as they are on the wire). */
    private final ByteBuffer frames;
    private final Memory pollFd = new Memory(8);
    private int block;
    private long packets;
    private long bytes;
    private long kernelPackets;
    private long kernelDrops;
    private long queueFreezes;

    private AfPacketRing(String name, int index, int linkType, boolean loopback, RingSettings s, int fd, Pointer ring,
                         long size) {
        this.interfaceName = name;
        this.interfaceIndex = index;
        this.linkType = linkType;
        this.loopback = loopback;
        this.settings = s;
        this.fd = fd;
        this.ring = ring;
        this.ringSize = size;
        this.buffer = ring.getByteBuffer(0, size).order(ByteOrder.nativeOrder());
        this.frames = buffer.duplicate().order(ByteOrder.BIG_ENDIAN);
    }

    /**
     * Opens a ring on an interface: socket, TPACKET_V3, the ring, mapping, optional classic BPF filter
     * (attached before the socket is bound, so no unwanted frame is ever queued), bind, fanout, promiscuity.
     *
     * @param filterExpression tcpdump syntax, compiled for this interface's link type; null or blank for everything
     * @throws IOException with the failing call and errno's meaning (no privilege, no such interface …)
     * @throws IllegalArgumentException when the filter is not valid (libpcap's message)
     */
    public static AfPacketRing open(String interfaceName, RingSettings s, String filterExpression) throws IOException {
        int index;
        try {
            index = LibC.if_nametoindex(interfaceName);
        } catch (LastErrorException e) {
            throw new IOException("no network interface " + interfaceName + " (" + strerror(e) + ")");
        }
        int type = arphrdType(interfaceName);
        int linkType = linkTypeOf(type);
        BpfProgram filter = filterExpression == null || filterExpression.isBlank() ? null
                : BpfProgram.compile(filterExpression, linkType, s.snapLength());
        int fd;
        try {
            // protocol 0: the socket receives nothing until bind names the interface and ETH_P_ALL. Opened with
            // ETH_P_ALL it would take every interface's frames, unfiltered, while the ring is set up, and count
            // the ones its full receive buffer dropped as this capture's kernel drops (as libpcap, bind last).
            fd = LibC.socket(LibC.AF_PACKET, LibC.SOCK_RAW, 0);
        } catch (LastErrorException e) {
            throw new IOException("cannot open an AF_PACKET socket: " + strerror(e)
                    + (e.getErrorCode() == 1 ? " (capture needs root or CAP_NET_RAW)" : ""));
        }
        Pointer ring = null;
        long size = (long) s.blockSize() * s.blockCount();
        try {
            setInt(fd, LibC.SOL_PACKET, LibC.PACKET_VERSION, LibC.TPACKET_V3, "PACKET_VERSION");
            Memory req = new Memory(28);
            int frameSize = 2048;
            req.setInt(0, s.blockSize());
            req.setInt(4, s.blockCount());
            req.setInt(8, frameSize);
            req.setInt(12, (int) (size / frameSize));
            req.setInt(16, s.blockTimeoutMs());
            req.setInt(20, 0);
            req.setInt(24, 0);
            call(() -> LibC.setsockopt(fd, LibC.SOL_PACKET, LibC.PACKET_RX_RING, req, 28), "PACKET_RX_RING");
            ring = LibC.mmap(null, size, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
            if (Pointer.nativeValue(ring) == -1L) {
                throw new IOException("cannot map the capture ring of " + size + " bytes");
            }
            if (filter != null) {
                filter.attach(fd);
            }
            Memory sll = new Memory(20);
            sll.clear();
            sll.setShort(0, (short) LibC.AF_PACKET);
            sll.setShort(2, (short) LibC.htons(LibC.ETH_P_ALL));
            sll.setInt(4, index);
            call(() -> LibC.bind(fd, sll, 20), "bind to " + interfaceName);
            if (s.fanoutGroup() != 0) {
                setInt(fd, LibC.SOL_PACKET, LibC.PACKET_FANOUT, (s.fanoutGroup() & 0xffff) | (LibC.PACKET_FANOUT_HASH << 16),
                        "PACKET_FANOUT");
            }
            if (s.promiscuous()) {
                Memory mreq = new Memory(16);
                mreq.clear();
                mreq.setInt(0, index);
                mreq.setShort(4, (short) LibC.PACKET_MR_PROMISC);
                call(() -> LibC.setsockopt(fd, LibC.SOL_PACKET, LibC.PACKET_ADD_MEMBERSHIP, mreq, 16), "promiscuous mode");
            }
            return new AfPacketRing(interfaceName, index, linkType, type == 772, s, fd, ring, size);
        } catch (IOException | RuntimeException e) {
            if (ring != null && Pointer.nativeValue(ring) != -1L) {
                LibC.munmap(ring, size);
            }
            LibC.close(fd);
            throw e;
        }
    }

    /** The interface's ARPHRD type from sysfs (1 Ethernet, 772 loopback, 65534 none). */
    private static int arphrdType(String name) throws IOException {
        Path p = Path.of("/sys/class/net", name, "type");
        try {
            return Integer.parseInt(Files.readString(p).trim());
        } catch (IOException | NumberFormatException e) {
            return 1;
        }
    }

    public String interfaceName() {
        return interfaceName;
    }

    public int interfaceIndex() {
        return interfaceIndex;
    }

    public int linkType() {
        return linkType;
    }

    /** Receives frames as the ring holds them, with the kernel's timestamp in nanoseconds (pcapng writing). */
    @FunctionalInterface
    public interface NanoFrameSink {
        /** @param vlanTci the 802.1Q tag the kernel took off the frame, or -1 when it had none */
        void frame(ByteBuffer buffer, int offset, int capturedLength, int wireLength, long tsNanos, int vlanTci);
    }

    /**
     * Waits up to {@code timeoutMs} for a filled block, then hands every frame of every filled block to
     * {@code sink} (interface id {@code interfaceId}, µs timestamps) and returns the blocks to the kernel.
     *
     * @return frames handed over
     */
    public int read(FrameSink sink, int interfaceId, int timeoutMs) throws IOException {
        return read((b, off, cap, len, ns, tci) -> {
            if (tci < 0) {
                sink.frame(b, off, cap, len, ns / 1000, linkType, interfaceId);
            } else {
                sink.taggedFrame(b, off, cap, len, ns / 1000, linkType, interfaceId, tci);
            }
        }, timeoutMs);
    }

    /**
     * The last read before closing: every filled block, and the block the kernel is still filling, which it hands
     * over only when the block timeout retires it, so this waits up to one block timeout (and a margin) for it.
     * Without the wait, the frames of a quiet link's last fraction of a second would be lost (as tcpdump loses
     * them on SIGTERM without --immediate-mode).
     */
    public int drain(NanoFrameSink sink) throws IOException {
        int n = read(sink, 0);
        long end = System.nanoTime() + (settings.blockTimeoutMs() + 50L) * 1_000_000L;
        for (long left; (left = end - System.nanoTime()) > 0; ) {
            int got = read(sink, (int) Math.max(1, left / 1_000_000));
            n += got;
            if (got > 0) {
                break; // the partly filled block came; what arrives after the stop is not waited for
            }
        }
        return n;
    }

    /** {@link #drain(NanoFrameSink)} into a frame sink. */
    public int drain(FrameSink sink, int interfaceId) throws IOException {
        return drain((b, off, cap, len, ns, tci) -> {
            if (tci < 0) {
                sink.frame(b, off, cap, len, ns / 1000, linkType, interfaceId);
            } else {
                sink.taggedFrame(b, off, cap, len, ns / 1000, linkType, interfaceId, tci);
            }
        });
    }

    /** The same, with nanosecond timestamps. */
    public int read(NanoFrameSink sink, int timeoutMs) throws IOException {
        if (!ready(block)) {
            pollFd.setInt(0, fd);
            pollFd.setShort(4, (short) (LibC.POLLIN | LibC.POLLERR));
            pollFd.setShort(6, (short) 0);
            try {
                LibC.poll(pollFd, 1, timeoutMs);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != 4) { // EINTR: just try again
                    throw new IOException("poll on " + interfaceName + ": " + strerror(e));
                }
            }
        }
        int n = 0;
        while (ready(block)) {
            n += block(block, sink);
            int base = block * settings.blockSize();
            VarHandle.releaseFence(); // every read of the block happens before the kernel may refill it
            buffer.putInt(base + BLOCK_STATUS, TP_STATUS_KERNEL);
            block = (block + 1) % settings.blockCount();
        }
        return n;
    }

    private boolean ready(int b) {
        boolean user = (buffer.getInt(b * settings.blockSize() + BLOCK_STATUS) & TP_STATUS_USER) != 0;
        VarHandle.acquireFence(); // the block's contents are read after its status says it is ours
        return user;
    }

    private int block(int b, NanoFrameSink sink) {
        int base = b * settings.blockSize();
        int count = buffer.getInt(base + BLOCK_NUM_PKTS);
        int pkt = base + buffer.getInt(base + BLOCK_FIRST_PKT);
        int delivered = 0;
        for (int i = 0; i < count; i++) {
            int next = buffer.getInt(pkt + PKT_NEXT);
            // on loopback every frame is seen leaving and arriving: keep one, as libpcap does
            if (!(loopback && (buffer.get(pkt + PKT_SLL_PKTTYPE) & 0xff) == PACKET_OUTGOING)) {
                long ts = (buffer.getInt(pkt + PKT_SEC) & 0xffffffffL) * 1_000_000_000L + (buffer.getInt(pkt + PKT_NSEC) & 0xffffffffL);
                int snap = buffer.getInt(pkt + PKT_SNAPLEN);
                int len = buffer.getInt(pkt + PKT_LEN);
                int mac = buffer.getShort(pkt + PKT_MAC) & 0xffff;
                // NICs and veth take the outer VLAN tag off into tp_vlan_tci: it is handed on beside the frame
                int tci = (buffer.getInt(pkt + PKT_STATUS) & TP_STATUS_VLAN_VALID) != 0
                        ? buffer.getInt(pkt + PKT_VLAN_TCI) & 0xffff : -1;
                sink.frame(frames, pkt + mac, Math.min(snap, settings.snapLength()), len, ts, tci);
                packets++;
                bytes += tci >= 0 ? len + 4 : len; // the tag was on the wire
                delivered++;
            }
            pkt += next;
            if (next == 0) {
                break;
            }
        }
        return delivered;
    }

    /** Frames handed to sinks so far. */
    public long packets() {
        return packets;
    }

    /** Bytes of those frames as they were on the wire. */
    public long bytes() {
        return bytes;
    }

    /**
     * The kernel's counters (PACKET_STATISTICS), accumulated: packets it queued, packets it dropped because
     * the ring was full, and how often it froze the queue. Reading clears the kernel's own counters.
     */
    public long[] statistics() throws IOException {
        Memory st = new Memory(12);
        Memory len = new Memory(4);
        len.setInt(0, 12);
        call(() -> LibC.getsockopt(fd, LibC.SOL_PACKET, LibC.PACKET_STATISTICS, st, len), "PACKET_STATISTICS");
        kernelPackets += st.getInt(0) & 0xffffffffL;
        kernelDrops += st.getInt(4) & 0xffffffffL;
        queueFreezes += st.getInt(8) & 0xffffffffL;
        return new long[] {kernelPackets, kernelDrops, queueFreezes};
    }

    @Override
    public void close() {
        if (fd < 0) {
            return;
        }
        try {
            LibC.munmap(ring, ringSize);
        } finally {
            LibC.close(fd);
            fd = -1;
            ring = null;
        }
    }

    private interface Call {
        int run() throws LastErrorException;
    }

    private static void call(Call c, String what) throws IOException {
        try {
            c.run();
        } catch (LastErrorException e) {
            throw new IOException(what + ": " + strerror(e));
        }
    }

    private static void setInt(int fd, int level, int name, int value, String what) throws IOException {
        Memory m = new Memory(4);
        m.setInt(0, value);
        call(() -> LibC.setsockopt(fd, level, name, m, 4), what);
    }

    static String strerror(LastErrorException e) {
        return e.getMessage() + " (errno " + e.getErrorCode() + ")";
    }

    static {
        Native.getLastError(); // load JNA early: a missing native library fails at open, with its reason
    }
}
