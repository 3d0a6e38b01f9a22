package io.flowscope.platform.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The libc calls the host's native parts need (AF_PACKET capture, BPF rings), bound directly (JNA direct
 * mapping: no per-call reflection). Each throws {@link LastErrorException} with errno when the call fails.
 */
public final class LibC {

    static {
        Native.register("c");
    }

    private LibC() {
    }

    public static final int AF_PACKET = 17;
    public static final int SOCK_RAW = 3;
    public static final int ETH_P_ALL = 0x0003;
    public static final int SOL_SOCKET = 1;
    public static final int SO_ATTACH_FILTER = 26;
    public static final int SOL_PACKET = 263;
    public static final int PACKET_RX_RING = 5;
    public static final int PACKET_STATISTICS = 6;
    public static final int PACKET_VERSION = 10;
    public static final int PACKET_FANOUT = 18;
    public static final int TPACKET_V3 = 2;
    public static final int PACKET_FANOUT_HASH = 0;
    public static final int PACKET_MR_PROMISC = 1;
    public static final int PACKET_ADD_MEMBERSHIP = 1;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int POLLIN = 0x001;
    public static final int POLLERR = 0x008;

    public static native int socket(int domain, int type, int protocol) throws LastErrorException;

    public static native int setsockopt(int fd, int level, int name, Pointer value, int length) throws LastErrorException;

    public static native int getsockopt(int fd, int level, int name, Pointer value, Pointer length) throws LastErrorException;

    public static native int bind(int fd, Pointer address, int length) throws LastErrorException;

    public static native int poll(Pointer fds, long count, int timeoutMillis) throws LastErrorException;

    public static native Pointer mmap(Pointer address, long length, int protection, int flags, int fd, long offset)
            throws LastErrorException;

    public static native int munmap(Pointer address, long length) throws LastErrorException;

    public static final int MADV_DONTNEED = 4;

    public static native int madvise(Pointer address, long length, int advice) throws LastErrorException;

    public static native int close(int fd) throws LastErrorException;

    /** Sends one frame out of a bound AF_PACKET socket (replaying frames onto an interface). */
    public static native long write(int fd, byte[] frame, long length) throws LastErrorException;

    public static native int getpagesize();

    public static native int mount(String source, String target, String type, long flags, Pointer data) throws LastErrorException;

    public static native int if_nametoindex(String name) throws LastErrorException;

    /** htons: the protocol in network byte order, as AF_PACKET wants it. */
    public static int htons(int v) {
        return ((v & 0xff) << 8) | ((v >> 8) & 0xff);
    }
}
