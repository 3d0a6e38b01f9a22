package io.flowscope.platform.packet;

import java.nio.ByteBuffer;

/**
 * Decodes link, network and transport headers of one frame into a reused {@link MetaPacket}.
 * Link types: Ethernet (with 802.1Q / 802.1ad / QinQ tags, PPPoE sessions), Linux cooked v1 and v2, raw IP,
 * BSD loopback (NULL and LOOP), and those of {@link LinkLayers}: 802.11 (plain, radiotap, PPI), NFLOG, PPP.
 * Network: IPv4 (options), IPv6 (extension headers), fragments of either reassembled by {@link IpFragments}.
 * Transport: TCP (options skipped), UDP, ICMP and ICMPv6. Tunnels (VXLAN, Geneve, GRE, ERSPAN, IP in IP) are
 * taken off by {@link Tunnels}, and the packet they carry is decoded in their place.
 *
 * <p>Reads use absolute big-endian gets on the frame's buffer; nothing is allocated per frame.
 */
public final class PacketDecoder {

    /** Decoded: the MetaPacket is filled. */
    public static final int OK = 0;
    /** Not IP (ARP, LLDP …): nothing to do, not an error. */
    public static final int NOT_IP = 1;
    /** Malformed or unsupported: see {@link #error()}. */
    public static final int FAILED = 2;
    /** An IP fragment, held until its datagram is whole (or given up and counted by {@link #fragments()}): nothing yet. */
    public static final int FRAGMENT_HELD = 3;

    public static final int LINKTYPE_NULL = 0;
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int LINKTYPE_PPP = 9;
    public static final int LINKTYPE_PPP_HDLC = 50;
    public static final int LINKTYPE_PPP_ETHER = 51;
    public static final int LINKTYPE_RAW = 101;
    public static final int LINKTYPE_IEEE802_11 = 105;
    public static final int LINKTYPE_LOOP = 108;
    public static final int LINKTYPE_LINUX_SLL = 113;
    public static final int LINKTYPE_IEEE802_11_RADIOTAP = 127;
    public static final int LINKTYPE_PPI = 192;
    public static final int LINKTYPE_PPP_WITH_DIR = 204;
    public static final int LINKTYPE_IPV4 = 228;
    public static final int LINKTYPE_IPV6 = 229;
    public static final int LINKTYPE_NFLOG = 239;
    public static final int LINKTYPE_LINUX_SLL2 = 276;

    private static final int ETH_IPV4 = 0x0800;
    private static final int ETH_IPV6 = 0x86dd;

    private final LinkLayers links = new LinkLayers();
    private final IpFragments fragments;
    private final Tunnels tunnels = new Tunnels();
    private DecodeError error;
    private boolean cut;

    /** A decoder with the default fragment budget and timeout. */
    public PacketDecoder() {
        this(IpFragments.defaults());
    }

    /** A decoder that reassembles IP fragments in {@code fragments} (one per pipeline). */
    public PacketDecoder(IpFragments fragments) {
        this.fragments = fragments;
    }

    /** The fragments held for reassembly, with their budget and counts. */
    public IpFragments fragments() {
        return fragments;
    }

    /** Why the last frame FAILED. */
    public DecodeError error() {
        return error;
    }

    /** The latest timestamp used (µs): the end of 64-bit nanosecond time, 2262-04-11, as other tools use it. */
    public static final long LATEST_MICROS = Long.MAX_VALUE / 1000;

    /** Whether the last OK frame had its payload cut by the snap length. */
    public boolean cut() {
        return cut;
    }

