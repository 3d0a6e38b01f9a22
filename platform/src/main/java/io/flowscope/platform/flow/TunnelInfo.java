package io.flowscope.platform.flow;

import io.flowscope.platform.packet.MetaPacket;

/**
 * The tunnel a flow's packets came through, as DeepFlow records it (its TunnelField): the levels taken off, the
 * outermost tunnel's type, and for each direction the outermost tunnel's id and outer addresses and MACs as the
 * last packet that way had them. {@code tx} is what the client's packets came through, {@code rx} what the
 * server's came through; either is null until a packet went that way. Immutable: a flow's packets replace it
 * only when something changed, so a report hands it to the writer thread as it is.
 *
 * @param ipv4 whether the outer addresses are IPv4
 */
public record TunnelInfo(int tier, int type, boolean ipv4, Side tx, Side rx) {

    /**
     * One direction's outer headers: the tunnel id (VNI, GRE key, ERSPAN session), the outer source and
     * destination addresses ({@code ip0}, {@code ip1}; IPv4 in the low 32 bits of {@code lo}) and MACs.
     */
    public record Side(long id, long ip0Hi, long ip0Lo, long ip1Hi, long ip1Lo, long mac0, long mac1) {

        static Side of(MetaPacket m) {
            return new Side(m.tunnelId, m.tunnelSrcHi, m.tunnelSrcLo, m.tunnelDstHi, m.tunnelDstLo, m.tunnelSrcMac, m.tunnelDstMac);
        }

        boolean is(MetaPacket m) {
            return id == m.tunnelId && ip0Lo == m.tunnelSrcLo && ip1Lo == m.tunnelDstLo && ip0Hi == m.tunnelSrcHi
                    && ip1Hi == m.tunnelDstHi && mac0 == m.tunnelSrcMac && mac1 == m.tunnelDstMac;
        }
    }

    /** One direction of the tunnel: {@code tx} for side 0 (the client's packets), {@code rx} for side 1. */
    public Side side(int side) {
        return side == 0 ? tx : rx;
    }

    /**
     * What the flow knows after a tunnelled packet of {@code side}: {@code current} itself when the packet
     * changed nothing (no allocation for a flow's packets after the first each way).
     */
    static TunnelInfo seen(TunnelInfo current, MetaPacket m, int side) {
        Side was = current == null ? null : current.side(side);
        if (was != null && was.is(m) && current.tier == m.tunnelTier && current.type == m.tunnelType
                && current.ipv4 == m.tunnelIpv4) {
            return current;
        }
        Side now = was != null && was.is(m) ? was : Side.of(m);
        Side tx = side == 0 ? now : current == null ? null : current.tx;
        Side rx = side == 1 ? now : current == null ? null : current.rx;
        return new TunnelInfo(m.tunnelTier, m.tunnelType, m.tunnelIpv4, tx, rx);
    }
}
