package io.flowscope.platform.capture.afpacket;

/**
 * The shape of one TPACKET_V3 receive ring.
 *
 * @param blockSize      bytes per block (a power of two, a multiple of the page size); frames are packed in blocks
 * @param blockCount     blocks in the ring; the ring is {@code blockSize * blockCount} bytes of locked memory
 * @param blockTimeoutMs a block that is not full is handed to user space after this long, so a quiet link is
 *                       still read promptly (the live pipeline's 1 s promise needs it well under a second)
 * @param snapLength     bytes kept of each frame
 * @param promiscuous    whether the interface is put in promiscuous mode while captured
 * @param fanoutGroup    0, or the PACKET_FANOUT (hash) group id shared by the readers of one interface
 */
public record RingSettings(int blockSize, int blockCount, int blockTimeoutMs, int snapLength, boolean promiscuous,
                           int fanoutGroup) {

    /** 1 MiB blocks × 32 (32 MiB), retired after 100 ms, whole frames up to 64 KiB (GRO on loopback). */
    public static RingSettings defaults() {
        return new RingSettings(1 << 20, 32, 100, 65_535, false, 0);
    }

    public RingSettings {
        if (blockSize < 4096 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size " + blockSize + " is not a power of two of at least 4096");
        }
        if (blockCount < 2) {
            throw new IllegalArgumentException("a ring needs at least 2 blocks");
        }
        if (snapLength < 64) {
            throw new IllegalArgumentException("snap length " + snapLength + " is below 64");
        }
    }

    public RingSettings withBlocks(int size, int count) {
        return new RingSettings(size, count, blockTimeoutMs, snapLength, promiscuous, fanoutGroup);
    }
}
