package io.flowscope.platform.packet;

/** Why a frame could not be decoded (or was only partly usable); the names are the keys in summaries. */
public enum DecodeError {
    /** The frame's link type is not one Flowscope decodes. */
    UNSUPPORTED_LINK_TYPE,
    /** The frame ends inside its link-layer header (Ethernet, VLAN, cooked, radiotap, 802.11, PPI, NFLOG, PPP, PPPoE). */
    TRUNCATED_LINK_HEADER,
    /** A link-layer header is inconsistent: a radiotap, PPI or 802.11 version that is not 0, an impossible length, a bad NFLOG TLV or PPPoE header. */
    BAD_LINK_HEADER,
    /** An encrypted (protected) 802.11 data frame: without the keys its contents cannot be read. */
    WLAN_PROTECTED,
    /** An 802.11 data frame Flowscope does not take apart: an A-MSDU aggregate or an 802.11-level fragment. */
    UNSUPPORTED_WLAN_FRAME,
    /** The frame ends inside the IPv4 or IPv6 header, or its extension headers. */
    TRUNCATED_IP_HEADER,
    /** The IP header is inconsistent (version, header length, total length). */
    BAD_IP_HEADER,
    /** An IP fragment that cannot be part of a datagram (see IpFragments): dropped, the datagram's other fragments wait. */
    BAD_FRAGMENT,
    /** An IP fragment cut by the snap length: its datagram can never be whole, so it is not held. */
    FRAGMENT_CUT,
    /** An IP datagram whose fragments reach past 65,535 bytes: refused, with what was held of it. */
    FRAGMENT_TOO_LARGE,
    /** The frame ends inside the TCP, UDP or ICMP header. */
    TRUNCATED_TRANSPORT_HEADER,
    /** The TCP header length is impossible. */
    BAD_TCP_HEADER,
    /** The packet ends inside a tunnel header (VXLAN, Geneve, GRE, ERSPAN) or the Ethernet header it carries. */
    TRUNCATED_TUNNEL_HEADER,
    /** A tunnel header breaks its protocol's rules (VXLAN without a VNI, Geneve or ERSPAN version, GRE reserved bits). */
    BAD_TUNNEL_HEADER,
    /** The payload was cut by the snap length: headers are used, the missing payload is a gap. */
    SNAPLEN_CUT,
    /** The capture's timestamp is before 1970 or after 2262 (or its offset overflows): the frame is not used. */
    BAD_TIMESTAMP;

    /** Lower-case key used in summaries and metrics. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
