package io.flowscope.platform.connection;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.SignalSource;
import io.flowscope.api.Transport;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One connection as the host knows it, whatever saw it: a packet flow (the FlowGenerator's) or a socket
 * seen through its syscalls (the eBPF collector's). L7 sessions are keyed and described by it, and the
 * rows they produce carry it, so L7 code never reads packet-flow internals. Immutable: it is handed to
 * the store's writer thread as it is.
 *
 * <p>Side 0 is the client, side 1 the server. Addresses are kept as two longs (IPv4 in the low 32 bits
 * of {@code lo}). Process fields describe the process that owns the traced socket, which is the end
 * {@link #processSide()}; they are empty (0 / null) when the source does not know them.
 */
public final class Connection {

    /** DeepFlow's signal_source for packets (AF_PACKET, capture files). */
    public static final int SIGNAL_PACKET = 0;
    /** DeepFlow's signal_source for eBPF socket data. */
    public static final int SIGNAL_EBPF = 3;

    private final long id;
    private final int protocol;
    private final boolean ipv4;
    private final long ip0Hi;
    private final long ip0Lo;
    private final long ip1Hi;
    private final long ip1Lo;
    private final int port0;
    private final int port1;
    private final int interfaceId;
    private final long networkNamespace;
    private final int signalSource;
    private final int tunnelType;
    /** The side whose socket the source traced (its process is the plugins' view); -1 for none. */
    private final int processSide;
    /** By side (0 client, 1 server): what the source knows of the process at that end; pid 0 when none. */
    private final int[] processIds;
    private final int[] threadIds;
    private final String[] processNames;
    private ConnectionInfo info;

    private Connection(Builder b) {
        id = b.id;
        protocol = b.protocol;
        ipv4 = b.ipv4;
        ip0Hi = b.ip0Hi;
        ip0Lo = b.ip0Lo;
        ip1Hi = b.ip1Hi;
        ip1Lo = b.ip1Lo;
        port0 = b.port0;
        port1 = b.port1;
        interfaceId = b.interfaceId;
        networkNamespace = b.networkNamespace;
        signalSource = b.signalSource;
        tunnelType = b.tunnelType;
        processSide = b.processSide;
        processIds = b.processIds.clone();
        threadIds = b.threadIds.clone();
        processNames = b.processNames.clone();
    }

    /** A connection of an IP protocol (6 TCP, 17 UDP, …). */
    public static Builder builder(int ipProtocol) {
        return new Builder(ipProtocol);
    }

    /** The flow_id of its rows: unique across restarts, writers and stores. */
    public long id() { return id; }

    /** IP protocol number. */
    public int protocol() { return protocol; }

    public boolean isTcp() { return protocol == 6; }

    public boolean ipv4() { return ipv4; }

    public long ip0Hi() { return ip0Hi; }

    public long ip0Lo() { return ip0Lo; }

    public long ip1Hi() { return ip1Hi; }

    public long ip1Lo() { return ip1Lo; }

    /** Client port. */
    public int port0() { return port0; }

    /** Server port. */
    public int port1() { return port1; }

    /** Capturing interface within its source (packets), or the interface index (sockets); 0 when unknown. */
    public int interfaceId() { return interfaceId; }

    /** Network namespace inode, 0 when unknown. */
    public long networkNamespace() { return networkNamespace; }

    /** {@link #SIGNAL_PACKET} or {@link #SIGNAL_EBPF}. */
    public int signalSource() { return signalSource; }

    /** DeepFlow's tunnel_type of the (outermost) tunnel its packets came through; 0 for none. */
    public int tunnelType() { return tunnelType; }

    /** The end whose socket was traced: 0 client, 1 server; -1 when no process is known. */
    public int processSide() { return processSide; }

    /** The traced socket's process, or 0. */
    public int processId() { return processSide < 0 ? 0 : processIds[processSide]; }

    public int threadId() { return processSide < 0 ? 0 : threadIds[processSide]; }

    public String processName() { return processSide < 0 ? null : processNames[processSide]; }

    /** The process at one end (0 client, 1 server), or 0 when unknown (e.g. a remote peer). */
    public int processId(int side) { return processIds[side]; }

    /** The thread that last did a syscall on that end's socket, or 0. */
    public int threadId(int side) { return threadIds[side]; }

    public String processName(int side) { return processNames[side]; }

    /** A copy that also knows the process at the other end (both ends of a loopback connection were traced). */
    public Connection withProcess(int side, int pid, int tid, String name) {
        Builder b = toBuilder();
        b.processIds[side] = pid;
        b.threadIds[side] = tid;
        b.processNames[side] = name;
        if (b.processSide < 0) {
            b.processSide = side;
        }
        return new Connection(b);
    }

    private Builder toBuilder() {
        Builder b = new Builder(protocol);
        b.id = id;
        b.ipv4 = ipv4;
        b.ip0Hi = ip0Hi;
        b.ip0Lo = ip0Lo;
        b.ip1Hi = ip1Hi;
        b.ip1Lo = ip1Lo;
        b.port0 = port0;
        b.port1 = port1;
        b.interfaceId = interfaceId;
        b.networkNamespace = networkNamespace;
        b.signalSource = signalSource;
        b.tunnelType = tunnelType;
        b.processSide = processSide;
        b.processIds = processIds.clone();
        b.threadIds = threadIds.clone();
        b.processNames = processNames.clone();
        return b;
    }

    /** The plugins' view of this connection (made once, on first use). */
    public ConnectionInfo info() {
        if (info == null) {
            ConnectionInfo.Builder b = ConnectionInfo.builder(isTcp() ? Transport.TCP : Transport.UDP)
                    .client(address(ipv4, ip0Hi, ip0Lo), port0)
                    .server(address(ipv4, ip1Hi, ip1Lo), port1)
                    .signalSource(signalSource == SIGNAL_EBPF ? SignalSource.EBPF : SignalSource.PACKET)
                    .interfaceId(interfaceId).networkNamespace(networkNamespace);
            if (processId() != 0) {
                b.process(processId(), threadId(), processName());
            }
            info = b.build();
        }
        return info;
    }

    /** An address held as two longs (IPv4 in the low 32 bits of {@code lo}). */
    public static InetAddress address(boolean ipv4, long hi, long lo) {
        try {
            if (ipv4) {
                return InetAddress.getByAddress(new byte[] {(byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo});
            }
            byte[] a = new byte[16];
            for (int i = 0; i < 8; i++) {
                a[i] = (byte) (hi >>> (56 - 8 * i));
                a[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        String p = processId() == 0 ? "" : ", " + processName() + " (pid " + processId() + ")";
        return "connection " + id + " " + address(ipv4, ip0Hi, ip0Lo).getHostAddress() + ":" + port0 + " -> "
                + address(ipv4, ip1Hi, ip1Lo).getHostAddress() + ":" + port1 + p;
    }

    /** Builds a connection; addresses default to 0.0.0.0, ports to 0. */
    public static final class Builder {
        private long id;
        private final int protocol;
        private boolean ipv4 = true;
        private long ip0Hi;
        private long ip0Lo;
        private long ip1Hi;
        private long ip1Lo;
        private int port0;
        private int port1;
        private int interfaceId;
        private long networkNamespace;
        private int signalSource = SIGNAL_PACKET;
        private int tunnelType;
        private int processSide = -1;
        private int[] processIds = new int[2];
        private int[] threadIds = new int[2];
        private String[] processNames = new String[2];

        private Builder(int protocol) {
            this.protocol = protocol;
        }

        public Builder id(long v) { id = v; return this; }

        /** The client end; an IPv4 address has {@code hi} 0 and the address in the low 32 bits of {@code lo}. */
        public Builder client(boolean v4, long hi, long lo, int port) {
            ipv4 = v4; ip0Hi = hi; ip0Lo = lo; port0 = port; return this;
        }

        /** The server end, of the same family as the client. */
        public Builder server(long hi, long lo, int port) {
            ip1Hi = hi; ip1Lo = lo; port1 = port; return this;
        }

        /** Both ends from addresses (IPv4 or IPv6, the same family). */
        public Builder ends(InetAddress client, int clientPort, InetAddress server, int serverPort) {
            long[] c = longs(client.getAddress());
            long[] s = longs(server.getAddress());
            return client(client.getAddress().length == 4, c[0], c[1], clientPort).server(s[0], s[1], serverPort);
        }

        public Builder interfaceId(int v) { interfaceId = v; return this; }

        public Builder networkNamespace(long v) { networkNamespace = v; return this; }

        public Builder signalSource(int v) { signalSource = v; return this; }

        public Builder tunnelType(int v) { tunnelType = v; return this; }

        /** The process owning the traced socket, and which end it is (0 client, 1 server). */
        public Builder process(int side, int pid, int tid, String name) {
            processSide = pid == 0 ? -1 : side;
            processIds[side] = pid;
            threadIds[side] = tid;
            processNames[side] = name;
            return this;
        }

        public Connection build() {
            return new Connection(this);
        }

        private static long[] longs(byte[] a) {
            long hi = 0;
            long lo = 0;
            if (a.length == 4) {
                lo = (a[0] & 0xffL) << 24 | (a[1] & 0xffL) << 16 | (a[2] & 0xffL) << 8 | a[3] & 0xffL;
            } else {
                for (int i = 0; i < 8; i++) {
                    hi = hi << 8 | a[i] & 0xffL;
                    lo = lo << 8 | a[8 + i] & 0xffL;
                }
            }
            return new long[] {hi, lo};
        }
    }
}
