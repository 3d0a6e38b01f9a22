package io.flowscope.platform.packet;

/** Why a frame could not be decoded (or was only partly usable); the names are the keys in summaries. */
public enum DecodeError {
    /** The frame's link type is not one Flowscope decodes. */
    UNSUPPORTED_LINK_TYPE,
    /** The frame ends inside its link-layer header (Ethernet, VLAN, cooked). */
    TRUNCATED_LINK_HEADER,
    /** The frame ends inside the IPv4 or IPv6 header, or its extension headers. */
    TRUNCATED_IP_HEADER,
    /** The IP header is inconsistent (version, header length, total length). */
    BAD_IP_HEADER,
    /** An IP fragment: counted, not reassembled, its transport header not read. */
    IP_FRAGMENT,
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