    /** Decodes one frame into {@code m}; returns {@link #OK}, {@link #NOT_IP} or {@link #FAILED}. */
    public int decode(ByteBuffer b, int off, int capLen, int wireLen, long ts, int linkType, int ifId, MetaPacket m) {
        cut = false;
        if (ts < 0 || ts > LATEST_MICROS) {
            return fail(DecodeError.BAD_TIMESTAMP);
        }
        m.buffer = b;
        m.tsMicros = ts;
        m.interfaceId = ifId;
        m.wireLen = wireLen;
        m.srcMac = 0;
        m.dstMac = 0;
        m.vlan = 0;
        m.clearTunnel();
        int end = off + capLen;
        int p;
        int ethType;
        if (linkType == LINKTYPE_PPI) { // a header that names the link type of the frame after it
            linkType = links.ppi(b, off, end);
            if (linkType == LinkLayers.FAILED) {
                return fail(links.error());
            }
            capLen -= links.next() - off;
            off = links.next();
        }
        switch (linkType) {
            case LINKTYPE_ETHERNET -> {
                if (capLen < 14) {
                    return fail(DecodeError.TRUNCATED_LINK_HEADER);
                }
                m.dstMac = mac(b, off);
                m.srcMac = mac(b, off + 6);
                ethType = u16(b, off + 12);
                p = off + 14;
                while (ethType == 0x8100 || ethType == 0x88a8 || ethType == 0x9100) {
                    if (p + 4 > end) {
                        return fail(DecodeError.TRUNCATED_LINK_HEADER);
                    }
                    if (m.vlan == 0) {
                        m.vlan = u16(b, p) & 0x0fff;
                    }
                    ethType = u16(b, p + 2);
                    p += 4;
                }
            }
            case LINKTYPE_LINUX_SLL -> {
                if (capLen < 16) {
                    return fail(DecodeError.TRUNCATED_LINK_HEADER);
                }
                ethType = u16(b, off + 14);
                p = off + 16;
            }
            case LINKTYPE_LINUX_SLL2 -> {
                if (capLen < 20) {
                    return fail(DecodeError.TRUNCATED_LINK_HEADER);
                }
                ethType = u16(b, off);
                p = off + 20;
            }
            case LINKTYPE_RAW, 12, 14 -> {
                if (capLen < 1) {
                    return fail(DecodeError.TRUNCATED_IP_HEADER);
                }
                ethType = ipVersion(b, off);
                p = off;
            }
            case LINKTYPE_IPV4 -> {
                ethType = ETH_IPV4;
                p = off;
            }
            case LINKTYPE_IPV6 -> {
                ethType = ETH_IPV6;
                p = off;
            }
            case LINKTYPE_NULL, LINKTYPE_LOOP -> {
                if (capLen < 4) {
                    return fail(DecodeError.TRUNCATED_LINK_HEADER);
                }
                // the address family is in the capturing host's byte order (NULL) or network order (LOOP)
                int be = b.getInt(off);
                int family = linkType == LINKTYPE_LOOP ? be : (be & 0xffff0000) != 0 ? Integer.reverseBytes(be) : be;
                ethType = family == 2 ? ETH_IPV4 : (family == 10 || family == 24 || family == 28 || family == 30) ? ETH_IPV6 : -1;
                p = off + 4;
            }
            default -> { // 802.11, NFLOG, PPP …: in a class of their own, so that this method stays small
                ethType = links.decode(linkType, b, off, end, m);
                p = links.next();
            }
        }
        m.ethType = ethType;
        if (ethType == ETH_IPV4) {
            return ipv4(b, p, end, m);
        }
        if (ethType == ETH_IPV6) {
            return ipv6(b, p, end, m);
        }
        return notPlainIp(b, p, end, ethType, m);
    }

    /** A PPPoE session (in Ethernet, behind any VLAN tags; discovery is not IP), a link header that failed, or no IP. */
    private int notPlainIp(ByteBuffer b, int p, int end, int ethType, MetaPacket m) {
        if (ethType == LinkLayers.ETH_PPPOE_SESSION) {
            ethType = links.pppoe(b, p, end);
            p = links.next();
            m.ethType = ethType;
            if (ethType == ETH_IPV4) {
                return ipv4(b, p, end, m);
            }
            if (ethType == ETH_IPV6) {
                return ipv6(b, p, end, m);
            }
        }
        return ethType == LinkLayers.FAILED ? fail(links.error()) : NOT_IP;
    }

    private int ipv4(ByteBuffer b, int p, int end, MetaPacket m) {
        if (p + 20 > end) {
            return fail(DecodeError.TRUNCATED_IP_HEADER);
        }
        int vihl = b.get(p) & 0xff;
        int ihl = (vihl & 0x0f) * 4;
        int total = u16(b, p + 2);
        if (vihl >> 4 != 4 || ihl < 20 || total < ihl) {
            return fail(DecodeError.BAD_IP_HEADER);
        }
        if (p + ihl > end) {
            return fail(DecodeError.TRUNCATED_IP_HEADER);
        }
        m.ipv4 = true;
        m.srcHi = 0;
        m.dstHi = 0;
        m.srcLo = b.getInt(p + 12) & 0xffffffffL;
        m.dstLo = b.getInt(p + 16) & 0xffffffffL;
        m.protocol = b.get(p + 9) & 0xff;
        m.l3Len = total;
        int frag = u16(b, p + 6);
        if ((frag & 0x3fff) != 0) { // more fragments, or an offset
            return ipv4Fragment(b, p, ihl, total, end, frag, m);
        }
        return transport(b, p + ihl, end, p + total, m);
    }

