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

    /** First payload byte in {@link #buffer}. */
    public int payloadOffset;
    /** Payload bytes captured. */
    public int payloadLen;
    /** Payload bytes on the wire (more than captured when the snap length cut the frame). */
    public int payloadWireLen;

    /** Whether the TCP flags include all of {@code mask}. */
    public boolean has(int mask) {
        return (tcpFlags & mask) == mask;
    }
}
