package io.flowscope.api;

import java.util.List;
import java.util.Objects;

/**
 * What a packet probe asks the host to capture ({@link ProbeContext#capturePackets}). The host opens the
 * rings, compiles the filter, reads the frames and feeds them to its pipeline; the probe only says what.
 * Build with {@link #builder()}; unset sizes take the host's documented defaults.
 */
public final class PacketCaptureRequest {

    /** Selects every interface that is up, except loopback. */
    public static final String ALL_INTERFACES = "all";
    /** Said of a size left to the host. */
    public static final int HOST_DEFAULT = 0;

    private final List<String> interfaces;
    private final String filter;
    private final int snapLength;
    private final int blockSize;
    private final int blockCount;
    private final int blockTimeoutMillis;
    private final int readers;
    private final boolean promiscuous;
    private final boolean excludeOwnTraffic;

    private PacketCaptureRequest(Builder b) {
        if (b.interfaces.isEmpty()) {
            throw new IllegalArgumentException("no interfaces to capture");
        }
        this.interfaces = List.copyOf(b.interfaces);
        this.filter = b.filter == null ? "" : b.filter.trim();
        this.snapLength = nonNegative(b.snapLength, "snap length");
        this.blockSize = nonNegative(b.blockSize, "block size");
        this.blockCount = nonNegative(b.blockCount, "block count");
        this.blockTimeoutMillis = nonNegative(b.blockTimeoutMillis, "block timeout");
        if (b.readers < 1) {
            throw new IllegalArgumentException("readers must be at least 1, not " + b.readers);
        }
        this.readers = b.readers;
        this.promiscuous = b.promiscuous;
        this.excludeOwnTraffic = b.excludeOwnTraffic;
    }

    private static int nonNegative(int v, String what) {
        if (v < 0) {
            throw new IllegalArgumentException(what + " must not be negative, not " + v);
        }
        return v;
    }

    /** A request for loopback, no filter, host defaults, one reader, the host's own traffic left out. */
    public static Builder builder() {
        return new Builder();
    }

    /** Interface names; {@link #ALL_INTERFACES} selects every non-loopback interface that is up, as it comes and goes. */
    public List<String> interfaces() {
        return interfaces;
    }

    /** A filter in tcpdump syntax, empty for everything. */
    public String filter() {
        return filter;
    }

    /** Bytes kept of each frame, or {@link #HOST_DEFAULT}. */
    public int snapLength() {
        return snapLength;
    }

    /** Bytes per ring block, or {@link #HOST_DEFAULT}. */
    public int blockSize() {
        return blockSize;
    }

    /** Blocks per ring, or {@link #HOST_DEFAULT}. */
    public int blockCount() {
        return blockCount;
    }

    /** How long the kernel fills a block before handing it over, or {@link #HOST_DEFAULT}. */
    public int blockTimeoutMillis() {
        return blockTimeoutMillis;
    }

    /** Reader threads per interface (spread by the kernel's flow hash, each seeing whole flows). */
    public int readers() {
        return readers;
    }

    /** Whether interfaces are put in promiscuous mode. */
    public boolean promiscuous() {
        return promiscuous;
    }

    /** Whether the host leaves out its own API and console traffic. */
    public boolean excludeOwnTraffic() {
        return excludeOwnTraffic;
    }

    @Override
    public String toString() {
        return "interfaces=" + String.join(",", interfaces) + (filter.isEmpty() ? "" : " filter=" + filter)
                + " readers=" + readers + (promiscuous ? " promiscuous" : "");
    }

    /** Builder of {@link PacketCaptureRequest}. */
    public static final class Builder {
        private List<String> interfaces = List.of("lo");
        private String filter = "";
        private int snapLength;
        private int blockSize;
        private int blockCount;
        private int blockTimeoutMillis;
        private int readers = 1;
        private boolean promiscuous;
        private boolean excludeOwnTraffic = true;

        private Builder() {
        }

        /** Sets the interfaces (names, or {@link #ALL_INTERFACES}). */
        public Builder interfaces(List<String> v) { interfaces = Objects.requireNonNull(v, "interfaces"); return this; }
        /** Sets the tcpdump-syntax filter. */
        public Builder filter(String v) { filter = v; return this; }
        /** Sets the snap length. */
        public Builder snapLength(int v) { snapLength = v; return this; }
        /** Sets the ring's block size in bytes. */
        public Builder blockSize(int v) { blockSize = v; return this; }
        /** Sets the ring's block count. */
        public Builder blockCount(int v) { blockCount = v; return this; }
        /** Sets the block timeout in milliseconds. */
        public Builder blockTimeoutMillis(int v) { blockTimeoutMillis = v; return this; }
        /** Sets the reader threads per interface. */
        public Builder readers(int v) { readers = v; return this; }
        /** Sets promiscuous mode. */
        public Builder promiscuous(boolean v) { promiscuous = v; return this; }
        /** Sets whether the host's own API traffic is left out. */
        public Builder excludeOwnTraffic(boolean v) { excludeOwnTraffic = v; return this; }

        /** Builds the request; throws {@link IllegalArgumentException} for impossible values. */
        public PacketCaptureRequest build() {
            return new PacketCaptureRequest(this);
        }
    }
}