    /** One IPv4 fragment (header at {@code p}); once its datagram is whole, its transport header is read. */
    private int ipv4Fragment(ByteBuffer b, int p, int ihl, int total, int end, int frag, MetaPacket m) {
        if (p + total > end) {
            return fail(DecodeError.FRAGMENT_CUT);
        }
        int n = fragments.add(m, u16(b, p + 4), b, p + ihl, total - ihl, (frag & 0x1fff) * 8, (frag & 0x2000) != 0,
                IpFragments.MAX_DATAGRAM - ihl, ihl);
        if (n < 0) {
            return n == IpFragments.FAILED ? fail(fragments.error()) : FRAGMENT_HELD;
        }
        m.buffer = fragments.buffer();
        m.wireLen = fragments.wireBytes();
        m.l3Len = fragments.headerBytes() + n;
        return transport(m.buffer, 0, n, n, m);
    }

    private int ipv6(ByteBuffer b, int p, int end, MetaPacket m) {
        if (p + 40 > end) {
            return fail(DecodeError.TRUNCATED_IP_HEADER);
        }
        if ((b.get(p) & 0xf0) != 0x60) {
            return fail(DecodeError.BAD_IP_HEADER);
        }
        int payloadLen = u16(b, p + 4);
        m.ipv4 = false;
        m.srcHi = b.getLong(p + 8);
        m.srcLo = b.getLong(p + 16);
        m.dstHi = b.getLong(p + 24);
        m.dstLo = b.getLong(p + 32);
        m.l3Len = 40 + payloadLen;
        return ipv6Headers(b, p, b.get(p + 6) & 0xff, p + 40, end, p + 40 + payloadLen, m);
    }

    /** The extension headers from {@code q} ({@code next} names the first) to the transport header; {@code p}: the IPv6 header, or -1. */
    private int ipv6Headers(ByteBuffer b, int p, int next, int q, int end, int ipEnd, MetaPacket m) {
        while (true) {
            switch (next) {
                case 0, 43, 60 -> { // hop-by-hop, routing, destination options
                    if (q + 8 > end) {
                        return fail(DecodeError.TRUNCATED_IP_HEADER);
                    }
                    int hlen = ((b.get(q + 1) & 0xff) + 1) * 8;
                    next = b.get(q) & 0xff;
                    q += hlen;
                }
                case 51 -> { // authentication header
                    if (q + 8 > end) {
                        return fail(DecodeError.TRUNCATED_IP_HEADER);
                    }
                    int hlen = ((b.get(q + 1) & 0xff) + 2) * 4;
                    next = b.get(q) & 0xff;
                    q += hlen;
                }
                case 44 -> { // fragment
                    if (q + 8 > end) {
                        return fail(DecodeError.TRUNCATED_IP_HEADER);
                    }
                    int offFlags = u16(b, q + 2);
                    next = b.get(q) & 0xff;
                    if ((offFlags & 0xfff9) != 0) { // not an atomic fragment (offset 0, no more): reassemble
                        return ipv6Fragment(b, p, next, q, end, ipEnd, offFlags, m);
                    }
                    q += 8;
                }
                default -> {
                    if (q > end) {
                        return fail(DecodeError.TRUNCATED_IP_HEADER);
                    }
                    m.protocol = next;
                    return transport(b, q, end, ipEnd, m);
                }
            }
        }
    }

    /**
     * One fragment (header at {@code q}); once its datagram is whole, its headers after the fragment header are
     * read. {@code p}: the IPv6 header, -1 in a reassembled datagram (which cannot hold a second fragment header).
     */
    private int ipv6Fragment(ByteBuffer b, int p, int next, int q, int end, int ipEnd, int offFlags, MetaPacket m) {
        if (p < 0) {
            return fail(DecodeError.BAD_FRAGMENT);
        }
        if (ipEnd > end) {
            return fail(DecodeError.FRAGMENT_CUT);
        }
        if (q + 8 > ipEnd) {
            return fail(DecodeError.BAD_IP_HEADER);
        }
        m.protocol = next;
        int unfragmentable = q - p - 40;
        int n = fragments.add(m, b.getInt(q + 4) & 0xffffffffL, b, q + 8, ipEnd - q - 8, offFlags & 0xfff8, (offFlags & 1) != 0,
                IpFragments.MAX_DATAGRAM - unfragmentable, q - p);
        if (n < 0) {
            return n == IpFragments.FAILED ? fail(fragments.error()) : FRAGMENT_HELD;
        }
        m.buffer = fragments.buffer();
        m.wireLen = fragments.wireBytes();
        m.l3Len = fragments.headerBytes() + n;
        return ipv6Headers(m.buffer, -1, next, 0, n, n, m);
    }

