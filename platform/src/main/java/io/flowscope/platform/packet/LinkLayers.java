package io.flowscope.platform.packet;

import java.nio.ByteBuffer;

/**
 * The link layers beyond Ethernet and Linux cooked capture: 802.11 (plain and behind radiotap), PPI,
 * NFLOG, PPP (plain, HDLC-framed, with direction) and PPPoE sessions. Each method reads the header at
 * {@code p} and answers the ethertype of what follows ({@link #NOT_IP}-like values are passed on
 * unchanged), with {@link #next()} the offset of the network header; or {@link #FAILED} with
 * {@link #error()} saying why. One instance per decoder: the two results are fields, not an object per
 * frame.
 */
final class LinkLayers {

    /** What follows is not IP (management frames, LCP, ARP …): not an error. */
    static final int NOT_IP = -1;
    /** The header is malformed or of a kind not decoded: see {@link #error()}. */
    static final int FAILED = -2;

    static final int ETH_IPV4 = 0x0800;
    static final int ETH_IPV6 = 0x86dd;
    static final int ETH_PPPOE_DISCOVERY = 0x8863;
    static final int ETH_PPPOE_SESSION = 0x8864;

    private static final int PPP_IPV4 = 0x0021;
    private static final int PPP_IPV6 = 0x0057;
    /** NFULA_PAYLOAD: the TLV that carries the packet. */
    private static final int NFULA_PAYLOAD = 9;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private int next;
    private DecodeError error;

    /** Offset of the header after the one just read. */
    int next() {
        return next;
    }

    DecodeError error() {
        return error;
    }

    /** The link types the decoder's own switch does not know: {@link DecodeError#UNSUPPORTED_LINK_TYPE} for the rest. */
    int decode(int linkType, ByteBuffer b, int off, int end, MetaPacket m) {
        return switch (linkType) {
            case PacketDecoder.LINKTYPE_IEEE802_11 -> wlan(b, off, end, m);
            case PacketDecoder.LINKTYPE_IEEE802_11_RADIOTAP -> radiotap(b, off, end, m);
            case PacketDecoder.LINKTYPE_NFLOG -> nflog(b, off, end);
            case PacketDecoder.LINKTYPE_PPP, PacketDecoder.LINKTYPE_PPP_HDLC -> ppp(b, off, end, false);
            case PacketDecoder.LINKTYPE_PPP_WITH_DIR -> ppp(b, off, end, true);
            case PacketDecoder.LINKTYPE_PPP_ETHER -> pppoe(b, off, end);
            default -> fail(DecodeError.UNSUPPORTED_LINK_TYPE);
        };
    }

    private int fail(DecodeError e) {
        error = e;
        return FAILED;
    }

    /**
     * A radiotap header (LINKTYPE_IEEE802_11_RADIOTAP): version 0, then its own length (little-endian),
     * which is all we need to skip it; whether an FCS trails the frame does not matter, IP's own length
     * ends the packet first.
     */
    int radiotap(ByteBuffer b, int p, int end, MetaPacket m) {
        if (p + 8 > end) {
            return fail(DecodeError.TRUNCATED_LINK_HEADER);
        }
        int len = u16le(b, p + 2);
        if (b.get(p) != 0 || len < 8) {
            return fail(DecodeError.BAD_LINK_HEADER);
        }
        if (p + len > end) {
            return fail(DecodeError.TRUNCATED_LINK_HEADER);
        }
        return wlan(b, p + len, end, m);
    }

    /**
     * A PPI header (LINKTYPE_PPI): version 0, flags, its length and the link type of the frame after it
     * (little-endian). Answers that link type, with {@link #next()} at the frame.
     */
    int ppi(ByteBuffer b, int p, int end) {
        if (p + 8 > end) {
            return fail(DecodeError.TRUNCATED_LINK_HEADER);
        }
        int len = u16le(b, p + 2);
        int dlt = b.get(p + 4) & 0xff | (b.get(p + 5) & 0xff) << 8 | (b.get(p + 6) & 0xff) << 16 | (b.get(p + 7) & 0xff) << 24;
        if (b.get(p) != 0 || len < 8 || dlt < 0) {
            return fail(DecodeError.BAD_LINK_HEADER);
        }
        if (p + len > end) {
            return fail(DecodeError.TRUNCATED_LINK_HEADER);
        }
        next = p + len;
        return dlt;
    }

    /**
     * An 802.11 frame (LINKTYPE_IEEE802_11). Only data frames carry IP: management and control frames and
     * data frames without a body (null, QoS null) are {@link #NOT_IP}; encrypted ones cannot be read
     * ({@link DecodeError#WLAN_PROTECTED}); A-MSDU aggregates and 802.11-level fragments are not taken
     * apart. The source and destination MACs come from the address fields as ToDS/FromDS place them.
     */
    int wlan(ByteBuffer b, int p, int end, MetaPacket m) {
        if (p + 24 > end) {
            return fail(DecodeError.TRUNCATED_LINK_HEADER);
        }
        int fc0 = b.get(p) & 0xff;
        int flags = b.get(p + 1) & 0xff;
        if ((fc0 & 0x03) != 0) {
            return fail(DecodeError.BAD_LINK_HEADER); // protocol version 0 is the only one
        }
        int type = fc0 >> 2 & 0x03;
        int subtype = fc0 >> 4;
        if (type != 2 || (subtype & 0x04) != 0) {
            return NOT_IP; // management, control, or a data frame without a body
        }
        boolean toDs = (flags & 0x01) != 0;
        boolean fromDs = (flags & 0x02) != 0;
        boolean qos = (subtype & 0x08) != 0;
        int hdr = toDs && fromDs ? 30 : 24;
        boolean amsdu = false;
        if (qos) {
            if (p + hdr + 2 > end) {
                return fail(DecodeError.TRUNCATED_LINK_HEADER);
            }
            amsdu = (b.get(p + hdr) & 0x80) != 0;
            hdr += (flags & 0x80) != 0 ? 6 : 2; // +HTC: an HT control field follows QoS control
        }
        if ((flags & 0x40) != 0) {
            return fail(DecodeError.WLAN_PROTECTED);
        }
        boolean fragmented = (flags & 0x04) != 0 || (b.get(p + 22) & 0x0f) != 0;
        if (amsdu || fragmented) {
            return fail(DecodeError.UNSUPPORTED_WLAN_FRAME);
        }
        // address 1..4 at 4, 10, 16, 24; which is the source and which the destination depends on ToDS/FromDS
        int dst = toDs ? p + 16 : p + 4;
        int src = fromDs ? (toDs ? p + 24 : p + 16) : p + 10;
        if (p + hdr + 8 > end) {
            return fail(DecodeError.TRUNCATED_LINK_HEADER);
        }
        m.dstMac = mac(b, dst);
        m.srcMac = mac(b, src);
        return llcSnap(b, p + hdr);
    }

