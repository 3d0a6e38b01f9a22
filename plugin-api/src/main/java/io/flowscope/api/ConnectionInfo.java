package io.flowscope.api;

import java.net.InetAddress;
import java.util.Objects;

/**
 * The connection (or UDP flow) a parser works on, as far as the host knows it, whatever the source:
 * packets give addresses and ports, syscalls add the process. What is not known is empty: 0 for ids,
 * null for names. Built by the host; more facts may be added in later minor versions.
 */
public final class ConnectionInfo {

    private final Transport transport;
    private final InetAddress client;
    private final int clientPort;
    private final InetAddress server;
    private final int serverPort;
    private final SignalSource signalSource;
    private final int processId;
    private final int threadId;
    private final String processName;
    private final long networkNamespace;
    private final int interfaceId;

    private ConnectionInfo(Builder b) {
        this.transport = Objects.requireNonNull(b.transport, "transport");
        this.client = b.client;
        this.clientPort = b.clientPort;
        this.server = b.server;
        this.serverPort = b.serverPort;
        this.signalSource = Objects.requireNonNull(b.signalSource, "signalSource");
        this.processId = b.processId;
        this.threadId = b.threadId;
        this.processName = b.processName;
        this.networkNamespace = b.networkNamespace;
        this.interfaceId = b.interfaceId;
    }

    /** A builder for a connection of the given transport. */
    public static Builder builder(Transport transport) {
        return new Builder(transport);
    }

    /** TCP or UDP. */
    public Transport transport() {
        return transport;
    }

    /** Address of the client (side 0), or null when not known. */
    public InetAddress client() {
        return client;
    }

    /** Port of the client, or 0. */
    public int clientPort() {
        return clientPort;
    }

    /** Address of the server (side 1), or null when not known. */
    public InetAddress server() {
        return server;
    }

    /** Port of the server, or 0. */
    public int serverPort() {
        return serverPort;
    }

    /** Where the bytes were seen: packets or syscalls. */
    public SignalSource signalSource() {
        return signalSource;
    }

    /** Process id of the observed end (syscalls), or 0. */
    public int processId() {
        return processId;
    }

    /** Thread id of the observed end (syscalls), or 0. */
    public int threadId() {
        return threadId;
    }

    /** Process name ({@code comm}) of the observed end, or null. */
    public String processName() {
        return processName;
    }

    /** Network namespace inode of the observed end, or 0. */
    public long networkNamespace() {
        return networkNamespace;
    }

    /** Capture interface (packets), or 0. */
    public int interfaceId() {
        return interfaceId;
    }

    @Override
    public String toString() {
        return transport + " " + client + ":" + clientPort + " -> " + server + ":" + serverPort + " (" + signalSource
                + (processId != 0 ? ", pid " + processId + (processName != null ? " " + processName : "") : "") + ")";
    }

    /** Builder of {@link ConnectionInfo}; not thread-safe. */
    public static final class Builder {
        private final Transport transport;
        private InetAddress client;
        private int clientPort;
        private InetAddress server;
        private int serverPort;
        private SignalSource signalSource = SignalSource.PACKET;
        private int processId;
        private int threadId;
        private String processName;
        private long networkNamespace;
        private int interfaceId;

        private Builder(Transport transport) {
            this.transport = transport;
        }

        /** Sets the client's address and port. */
        public Builder client(InetAddress address, int port) { client = address; clientPort = port; return this; }
        /** Sets the server's address and port. */
        public Builder server(InetAddress address, int port) { server = address; serverPort = port; return this; }
        /** Sets where the bytes were seen (default: packets). */
        public Builder signalSource(SignalSource v) { signalSource = v; return this; }
        /** Sets the observed process: pid, tid and name. */
        public Builder process(int pid, int tid, String name) { processId = pid; threadId = tid; processName = name; return this; }
        /** Sets the network namespace inode. */
        public Builder networkNamespace(long v) { networkNamespace = v; return this; }
        /** Sets the capture interface. */
        public Builder interfaceId(int v) { interfaceId = v; return this; }

        /** Builds the connection. */
        public ConnectionInfo build() {
            return new ConnectionInfo(this);
        }
    }
}
