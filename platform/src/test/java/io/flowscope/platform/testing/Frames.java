package io.flowscope.platform.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds real frames (Ethernet / IPv4 / IPv6 / TCP / UDP) byte by byte, with correct lengths. */
public final class Frames {

    private Frames() {
    }

    public static final int FIN = 1;
    public static final int SYN = 2;
    public static final int RST = 4;
    public static final int PSH = 8;
    public static final int ACK = 16;

    /** An IPv4 address as bytes. */
    public static byte[] v4(String dotted) {
        String[] p = dotted.split("\\.");
        return new byte[] {(byte) Integer.parseInt(p[0]), (byte) Integer.parseInt(p[1]), (byte) Integer.parseInt(p[2]), (byte) Integer.parseInt(p[3])};
    }

    /** A TCP segment: IPv4 header (no options) and TCP header (no options). */
    public static byte[] tcp4(byte[] src, int sport, byte[] dst, int dport, int seq, int ack, int flags, int window, byte[] payload) {
        byte[] tcp = tcpHeader(sport, dport, seq, ack, flags, window, 0, payload);
        return ipv4(src, dst, 6, tcp, new byte[0]);
    }

    /** A TCP header with {@code optionBytes} bytes of NOP options, followed by the payload. */
    public static byte[] tcpHeader(int sport, int dport, int seq, int ack, int flags, int window, int optionBytes, byte[] payload) {
        int hlen = 20 + optionBytes;
        ByteBuffer b = ByteBuffer.allocate(hlen + payload.length);
        b.putShort((short) sport).putShort((short) dport).putInt(seq).putInt(ack);
        b.putShort((short) (((hlen / 4) << 12) | flags)).putShort((short) window).putShort((short) 0).putShort((short) 0);
        for (int i = 0; i < optionBytes; i++) {
            b.put((byte) 1);
        }
        b.put(payload);
        return b.array();
    }

    /** A UDP datagram in IPv4. */
    public static byte[] udp4(byte[] src, int sport, byte[] dst, int dport, byte[] payload) {
        return ipv4(src, dst, 17, udpHeader(sport, dport, payload), new byte[0]);
    }

    public static byte[] udpHeader(int sport, int dport, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
        return b.array();
    }

    /** An IPv4 packet with the given options (a multiple of 4 bytes). */
    public static byte[] ipv4(byte[] src, byte[] dst, int protocol, byte[] l4, byte[] options) {
        int ihl = 20 + options.length;
        ByteBuffer b = ByteBuffer.allocate(ihl + l4.length);
        b.put((byte) (0x40 | ihl / 4)).put((byte) 0).putShort((short) (ihl + l4.length)).putShort((short) 1).putShort((short) 0x4000);
        b.put((byte) 64).put((byte) protocol).putShort((short) 0).put(src).put(dst).put(options).put(l4);
        return b.array();
    }

    /** An IPv4 fragment (more-fragments set). */
    public static byte[] ipv4Fragment(byte[] src, byte[] dst, int protocol, byte[] l4) {
        byte[] p = ipv4(src, dst, protocol, l4, new byte[0]);
        p[6] = 0x20;
        p[7] = 0;
        return p;
    }

    /** An IPv6 packet; {@code extensions} are (next header, 8-byte body) pairs inserted before the transport header. */
    public static byte[] ipv6(byte[] src16, byte[] dst16, int protocol, byte[] l4, int... extensionTypes) {
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        int first = extensionTypes.length > 0 ? extensionTypes[0] : protocol;
        for (int i = 0; i < extensionTypes.length; i++) {
            int next = i + 1 < extensionTypes.length ? extensionTypes[i + 1] : protocol;
            ext.write(next);
            ext.write(0); // length 0: 8 bytes
            ext.writeBytes(new byte[6]);
        }
        byte[] e = ext.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(40 + e.length + l4.length);
        b.putInt(0x60000000).putShort((short) (e.length + l4.length)).put((byte) first).put((byte) 64);
        b.put(src16).put(dst16).put(e).put(l4);
        return b.array();
    }

