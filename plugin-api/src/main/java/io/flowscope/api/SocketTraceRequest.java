package io.flowscope.api;

import java.util.List;
import java.util.Objects;

/**
 * What a socket-trace probe asks the host to run ({@link ProbeContext#traceSockets}): its compiled BPF
 * object (the format of bpf/socket_trace.h), how much payload to keep and which processes and ports to
 * trace. The host loads the object with libbpf, attaches its programs, reads the events and feeds its
 * pipeline. Build with {@link #builder(byte[])}.
 */
public final class SocketTraceRequest {

    /** How events cross from the kernel. */
    public enum Transport {
        /** BPF ring buffer (kernel 5.8 and later): one ring shared by all CPUs, ordered. */
        RING_BUFFER,
        /** Perf buffer, one ring per CPU: for kernels without ring buffers. */
        PERF_BUFFER
    }

    private final byte[] object;
    private final int payloadBytes;
    private final List<Integer> pids;
    private final List<String> processNames;
    private final List<Integer> ports;
    private final List<String> cgroups;
    private final Transport transport;
    private final int maxConnections;
    private final int maxProcesses;

    private SocketTraceRequest(Builder b) {
        if (b.object.length == 0) {
            throw new IllegalArgumentException("no BPF object");
        }
        if (b.payloadBytes < 0 || b.payloadBytes > 8192) {
            throw new IllegalArgumentException("payload bytes must be between 0 and 8192, not " + b.payloadBytes);
        }
        this.object = b.object.clone();
        this.payloadBytes = b.payloadBytes;
        this.pids = List.copyOf(b.pids);
        this.processNames = List.copyOf(b.processNames);
        this.ports = List.copyOf(b.ports);
        this.cgroups = List.copyOf(b.cgroups);
        this.transport = Objects.requireNonNull(b.transport, "transport");
        if (b.maxConnections < 1 || b.maxProcesses < 1) {
            throw new IllegalArgumentException("max connections and max processes must be at least 1, not "
                    + b.maxConnections + " and " + b.maxProcesses);
        }
        this.maxConnections = b.maxConnections;
        this.maxProcesses = b.maxProcesses;
        for (int p : ports) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("port " + p + " is not between 1 and 65535");
            }
        }
    }

    /** A request to run this BPF object (an ELF file's bytes, e.g. a resource of the probe's jar). */
    public static Builder builder(byte[] bpfObject) {
        return new Builder(bpfObject);
    }

    /** The BPF object's bytes (a copy). */
    public byte[] object() {
        return object.clone();
    }

    /** Bytes of payload kept per read or write (the real length is always recorded). */
    public int payloadBytes() {
        return payloadBytes;
    }

    /** Only these processes (with {@link #processNames()}: either), or every process when both are empty. */
    public List<Integer> pids() {
        return pids;
    }

    /**
     * Only processes in these cgroups or below them (cgroup v2 paths such as {@code /system.slice/nginx.service},
     * relative to the cgroup mount), with {@link #pids()} and {@link #processNames()}: any of them.
     *
     * @since 1.3.0
     */
    public List<String> cgroups() {
        return cgroups;
    }

    /** Only processes of these names (as the kernel shows them: at most 15 characters). */
    public List<String> processNames() {
        return processNames;
    }

    /** Only sockets with one of these ports at either end, or every socket when empty. */
    public List<Integer> ports() {
        return ports;
    }

    public Transport transport() {
        return transport;
    }

    /**
     * Traced connections held at once; over it the quietest are ended (counted as evictions).
     *
     * @since 1.3.0
     */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * Processes the process table holds; over it those that exited longest ago go first (counted).
     *
     * @since 1.3.0
     */
    public int maxProcesses() {
        return maxProcesses;
    }

    @Override
    public String toString() {
        return "payload=" + payloadBytes + " transport=" + transport + (pids.isEmpty() ? "" : " pids=" + pids)
                + (processNames.isEmpty() ? "" : " names=" + processNames) + (cgroups.isEmpty() ? "" : " cgroups=" + cgroups)
                + (ports.isEmpty() ? "" : " ports=" + ports);
    }

    /** Builder of {@link SocketTraceRequest}. */
    public static final class Builder {
        private final byte[] object;
        private int payloadBytes = 1024;
        private List<Integer> pids = List.of();
        private List<String> processNames = List.of();
        private List<Integer> ports = List.of();
        private List<String> cgroups = List.of();
        private Transport transport = Transport.RING_BUFFER;
        private int maxConnections = 262_144;
        private int maxProcesses = 65_536;

        private Builder(byte[] object) {
            this.object = Objects.requireNonNull(object, "object");
        }

        /** Sets the payload bytes kept per syscall (default 1024, at most 8192). */
        public Builder payloadBytes(int v) { payloadBytes = v; return this; }
        /** Sets the processes traced. */
        public Builder pids(List<Integer> v) { pids = Objects.requireNonNull(v); return this; }
        /** Sets the process names traced. */
        public Builder processNames(List<String> v) { processNames = Objects.requireNonNull(v); return this; }
        /** Sets the cgroups traced (since 1.3.0). */
        public Builder cgroups(List<String> v) { cgroups = Objects.requireNonNull(v); return this; }
        /** Sets the ports traced. */
        public Builder ports(List<Integer> v) { ports = Objects.requireNonNull(v); return this; }
        /** Sets the traced connections held at once (default 262,144; since 1.3.0). */
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        /** Sets the processes the process table holds (default 65,536; since 1.3.0). */
        public Builder maxProcesses(int v) { maxProcesses = v; return this; }
        /** Sets the transport (default the ring buffer). */
        public Builder transport(Transport v) { transport = v; return this; }

        /** Builds the request; throws {@link IllegalArgumentException} for impossible values. */
        public SocketTraceRequest build() {
            return new SocketTraceRequest(this);
        }
    }
}
