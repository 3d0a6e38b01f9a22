package io.flowscope.platform.packet;

import java.nio.ByteBuffer;

/**
 * Takes tunnel headers off a packet so that the flow sees the packet the tunnel carries: VXLAN (UDP 4789 and
 * 8472), Geneve (UDP 6081, options skipped), GRE (checksum, key and sequence fields; IPv4, IPv6, transparent
 * Ethernet bridging, ERSPAN types I, II and III), IP in IP (protocol 4) and IPv6 in IPv4 or IPv6 (protocol 41).
 * Up to {@link #MAX_TIER} levels are taken off, as DeepFlow does; a tunnel deeper than that stays the payload of
 * the second level's inner packet.
 *
 * <p>The outermost tunnel is recorded on the {@link MetaPacket} (type, id, outer addresses and MACs), as DeepFlow
 * records it; every level's type and id go into the flow key. Called by {@link PacketDecoder} with the transport
 * header of each IP packet it decodes; it reads absolute positions and allocates nothing.
 */
final class Tunnels {

    /** Tunnel levels taken off at most (DeepFlow's TUNNEL_TIER_LIMIT). */
    static final int MAX_TIER = 2;

    /** Not a tunnel (or one Flowscope leaves as it is): decode the packet as it stands. */
    static final int NONE = 0;
    /** An IPv4 packet starts at {@link #innerOffset()}. */
    static final int INNER_IPV4 = 1;
    /** An IPv6 packet starts at {@link #innerOffset()}. */
    static final int INNER_IPV6 = 2;
    /** The tunnel carries something else than IP (ARP in VXLAN …): neither a flow nor an error. */
    static final int INNER_NOT_IP = 3;
    /** The tunnel header is truncated or malformed: see {@link #error()}. */
    static final int FAILED = 4;

    static final int VXLAN_PORT = 4789;
    /** The port Linux's vxlan driver uses unless told otherwise (it predates the IANA assignment). */
    static final int VXLAN_LINUX_PORT = 8472;
    static final int GENEVE_PORT = 6081;

    private static final int ETH_IPV4 = 0x0800;
    private static final int ETH_IPV6 = 0x86dd;
    private static final int ETH_TEB = 0x6558;
    private static final int ETH_ERSPAN_1_2 = 0x88be;
    private static final int ETH_ERSPAN_3 = 0x22eb;

    private static final int GRE_CHECKSUM = 0x8000;
    private static final int GRE_KEY = 0x2000;
    private static final int GRE_SEQUENCE = 0x1000;
    /** Routing present, strict source route and the top recursion bit: RFC 2784 says discard unless RFC 1701 is implemented. */
    private static final int GRE_MUST_BE_ZERO = 0x4c00;
    private static final int GRE_VERSION = 0x0007;

    private int innerOffset;
    private DecodeError error;

    /** Where the inner packet starts, after a result other than {@link #NONE} and {@link #FAILED}. */
    int innerOffset() {
        return innerOffset;
    }

    /** Why the last call FAILED. */
    DecodeError error() {
        return error;
    }

    /** Whether an IP packet of this protocol can be a tunnel's (UDP, GRE, IP in IP): a cheap test for every packet. */
    static boolean mayCarry(int protocol) {
        return protocol == 17 || protocol == 47 || protocol == 4 || protocol == 41;
    }

    /**
     * Looks at the transport header of an IP packet that {@code m} holds the headers of.
     *
     * @param p   the transport header (the byte after the IP header and its extensions)
     * @param end the end of what can be read: captured bytes, and no further than the IP packet
     * @return {@link #NONE}, {@link #INNER_IPV4}, {@link #INNER_IPV6}, {@link #INNER_NOT_IP} or {@link #FAILED}
     */
    int decapsulate(ByteBuffer b, int p, int end, MetaPacket m) {
        if (m.tunnelTier >= MAX_TIER) {
            return NONE;
        }
        return switch (m.protocol) {
            case 17 -> udp(b, p, end, m);
            case 47 -> gre(b, p, end, m);
            case 4 -> ipInIp(p, ETH_IPV4, m);
            case 41 -> ipInIp(p, ETH_IPV6, m);
            default -> NONE;
        };
    }

    private int udp(ByteBuffer b, int p, int end, MetaPacket m) {
        if (p + 8 > end) {
            return NONE; // the transport decoder names the truncated UDP header
        }
        int port = u16(b, p + 2);
        if (port == VXLAN_PORT || port == VXLAN_LINUX_PORT) {
            return vxlan(b, p + 8, end, m);
        }
        if (port == GENEVE_PORT) {
            return geneve(b, p + 8, end, m);
        }
        return NONE;
    }

