package io.flowscope.platform.packet;

import java.nio.ByteBuffer;

/**
 * The decoded headers of one frame. One instance is reused for every frame (no object per packet):
 * fields are overwritten by each {@link PacketDecoder#decode}, and the payload is an index range into
 * {@link #buffer}, valid only until the next frame.
 *
 * <p>Addresses are held as two longs: an IPv4 address is {@code hi = 0, lo = address}; an IPv6 address
 * is its upper and lower 64 bits.
 */
public final class MetaPacket {

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    public ByteBuffer buffer;
    public long tsMicros;
    public int interfaceId;
    /** Bytes of the frame on the wire. */
    public int wireLen;

    public long srcMac;
    public long dstMac;
    public int ethType;
    public int vlan;

    public boolean ipv4;
    public long srcHi;
    public long srcLo;
    public long dstHi;
    public long dstLo;
    public int protocol;
    /** IP packet length from its header (header and payload). */
    public int l3Len;

    public int srcPort;
    public int dstPort;
    public int tcpFlags;
    public int seq;
    public int ack;
    public int window;
    /** A SYN's maximum segment size option, 0 when absent (options are read on SYNs only). */
    public int mss;
    /** A SYN's window scale option (shift count), -1 when absent (options are read on SYNs only). */
    public int windowScale;

    /** First payload byte in {@link #buffer}. */
    public int payloadOffset;
    /** Payload bytes captured. */
    public int payloadLen;
    /** Payload bytes on the wire (more than captured when the snap length cut the frame). */
    public int payloadWireLen;

    /** Tunnel levels taken off this frame: 0 for none, at most {@link Tunnels#MAX_TIER}. */
    public int tunnelTier;
    /** The outermost tunnel ({@link TunnelType}), as DeepFlow records it; the fields below are its. */
    public int tunnelType;
    /** Its id: VNI, GRE key or ERSPAN session (0 when the tunnel has none). */
    public long tunnelId;
    /** Whether its outer IP header is IPv4. */
    public boolean tunnelIpv4;
    public long tunnelSrcHi;
    public long tunnelSrcLo;
    public long tunnelDstHi;
    public long tunnelDstLo;
    /** The outer frame's MAC addresses (0 when it had no Ethernet header). */
    public long tunnelSrcMac;
    public long tunnelDstMac;
    /**
     * What keeps flows of different tunnels apart: the type and id of the first and of the second tunnel
     * level ({@code type << 32 | id}; 0 for none). Outer addresses are not part of it (see docs/data-model.md).
     */
    public long tunnelKey0;
    public long tunnelKey1;

    /** Forgets the previous frame's tunnel: {@link PacketDecoder} calls it for every frame. */
    void clearTunnel() {
        tunnelTier = 0;
        tunnelType = TunnelType.NONE;
        tunnelKey0 = 0;
        tunnelKey1 = 0;
    }

    /** Whether the TCP flags include all of {@code mask}. */
    public boolean has(int mask) {
        return (tcpFlags & mask) == mask;
    }
}
