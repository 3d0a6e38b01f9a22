package io.flowscope.plugins.kafka;

import java.nio.ByteBuffer;

/**
 * One direction's size-prefixed messages ({@code int32 size}, then that many bytes), split anywhere. Only the
 * first {@link #HEAD_BYTES} of a message are kept, which hold its header and the fields worth reading; the rest
 * (records, of any size) is skipped by count, so the state is bounded whatever the message. After bytes were
 * lost where the next boundary cannot be known, the framer scans for the start of a plausible message.
 */
final class Framer {

    /** The first bytes of a message kept: headers, topic names, error codes; records are never kept. */
    static final int HEAD_BYTES = 1024;
    /** Larger sizes are not taken for messages when looking for one (Kafka's own limits are 100 MB by default). */
    static final int MAX_PLAUSIBLE_SIZE = 1 << 30;
    /** Bytes of the head checked once they are in, before the rest of a message is trusted. */
    static final int CHECKED_HEAD = 8;

    /** What the framer asks of the protocol's side: is this a message start, and here is a message. */
    interface Side {
        /** Whether a message of this size could start with these {@code n} bytes of body, at {@code at}. */
        boolean plausibleHead(int size, byte[] head, int n);

        /** Whether bytes at {@code at} of the buffer (size prefix included) look like a message's start. */
        boolean plausibleStart(ByteBuffer data, int at, int limit);

        /**
         * A message's first {@link #CHECKED_HEAD} bytes (in the head; fewer if it is shorter or a gap cut them) passed
         * the check: called once per message, always before {@link #message}. Returns whether the side reads the
         * whole body as it passes; if so, it reads those first bytes from the head and is given the rest through
         * {@link #body}, until the message ends or a gap cuts it.
         */
        default boolean begins(Framer f) {
            return false;
        }

        /** The next bytes {@code [from, from + n)} of {@code data} of a message whose body the side reads, in order. */
        default void body(ByteBuffer data, int from, int n) {
        }

        /** A whole message (its head in the framer), or one a gap cut ({@code incomplete}). */
        void message(Framer f, long endMicros);

        void problem(String kind, String message);
    }

    private final Side side;
    private final String malformed;
    final byte[] head = new byte[HEAD_BYTES];
    int headLength;
    int size;
    long startMicros;
    /** A gap fell inside this message: its end is there but some bytes are not. */
    boolean incomplete;

    private long remaining;
    private int prefix;
    private int prefixRead;
    private boolean inBody;
    private boolean checked;
    /** A gap fell inside the head: bytes after it are not where the head's offsets say. */
    private boolean headCut;
    /** The side reads this message's body as it passes (and no gap cut it since). */
    private boolean streaming;
    /** Lost the boundaries: looking for a message start. */
    private boolean lost;
    private long lastMicros;

    Framer(Side side, String malformed) {
        this.side = side;
        this.malformed = malformed;
    }

    void onData(ByteBuffer data, long ts) {
        lastMicros = ts;
        int p = data.position();
        int limit = data.limit();
        while (p < limit) {
            if (lost) {
                p = resync(data, p, limit);
                if (lost) {
                    return;
                }
                continue;
            }
            if (!inBody) {
                if (prefixRead == 0) {
                    startMicros = ts;
                }
                prefix = prefix << 8 | (data.get(p++) & 0xff);
                if (++prefixRead == 4) {
                    begin(ts);
                }
                continue;
            }
            int n = (int) Math.min(remaining, limit - p);
            if (!checked && headLength < CHECKED_HEAD) {
                // take the header alone first: if it is not Kafka's, the search resumes right after it
                n = Math.min(n, CHECKED_HEAD - headLength);
            }
            if (!headCut && headLength < HEAD_BYTES) {
                int keep = Math.min(n, HEAD_BYTES - headLength);
                data.get(p, head, headLength, keep);
                headLength += keep;
            }
            if (streaming) {
                side.body(data, p, n);
            }
            p += n;
            remaining -= n;
            if (!checked && (headLength >= CHECKED_HEAD || remaining == 0)) {
                checked = true;
                if (!headCut && !side.plausibleHead(size, head, headLength)) {
                    side.problem(malformed, "a " + size + "-byte message whose header is not Kafka's: looking for the next");
                    loseSync();
                    continue;
                }
                streaming = side.begins(this) && !headCut;
            }
            if (remaining == 0) {
                inBody = false;
                side.message(this, ts);
            }
        }
    }

    private void begin(long ts) {
        prefixRead = 0;
        size = prefix;
        prefix = 0;
        if (size < CHECKED_HEAD - 4 || size < 0) {
            side.problem(malformed, "impossible message size " + size + ": looking for the next message");
            loseSync();
            return;
        }
        remaining = size;
        headLength = 0;
        incomplete = false;
        headCut = false;
        checked = false;
        streaming = false;
        inBody = true;
    }

    /** Scans for a message start; one cut by the end of this chunk is missed (the next is found). */
    private int resync(ByteBuffer data, int p, int limit) {
        for (int i = p; i < limit; i++) {
            if (side.plausibleStart(data, i, limit)) {
                lost = false;
                prefixRead = 0;
                prefix = 0;
                return i;
            }
        }
        return limit;
    }

    void onGap(long lostBytes) {
        if (lost) {
            return;
        }
        if (inBody && lostBytes < remaining) {
            // the message survives: its end is still known
            remaining -= lostBytes;
            incomplete = true;
            streaming = false; // what follows is not where the message's layout puts it
            headCut |= headLength < HEAD_BYTES;
            return;
        }
        if (inBody && checked) {
            // the message ended inside the hole: report what its head says, then look for the next
            incomplete = true;
            inBody = false;
            side.message(this, lastMicros);
        }
        loseSync();
    }

    private void loseSync() {
        lost = true;
        inBody = false;
        prefixRead = 0;
        prefix = 0;
    }

    /** Whether the head may be read at the offsets its fields give (no hole inside it). */
    boolean headIntact() {
        return !headCut;
    }
}
