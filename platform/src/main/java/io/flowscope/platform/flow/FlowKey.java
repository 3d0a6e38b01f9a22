package io.flowscope.platform.flow;

import io.flowscope.platform.packet.MetaPacket;

/**
 * The 5-tuple of a flow, the same for both directions: the endpoint that sorts lower is stored first. A
 * tunnelled packet's flow is keyed by its inner 5-tuple and by the type and id of each tunnel level it came
 * through ({@link MetaPacket#tunnelKey0}, {@link MetaPacket#tunnelKey1}), so the same inner conversation in two
 * VNIs is two flows, and never one with an untunnelled flow of the same 5-tuple.
 * The flow table probes with one mutable instance and stores a copy only when a flow is created, so
 * looking up an existing flow allocates nothing.
 */
final class FlowKey {
    long aHi;
    long aLo;
    long bHi;
    long bLo;
    int aPort;
    int bPort;
    int protocol;
    int interfaceId;
    long tunnel0;
    long tunnel1;
    private int hash;

    /** Sets this key from a packet. */
    void set(MetaPacket m) {
        int c = Long.compare(m.srcHi, m.dstHi);
        if (c == 0) {
            c = Long.compare(m.srcLo, m.dstLo);
        }
        if (c == 0) {
            c = Integer.compare(m.srcPort, m.dstPort);
        }
        boolean srcIsA = c <= 0;
        if (srcIsA) {
            aHi = m.srcHi; aLo = m.srcLo; aPort = m.srcPort;
            bHi = m.dstHi; bLo = m.dstLo; bPort = m.dstPort;
        } else {
            aHi = m.dstHi; aLo = m.dstLo; aPort = m.dstPort;
            bHi = m.srcHi; bLo = m.srcLo; bPort = m.srcPort;
        }
        protocol = m.protocol;
        interfaceId = m.interfaceId;
        tunnel0 = m.tunnelKey0;
        tunnel1 = m.tunnelKey1;
        long h = aHi * 31 + aLo;
        h = h * 0x9E3779B97F4A7C15L + bHi * 17 + bLo;
        h = h * 0x9E3779B97F4A7C15L + ((long) aPort << 32 | (long) bPort << 8 | protocol) + interfaceId;
        h = h * 0x9E3779B97F4A7C15L + tunnel0 * 31 + tunnel1;
        hash = (int) (h ^ (h >>> 32));
    }

    FlowKey copy() {
        FlowKey k = new FlowKey();
        k.aHi = aHi; k.aLo = aLo; k.bHi = bHi; k.bLo = bLo;
        k.aPort = aPort; k.bPort = bPort; k.protocol = protocol; k.interfaceId = interfaceId;
        k.tunnel0 = tunnel0; k.tunnel1 = tunnel1; k.hash = hash;
        return k;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowKey k && k.aLo == aLo && k.bLo == bLo && k.aPort == aPort && k.bPort == bPort
                && k.aHi == aHi && k.bHi == bHi && k.protocol == protocol && k.interfaceId == interfaceId
                && k.tunnel0 == tunnel0 && k.tunnel1 == tunnel1;
    }
}