    /** RFC 7348: flags (I = a VNI is present), 3 reserved bytes, the 24-bit VNI, a reserved byte; Ethernet follows. */
    private int vxlan(ByteBuffer b, int q, int end, MetaPacket m) {
        if (q + 8 > end) {
            return fail(DecodeError.TRUNCATED_TUNNEL_HEADER);
        }
        if ((b.get(q) & 0x08) == 0) {
            return fail(DecodeError.BAD_TUNNEL_HEADER);
        }
        enter(TunnelType.VXLAN, (b.getInt(q + 4) >>> 8) & 0xffffffL, m);
        return ethernet(b, q + 8, end, m);
    }

    /** RFC 8926: version and option length (4-byte words), flags, protocol type, the 24-bit VNI; then options. */
    private int geneve(ByteBuffer b, int q, int end, MetaPacket m) {
        if (q + 8 > end) {
            return fail(DecodeError.TRUNCATED_TUNNEL_HEADER);
        }
        int first = b.get(q) & 0xff;
        if (first >> 6 != 0) {
            return fail(DecodeError.BAD_TUNNEL_HEADER);
        }
        int headerLen = 8 + (first & 0x3f) * 4;
        if (q + headerLen > end) {
            return fail(DecodeError.TRUNCATED_TUNNEL_HEADER);
        }
        int type = u16(b, q + 2);
        enter(TunnelType.GENEVE, (b.getInt(q + 4) >>> 8) & 0xffffffL, m);
        return type == ETH_TEB ? ethernet(b, q + headerLen, end, m) : carried(type, q + headerLen, m);
    }

    /**
     * RFC 2784 / 2890: flags and version, protocol type, then checksum (and reserved), key and sequence number
     * when their flags say so. Version 1 (PPTP's enhanced GRE) and payloads other than IP, Ethernet and ERSPAN
     * are left as they are: a protocol 47 flow between the tunnel's ends.
     */
    private int gre(ByteBuffer b, int p, int end, MetaPacket m) {
        if (p + 4 > end) {
            return fail(DecodeError.TRUNCATED_TUNNEL_HEADER);
        }
        int flags = u16(b, p);
        if ((flags & GRE_VERSION) != 0) {
            return NONE;
        }
        if ((flags & GRE_MUST_BE_ZERO) != 0) {
            return fail(DecodeError.BAD_TUNNEL_HEADER);
        }
        int type = u16(b, p + 2);
        if (type != ETH_IPV4 && type != ETH_IPV6 && type != ETH_TEB && type != ETH_ERSPAN_1_2 && type != ETH_ERSPAN_3) {
            return NONE;
        }
        int keyAt = p + 4 + ((flags & GRE_CHECKSUM) != 0 ? 4 : 0);
        boolean sequence = (flags & GRE_SEQUENCE) != 0;
        int q = keyAt + ((flags & GRE_KEY) != 0 ? 4 : 0) + (sequence ? 4 : 0);
        if (q > end) {
            return fail(DecodeError.TRUNCATED_TUNNEL_HEADER);
        }
        long key = (flags & GRE_KEY) != 0 ? b.getInt(keyAt) & 0xffffffffL : 0;
        return switch (type) {
            case ETH_TEB -> {
                enter(TunnelType.TEB, key, m);
                yield ethernet(b, q, end, m);
            }
            case ETH_ERSPAN_1_2 -> sequence ? erspan2(b, q, end, m) : erspan1(b, q, end, m);
            case ETH_ERSPAN_3 -> erspan3(b, q, end, m);
            default -> {
                enter(TunnelType.GRE, key, m);
                yield carried(type, q, m);
            }
        };
    }

    /** ERSPAN type I: GRE without a sequence number, and no ERSPAN header; the mirrored frame follows at once. */
    private int erspan1(ByteBuffer b, int q, int end, MetaPacket m) {
        enter(TunnelType.ERSPAN, 0, m);
        return ethernet(b, q, end, m);
    }

    /** ERSPAN type II: 8 bytes: version 1 and VLAN, COS, encapsulation, truncated flag, 10-bit session id; index. */
    private int erspan2(ByteBuffer b, int q, int end, MetaPacket m) {
        if (q + 8 > end) {
            return fail(DecodeError.TRUNCATED_TUNNEL_HEADER);
        }
        if ((b.get(q) & 0xf0) != 0x10) {
            return fail(DecodeError.BAD_TUNNEL_HEADER);
        }
        enter(TunnelType.ERSPAN, u16(b, q + 2) & 0x3ff, m);
        return ethernet(b, q + 8, end, m);
    }

