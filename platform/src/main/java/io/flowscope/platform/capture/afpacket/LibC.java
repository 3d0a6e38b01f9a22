package io.flowscope.platform.capture.afpacket;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few libc calls AF_PACKET capture needs, bound directly (JNA direct mapping: no per-call reflection).
 * Each throws {@link LastErrorException} with errno when the call fails.
 */
final class LibC {

    static {
        Native.register("c");
    }

    private LibC() {
    }

    static final int AF_PACKET = 17;
    static final int SOCK_RAW = 3;
    static final int ETH_P_ALL = 0x0003;
    static final int SOL_SOCKET = 1;
    static final int SO_ATTACH_FILTER = 26;
    static final int SOL_PACKET = 263;
    static final int PACKET_RX_RING = 5;
    static final int PACKET_STATISTICS = 6;
    static final int PACKET_VERSION = 10;
    static final int PACKET_FANOUT = 18;
    static final int TPACKET_V3 = 2;
    static final int PACKET_FANOUT_HASH = 0;
    static final int PACKET_MR_PROMISC = 1;
    static final int PACKET_ADD_MEMBERSHIP = 1;
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int POLLIN = 0x001;
    static final int POLLERR = 0x008;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, Pointer value, int length) throws LastErrorException;

    static native int getsockopt(int fd, int level, int name, Pointer value, Pointer length) throws LastErrorException;

    static native int bind(int fd, Pointer address, int length) throws LastErrorException;

    static native int poll(Pointer fds, long count, int timeoutMillis) throws LastErrorException;

    static native Pointer mmap(Pointer address, long length, int protection, int flags, int fd, long offset)
            throws LastErrorException;

    static native int munmap(Pointer address, long length) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    /** Sends one frame out of a bound AF_PACKET socket (replaying frames onto an interface). */
    static native long write(int fd, byte[] frame, long length) throws LastErrorException;

    static native int if_nametoindex(String name) throws LastErrorException;

    /** htons: the protocol in network byte order, as AF_PACKET wants it. */
    static int htons(int v) {
        return ((v & 0xff) << 8) | ((v >> 8) & 0xff);
    }
}