    /** Ethernet II around an IP packet, with 802.1Q tags (outermost first) when vlans are given. */
    public static byte[] ethernet(byte[] ip, int... vlans) {
        boolean v6 = (ip[0] & 0xf0) == 0x60;
        ByteBuffer b = ByteBuffer.allocate(14 + 4 * vlans.length + ip.length);
        b.put(new byte[] {0, 0x11, 0x22, 0x33, 0x44, 0x55}).put(new byte[] {0, 0x66, 0x77, (byte) 0x88, (byte) 0x99, (byte) 0xaa});
        for (int i = 0; i < vlans.length; i++) {
            // QinQ: the outer tag is 802.1ad (0x88a8), inner ones 802.1Q (0x8100)
            b.putShort((short) (i == 0 && vlans.length > 1 ? 0x88a8 : 0x8100)).putShort((short) vlans[i]);
        }
        b.putShort((short) (v6 ? 0x86dd : 0x0800));
        b.put(ip);
        return b.array();
    }

    /** Linux cooked v1 header around an IP packet. */
    public static byte[] sll(byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(16 + ip.length);
        b.putShort((short) 0).putShort((short) 772).putShort((short) 6).put(new byte[8]);
        b.putShort((short) ((ip[0] & 0xf0) == 0x60 ? 0x86dd : 0x0800)).put(ip);
        return b.array();
    }

    /** Linux cooked v2 header around an IP packet. */
    public static byte[] sll2(byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(20 + ip.length);
        b.putShort((short) ((ip[0] & 0xf0) == 0x60 ? 0x86dd : 0x0800)).putShort((short) 0).putInt(1);
        b.putShort((short) 772).put((byte) 0).put((byte) 6).put(new byte[8]).put(ip);
        return b.array();
    }

    /** BSD loopback (DLT_NULL) header, family in little-endian host order as Linux/x86 writes it. */
    public static byte[] bsdNull(byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(4 + ip.length);
        b.order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((ip[0] & 0xf0) == 0x60 ? 24 : 2);
        b.order(java.nio.ByteOrder.BIG_ENDIAN).put(ip);
        return b.array();
    }

    /** A VXLAN header (I flag set) and the frame it carries. */
    public static byte[] vxlan(int vni, byte[] frame) {
        return ByteBuffer.allocate(8 + frame.length).putInt(0x08000000).putInt(vni << 8).put(frame).array();
    }

    /** A Geneve header with {@code optionWords} 4-byte words of options, carrying {@code protocol}. */
    public static byte[] geneve(int vni, int protocol, int optionWords, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * optionWords + payload.length);
        b.put((byte) optionWords).put((byte) 0).putShort((short) protocol).putInt(vni << 8);
        for (int i = 0; i < optionWords; i++) {
            b.putInt(0x01020300 | i);
        }
        return b.put(payload).array();
    }

    /** A GRE header with a checksum field, a key and a sequence number as asked ({@code key} null for none). */
    public static byte[] gre(boolean checksum, Integer key, Integer sequence, int protocol, byte[] payload) {
        int flags = (checksum ? 0x8000 : 0) | (key != null ? 0x2000 : 0) | (sequence != null ? 0x1000 : 0);
        ByteBuffer b = ByteBuffer.allocate(4 + (checksum ? 4 : 0) + (key != null ? 4 : 0) + (sequence != null ? 4 : 0) + payload.length);
        b.putShort((short) flags).putShort((short) protocol);
        if (checksum) {
            b.putInt(0xabcd0000);
        }
        if (key != null) {
            b.putInt(key);
        }
        if (sequence != null) {
            b.putInt(sequence);
        }
        return b.put(payload).array();
    }

    /** An ERSPAN type II header (version 1) with the session id, and the mirrored frame. */
    public static byte[] erspan2(int session, byte[] frame) {
        return ByteBuffer.allocate(8 + frame.length).putShort((short) 0x1000).putShort((short) session).putInt(7).put(frame).array();
    }

    /** An ERSPAN type III header (version 2) with the session id, the platform subheader when asked, and the frame. */
    public static byte[] erspan3(int session, boolean platformSubheader, byte[] frame) {
        ByteBuffer b = ByteBuffer.allocate(12 + (platformSubheader ? 8 : 0) + frame.length);
        b.putShort((short) 0x2000).putShort((short) session).putInt(123456).putShort((short) 0).putShort((short) (platformSubheader ? 1 : 0));
        if (platformSubheader) {
            b.putLong(0x0800_0000_0000_0001L);
        }
        return b.put(frame).array();
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