    /**
     * ERSPAN type III: 12 bytes (version 2, VLAN, COS, BSO, T, session id; timestamp; SGT, P, FT, hardware id,
     * D, granularity, O), then an 8-byte platform-specific subheader when O is set. The frame type FT says what
     * was mirrored: 0 an Ethernet frame, 2 an IP packet (anything else is not IP to us).
     */
    private int erspan3(ByteBuffer b, int q, int end, MetaPacket m) {
        if (q + 12 > end) {
            return fail(DecodeError.TRUNCATED_TUNNEL_HEADER);
        }
        if ((b.get(q) & 0xf0) != 0x20) {
            return fail(DecodeError.BAD_TUNNEL_HEADER);
        }
        int headerLen = (b.get(q + 11) & 0x01) != 0 ? 20 : 12;
        if (q + headerLen > end) {
            return fail(DecodeError.TRUNCATED_TUNNEL_HEADER);
        }
        enter(TunnelType.ERSPAN, u16(b, q + 2) & 0x3ff, m);
        int frameType = (b.get(q + 10) >> 2) & 0x1f;
        if (frameType == 2) { // an IP packet without its Ethernet header
            int inner = q + headerLen;
            if (inner >= end) {
                return fail(DecodeError.TRUNCATED_TUNNEL_HEADER);
            }
            int version = (b.get(inner) & 0xf0) >> 4;
            return carried(version == 4 ? ETH_IPV4 : version == 6 ? ETH_IPV6 : -1, inner, m);
        }
        return frameType == 0 ? ethernet(b, q + headerLen, end, m) : carried(-1, q + headerLen, m);
    }

    /** The inner IP header starts where the outer one's payload does. */
    private int ipInIp(int p, int innerType, MetaPacket m) {
        enter(TunnelType.IPIP, 0, m);
        return carried(innerType, p, m);
    }

    /** A carried Ethernet frame: its MACs become the packet's (the flow's), its VLAN tags are skipped. */
    private int ethernet(ByteBuffer b, int q, int end, MetaPacket m) {
        if (q + 14 > end) {
            return fail(DecodeError.TRUNCATED_TUNNEL_HEADER);
        }
        m.dstMac = mac(b, q);
        m.srcMac = mac(b, q + 6);
        int type = u16(b, q + 12);
        q += 14;
        while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
            if (q + 4 > end) {
                return fail(DecodeError.TRUNCATED_TUNNEL_HEADER);
            }
            if (m.vlan == 0) {
                m.vlan = u16(b, q) & 0x0fff;
            }
            type = u16(b, q + 2);
            q += 4;
        }
        return carried(type, q, m);
    }

    /** What the tunnel carries at {@code q}, by its EtherType. */
    private int carried(int etherType, int q, MetaPacket m) {
        innerOffset = q;
        m.ethType = etherType;
        return etherType == ETH_IPV4 ? INNER_IPV4 : etherType == ETH_IPV6 ? INNER_IPV6 : INNER_NOT_IP;
    }

    /** One more level taken off; the first is recorded on the packet with the outer headers it had. */
    private static void enter(int type, long id, MetaPacket m) {
        long key = (long) type << 32 | id;
        if (m.tunnelTier == 0) {
            m.tunnelType = type;
            m.tunnelId = id;
            m.tunnelIpv4 = m.ipv4;
            m.tunnelSrcHi = m.srcHi;
            m.tunnelSrcLo = m.srcLo;
            m.tunnelDstHi = m.dstHi;
            m.tunnelDstLo = m.dstLo;
            m.tunnelSrcMac = m.srcMac;
            m.tunnelDstMac = m.dstMac;
            m.tunnelKey0 = key;
        } else {
            m.tunnelKey1 = key;
        }
        m.tunnelTier++;
    }

    private int fail(DecodeError e) {
        error = e;
        return FAILED;
    }

    private static int u16(ByteBuffer b, int p) {
        return ((b.get(p) & 0xff) << 8) | (b.get(p + 1) & 0xff);
    }

    private static long mac(ByteBuffer b, int p) {
        return ((long) u16(b, p) << 32) | (b.getInt(p + 2) & 0xffffffffL);
    }
}
