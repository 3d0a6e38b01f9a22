package io.flowscope.platform.metrics.network;

import io.flowscope.platform.flow.Flow;

/**
 * What a {@code network_map} row is per: client and server address, server port, IP protocol, and where it was
 * seen (capture interface, outermost tunnel type, signal source). Immutable; a flow makes its own once, so
 * looking its row up in a second's table allocates nothing. The client's port is not part of it: the
 * connections of one client to one service are one row, as in DeepFlow.
 */
public final class EdgeKey {

    /** The row that takes what a full second (or minute) had no room for: all zero, counted apart. */
    public static final EdgeKey OVERFLOW = new EdgeKey(true, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public final boolean ipv4;
    public final long ip0Hi;
    public final long ip0Lo;
    public final long ip1Hi;
    public final long ip1Lo;
    public final int serverPort;
    public final int protocol;
    public final int captureNic;
    public final int tunnelType;
    public final int signalSource;
    private final int hash;

    public EdgeKey(boolean ipv4, long ip0Hi, long ip0Lo, long ip1Hi, long ip1Lo, int serverPort, int protocol,
                   int captureNic, int tunnelType, int signalSource) {
        this.ipv4 = ipv4;
        this.ip0Hi = ip0Hi;
        this.ip0Lo = ip0Lo;
        this.ip1Hi = ip1Hi;
        this.ip1Lo = ip1Lo;
        this.serverPort = serverPort;
        this.protocol = protocol;
        this.captureNic = captureNic;
        this.tunnelType = tunnelType;
        this.signalSource = signalSource;
        long h = ip0Lo * 31 + ip0Hi;
        h = h * 31 + ip1Lo;
        h = h * 31 + ip1Hi;
        h = h * 31 + ((long) serverPort << 8 | protocol);
        h = h * 31 + ((long) captureNic << 16 | tunnelType << 8 | signalSource);
        h = h * 2 + (ipv4 ? 1 : 0);
        h ^= h >>> 29;
        h *= 0xbf58476d1ce4e5b9L;
        this.hash = (int) (h ^ h >>> 32);
    }

    /** The key of a flow's rows. */
    public static EdgeKey of(Flow f) {
        return new EdgeKey(f.ipv4, f.ip0Hi, f.ip0Lo, f.ip1Hi, f.ip1Lo, f.port1, f.protocol, f.interfaceId,
                f.connection == null ? 0 : f.connection.tunnelType(),
                f.connection == null ? 0 : f.connection.signalSource());
    }

    /** The key of the single-end row of one end ({@code role} 0 the client, 1 the server). */
    EndpointKey end(int role) {
        return role == 0 ? new EndpointKey(ipv4, ip0Hi, ip0Lo, 0, serverPort, protocol, signalSource)
                : new EndpointKey(ipv4, ip1Hi, ip1Lo, 1, serverPort, protocol, signalSource);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EdgeKey k && hash == k.hash && ip0Lo == k.ip0Lo && ip1Lo == k.ip1Lo
                && ip0Hi == k.ip0Hi && ip1Hi == k.ip1Hi && serverPort == k.serverPort && protocol == k.protocol
                && captureNic == k.captureNic && tunnelType == k.tunnelType && signalSource == k.signalSource
                && ipv4 == k.ipv4;
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