    /** {@code p}: transport header; {@code end}: end of captured bytes; {@code ipEnd}: end of the IP packet on the wire. */
    private int transport(ByteBuffer b, int p, int end, int ipEnd, MetaPacket m) {
        int capEnd = Math.min(end, ipEnd);
        if (Tunnels.mayCarry(m.protocol)) {
            int inner = tunnels.decapsulate(b, p, capEnd, m);
            if (inner != Tunnels.NONE) {
                return tunnelled(inner, b, capEnd, m);
            }
        }
        m.srcPort = 0;
        m.dstPort = 0;
        m.tcpFlags = 0;
        m.seq = 0;
        m.ack = 0;
        m.window = 0;
        m.mss = 0;
        m.windowScale = -1;
        int payload;
        switch (m.protocol) {
            case 6 -> {
                if (p + 20 > capEnd) {
                    return fail(DecodeError.TRUNCATED_TRANSPORT_HEADER);
                }
                int doff = ((b.get(p + 12) & 0xf0) >> 4) * 4;
                if (doff < 20 || p + doff > ipEnd) {
                    return fail(DecodeError.BAD_TCP_HEADER);
                }
                if (p + doff > capEnd) {
                    return fail(DecodeError.TRUNCATED_TRANSPORT_HEADER);
                }
                m.srcPort = u16(b, p);
                m.dstPort = u16(b, p + 2);
                m.seq = b.getInt(p + 4);
                m.ack = b.getInt(p + 8);
                m.tcpFlags = u16(b, p + 12) & 0x01ff;
                m.window = u16(b, p + 14);
                if ((m.tcpFlags & MetaPacket.SYN) != 0 && doff > 20) {
                    // only a SYN negotiates MSS and window scale: other segments' options are not read
                    synOptions(b, p + 20, p + doff, m);
                }
                payload = p + doff;
            }
            case 17 -> {
                if (p + 8 > capEnd) {
                    return fail(DecodeError.TRUNCATED_TRANSPORT_HEADER);
                }
                m.srcPort = u16(b, p);
                m.dstPort = u16(b, p + 2);
                payload = p + 8;
            }
            case 1, 58 -> {
                if (p + 4 > capEnd) {
                    return fail(DecodeError.TRUNCATED_TRANSPORT_HEADER);
                }
                payload = p + 4;
            }
            default -> payload = p;
        }
        m.payloadOffset = payload;
        m.payloadLen = Math.max(0, capEnd - payload);
        m.payloadWireLen = Math.max(0, ipEnd - payload);
        cut = m.payloadLen < m.payloadWireLen;
        error = null;
        return OK;
    }

    /**
     * MSS (kind 2) and window scale (kind 3) among a SYN's options; a malformed option list ends the walk, keeping
     * what was read before it (the segment itself is still good).
     */
    private static void synOptions(ByteBuffer b, int p, int end, MetaPacket m) {
        while (p < end) {
            int kind = b.get(p) & 0xff;
            if (kind == 0) {
                return; // end of option list
            }
            if (kind == 1) {
                p++; // no-operation
                continue;
            }
            if (p + 1 >= end) {
                return;
            }
            int len = b.get(p + 1) & 0xff;
            if (len < 2 || p + len > end) {
                return;
            }
            if (kind == 2 && len == 4) {
                m.mss = u16(b, p + 2);
            } else if (kind == 3 && len == 3) {
                m.windowScale = b.get(p + 2) & 0xff;
            }
            p += len;
        }
    }

    /** The packet a tunnel carried, decoded in place of the outer one: its headers are what the flow sees. */
    private int tunnelled(int inner, ByteBuffer b, int end, MetaPacket m) {
        int p = tunnels.innerOffset();
        return switch (inner) {
            case Tunnels.INNER_IPV4 -> ipv4(b, p, end, m);
            case Tunnels.INNER_IPV6 -> ipv6(b, p, end, m);
            case Tunnels.INNER_NOT_IP -> NOT_IP;
            default -> fail(tunnels.error());
        };
    }

    private int fail(DecodeError e) {
        error = e;
        return FAILED;
    }

    private static int ipVersion(ByteBuffer b, int p) {
        int v = (b.get(p) & 0xf0) >> 4;
        return v == 4 ? ETH_IPV4 : v == 6 ? ETH_IPV6 : -1;
    }

    private static int u16(ByteBuffer b, int p) {
        return ((b.get(p) & 0xff) << 8) | (b.get(p + 1) & 0xff);
    }

    private static long mac(ByteBuffer b, int p) {
        return ((long) u16(b, p) << 32) | (b.getInt(p + 2) & 0xffffffffL);
    }
}
