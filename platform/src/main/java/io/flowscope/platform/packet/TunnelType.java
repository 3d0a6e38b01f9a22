package io.flowscope.platform.packet;

/**
 * The {@code tunnel_type} values, DeepFlow's (its agent's {@code TunnelType}): 0 none, 1 VXLAN, 2 IPIP, 3 GRE,
 * 4 Geneve, 6 ERSPAN, 7 TEB. DeepFlow's 5 (VXLAN-NSH) is not decapsulated by Flowscope.
 */
public final class TunnelType {

    private TunnelType() {
    }

    public static final int NONE = 0;
    /** VXLAN on UDP 4789 or 8472 (the Linux default); the id is the VNI. */
    public static final int VXLAN = 1;
    /** IP in IP of either version (IPv4 protocol 4, 6in4 and IPv6-in-IPv6 protocol 41); no id. */
    public static final int IPIP = 2;
    /** GRE carrying IPv4 or IPv6; the id is the GRE key (0 without one). */
    public static final int GRE = 3;
    /** Geneve on UDP 6081; the id is the VNI. */
    public static final int GENEVE = 4;
    /** ERSPAN type I, II or III in GRE; the id is the session id (0 for type I, which has none). */
    public static final int ERSPAN = 6;
    /** GRE transparent Ethernet bridging (0x6558); the id is the GRE key. */
    public static final int TEB = 7;
}
