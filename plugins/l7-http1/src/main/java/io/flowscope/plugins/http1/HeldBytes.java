package io.flowscope.plugins.http1;

import io.flowscope.api.Direction;
import io.flowscope.api.ProtocolSwitch;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A copy of the client bytes that follow a request offering an upgrade, kept until its answer says which protocol
 * they are: after a 101 they are the new protocol's (handed over in the switch); after any other answer they were
 * HTTP/1, and the copy is dropped. A client waits for the 101 before it speaks the new protocol (RFC 9110 §7.8), so
 * this is seldom more than empty; it is bounded, and a client that says more than {@link #MAX_BYTES} before the answer
 * is taken to speak HTTP/1. Kept as one buffer and the offsets where each chunk began, with its capture time (at most
 * {@link #MAX_CHUNKS}: later chunks join the last one), so the conformance kit's byte-by-byte feeding costs no object
 * per byte.
 */
final class HeldBytes {

    static final int MAX_BYTES = 16 * 1024;
    static final int MAX_CHUNKS = 64;
    /** What {@link #retainedBytes()} can reach. */
    static final long MAX_RETAINED = MAX_BYTES + MAX_CHUNKS * 12L + 64;

    private static final byte[] NONE = new byte[0];

    private byte[] bytes = NONE;
    private int length;
    private final int[] chunkStart = new int[MAX_CHUNKS];
    private final long[] chunkTime = new long[MAX_CHUNKS];
    private int chunks;

    /** Holds {@code d[p..limit)}; false (nothing held) when that would pass the bound. */
    boolean add(ByteBuffer d, int p, int limit, long ts) {
        int n = limit - p;
        if (length + n > MAX_BYTES) {
            return false;
        }
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(MAX_BYTES, Math.max(length + n, bytes.length * 2 + 64)));
        }
        if (chunks < MAX_CHUNKS) {
            chunkStart[chunks] = length;
            chunkTime[chunks] = ts;
            chunks++;
        }
        d.get(p, bytes, length, n);
        length += n;
        return true;
    }

    boolean isEmpty() {
        return length == 0;
    }

    /** Hands every held chunk over to the new protocol, then forgets them. */
    void handOver(ProtocolSwitch.Builder to) {
        for (int i = 0; i < chunks; i++) {
            int end = i + 1 < chunks ? chunkStart[i + 1] : length;
            to.handOver(Direction.CLIENT_TO_SERVER, ByteBuffer.wrap(bytes, chunkStart[i], end - chunkStart[i]),
                    chunkTime[i]);
        }
        clear();
    }

    void clear() {
        bytes = NONE;
        length = 0;
        chunks = 0;
    }

    long retainedBytes() {
        return bytes.length + MAX_CHUNKS * 12L + 64;
    }
}
