package io.flowscope.platform.testing;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** IPv4 and IPv6 fragments of a datagram, built byte by byte for tests. */
public final class FragmentFrames {

    private FragmentFrames() {
    }

    /** An IPv4 fragment: {@code data} at byte {@code offset} (a multiple of 8) of the datagram's payload. */
    public static byte[] ipv4(byte[] src, byte[] dst, int protocol, int id, int offset, boolean more, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(20 + data.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + data.length)).putShort((short) id)
                .putShort((short) ((more ? 0x2000 : 0) | offset / 8));
        b.put((byte) 64).put((byte) protocol).putShort((short) 0).put(src).put(dst).put(data);
        return b.array();
    }

    /** An IPv6 fragment (a fragment header right after the fixed header) of a datagram whose first header after it is {@code next}. */
    public static byte[] ipv6(byte[] src16, byte[] dst16, int next, int id, int offset, boolean more, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(48 + data.length);
        b.putInt(0x60000000).putShort((short) (8 + data.length)).put((byte) 44).put((byte) 64).put(src16).put(dst16);
        b.put((byte) next).put((byte) 0).putShort((short) (offset | (more ? 1 : 0))).putInt(id).put(data);
        return b.array();
    }

    /** {@code n} bytes of {@code whole} from {@code from}. */
    public static byte[] slice(byte[] whole, int from, int n) {
        return Arrays.copyOfRange(whole, from, from + n);
    }

    /** An IPv6 address whose last byte is {@code last} (fd00::last). */
    public static byte[] v6(int last) {
        byte[] a = new byte[16];
        a[0] = (byte) 0xfd;
        a[15] = (byte) last;
        return a;
    }
}