    /** LLC/SNAP (AA AA 03, an OUI, the ethertype): other LLC payloads (STP …) are not IP. */
    private int llcSnap(ByteBuffer b, int q) {
        if ((b.get(q) & 0xff) != 0xaa || (b.get(q + 1) & 0xff) != 0xaa || b.get(q + 2) != 0x03) {
            return NOT_IP;
        }
        next = q + 8;
        return u16(b, q + 6);
    }

    /**
     * An NFLOG message (LINKTYPE_NFLOG): family, version, resource id, then TLVs whose length and type are
     * in the byte order of the host that logged them (the file does not say which: a type is always below
     * 256, so the zero byte tells), each padded to 4 bytes. The payload TLV holds the IP packet.
     */
    int nflog(ByteBuffer b, int p, int end) {
        if (p + 4 > end) {
            return fail(DecodeError.TRUNCATED_LINK_HEADER);
        }
        int family = b.get(p) & 0xff;
        if (b.get(p + 1) != 0) {
            return fail(DecodeError.BAD_LINK_HEADER);
        }
        int q = p + 4;
        while (q + 4 <= end) {
            boolean little = b.get(q + 3) == 0 && b.get(q + 2) != 0;
            int len = little ? u16le(b, q) : u16(b, q);
            int type = (little ? u16le(b, q + 2) : u16(b, q + 2)) & 0x3fff; // without the nested / byte-order flags
            if (len < 4 || q + len > end && type != NFULA_PAYLOAD) {
                return fail(DecodeError.BAD_LINK_HEADER);
            }
            if (type == NFULA_PAYLOAD) {
                next = q + 4;
                return family == AF_INET ? ETH_IPV4 : family == AF_INET6 ? ETH_IPV6 : NOT_IP;
            }
            q += (len + 3) & ~3;
        }
        return NOT_IP; // logged without its packet
    }

    /**
     * PPP (LINKTYPE_PPP), with or without the HDLC address and control bytes (FF 03); LINKTYPE_PPP_HDLC may
     * also be Cisco HDLC (address 0F or 8F, then an ethertype); LINKTYPE_PPP_WITH_DIR has a direction byte first.
     */
    int ppp(ByteBuffer b, int p, int end, boolean withDirection) {
        if (withDirection) {
            p++;
        }
        if (p + 2 > end) {
            return fail(DecodeError.TRUNCATED_LINK_HEADER);
        }
        int a = b.get(p) & 0xff;
        if (a == 0x0f || a == 0x8f) { // Cisco HDLC
            if (p + 4 > end) {
                return fail(DecodeError.TRUNCATED_LINK_HEADER);
            }
            next = p + 4;
            return u16(b, p + 2);
        }
        if (a == 0xff && (b.get(p + 1) & 0xff) == 0x03) {
            p += 2;
        }
        return pppProtocol(b, p, end);
    }

    /** A PPPoE session header (ethertype 0x8864, or LINKTYPE_PPP_ETHER): version and type 1, code 0, then PPP. */
    int pppoe(ByteBuffer b, int p, int end) {
        if (p + 8 > end) {
            return fail(DecodeError.TRUNCATED_LINK_HEADER);
        }
        if ((b.get(p) & 0xff) != 0x11 || b.get(p + 1) != 0) {
            return fail(DecodeError.BAD_LINK_HEADER);
        }
        return pppProtocol(b, p + 6, end);
    }

    /** The PPP protocol field: one byte when compressed (RFC 1661: an odd first byte), else two. */
    private int pppProtocol(ByteBuffer b, int p, int end) {
        if (p + 1 > end) {
            return fail(DecodeError.TRUNCATED_LINK_HEADER);
        }
        int protocol = b.get(p) & 0xff;
        if ((protocol & 1) == 0) {
            if (p + 2 > end) {
                return fail(DecodeError.TRUNCATED_LINK_HEADER);
            }
            protocol = u16(b, p);
            p++;
        }
        next = p + 1;
        return protocol == PPP_IPV4 ? ETH_IPV4 : protocol == PPP_IPV6 ? ETH_IPV6 : NOT_IP;
    }

    private static int u16(ByteBuffer b, int p) {
        return ((b.get(p) & 0xff) << 8) | (b.get(p + 1) & 0xff);
    }

    private static int u16le(ByteBuffer b, int p) {
        return (b.get(p) & 0xff) | ((b.get(p + 1) & 0xff) << 8);
    }

    private static long mac(ByteBuffer b, int p) {
        return ((long) u16(b, p) << 32) | (b.getInt(p + 2) & 0xffffffffL);
    }
}
