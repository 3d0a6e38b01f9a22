package io.flowscope.plugins.http2;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Cuts one direction's bytes into HTTP/2 frames, wherever the chunks split them, and hands each to the
 * {@link Http2Parser}: header blocks (HEADERS or PUSH_PROMISE with their CONTINUATIONs) whole, DATA payload as it
 * comes (never buffered), the small control frames whole. After a hole or a frame that cannot be real it looks for
 * the next plausible frame (or a client preface) and goes on from there.
 */
final class FrameReader {

    /** The most header-block bytes kept for one block; a larger block is counted but not decoded. */
    static final int MAX_BLOCK = 32 * 1024;
    /** The most bytes held while looking for the next frame after a hole: a default-size frame and the next header. */
    static final int WINDOW = Frames.DEFAULT_MAX_FRAME + 2 * Frames.HEADER;

    // states, as ints: the step switch on them is a jump table (an enum's goes through a lookup array first)
    private static final int PREFACE = 0;
    private static final int HEADER = 1;
    private static final int PAYLOAD = 2;
    private static final int RESYNC = 3;

    private final Http2Parser parser;
    final boolean fromClient;
    final HpackDecoder hpack = new HpackDecoder();
    final BlockMemo memo = new BlockMemo();
    private int state;
    private int prefaceMatched;

    // the frame being read
    private final byte[] header = new byte[Frames.HEADER];
    private int headerRead;
    int type;
    int flags;
    int streamId;
    int length;
    private int payloadRead;
    long frameStart;
    /** Small frames (and the first bytes of GOAWAY and PUSH_PROMISE) are gathered here. */
    final byte[] small = new byte[8];
    // DATA
    private int padLength = -1;

    // the header block being gathered
    byte[] block = new byte[0];
    int blockLength;
    /**
     * Where the block to decode lies: {@code block[0..blockLength)}, or, for a whole HEADERS frame that came in one
     * piece, the fragment in the caller's bytes (valid only during that call, which decodes it).
     */
    byte[] blockBytesAt;
    int blockFrom;
    int blockTo;
    private boolean inPlace;
    private int frameBlockStart;
    boolean blockOverflow;
    /** Bytes of the block were lost in a gap: it cannot be decoded, though where its frames end is known. */
    boolean blockCut;
    /** Bytes of the current control frame were lost: what it says is not known. */
    private boolean controlCut;
    int blockStream;
    int blockType;
    boolean blockEndStream;
    int promisedStream;
    long blockStart;
    long blockBytes;

    /** The receiver's SETTINGS_MAX_FRAME_SIZE, as far as this capture knows it. */
    int maxFrame = Frames.DEFAULT_MAX_FRAME;

    // resynchronisation
    /** Allocated while looking, dropped once found. */
    private byte[] resync;
    private int resyncLength;

    FrameReader(Http2Parser parser, boolean fromClient) {
        this.parser = parser;
        this.fromClient = fromClient;
        this.state = fromClient ? PREFACE : HEADER;
    }

    void onData(ByteBuffer data, long ts) {
        int p = data.position();
        int limit = data.limit();
        byte[] arr = data.hasArray() ? data.array() : null;
        int base = arr != null ? data.arrayOffset() : 0;
        if (arr == null) {
            // a read-only or direct buffer: read it through the connection's reused chunk
            byte[] copy = parser.chunk(limit - p);
            while (p < limit) {
                int n = Math.min(copy.length, limit - p);
                data.get(p, copy, 0, n);
                feed(copy, 0, n, ts);
                p += n;
            }
            return;
        }
        feed(arr, base + p, limit - p, ts);
    }

    /** Bytes {@code b[off..off+len)} in order. */
    void feed(byte[] b, int off, int len, long ts) {
        int end = off + len;
        int p = off;
        while (p < end) {
            p = step(b, p, end, ts);
        }
    }

    private int preface(byte[] b, int p, int end, long ts) {
        while (p < end && prefaceMatched < Frames.PREFACE.length) {
            if (b[p] != Frames.PREFACE[prefaceMatched]) {
                if (prefaceMatched == 0) {
                    // no preface: a connection the capture joined after its start
                    parser.joinedLate();
                    state = HEADER;
                } else {
                    parser.problem("bad_preface", "the client preface is cut by other bytes");
                    prefaceMatched = 0;
                    startResync();
                }
                return p;
            }
            prefaceMatched++;
            p++;
        }
        if (prefaceMatched == Frames.PREFACE.length) {
            prefaceMatched = 0;
            state = HEADER;
            parser.preface();
        }
        return p;
    }

    private int header(byte[] b, int p, int end, long ts) {
        if (headerRead == 0) {
            if (fromClient && b[p] == 'P') {
                // no frame length starts with 0x50 (5 MiB): a client preface, a new connection context, or noise
                state = PREFACE;
                return p;
            }
            frameStart = ts;
        }
        byte[] h;
        int at;
        if (headerRead == 0 && end - p >= Frames.HEADER) {
            // the whole header is in the bytes given (as a rule): read where it lies
            h = b;
            at = p;
            p += Frames.HEADER;
        } else {
            int n = Math.min(Frames.HEADER - headerRead, end - p);
            System.arraycopy(b, p, header, headerRead, n);
            headerRead += n;
            p += n;
            if (headerRead < Frames.HEADER) {
                return p;
            }
            headerRead = 0;
            h = header;
            at = 0;
        }
        length = Frames.length(h, at);
        type = h[at + 3] & 0xff;
        flags = h[at + 4] & 0xff;
        long rawId = Frames.u32(h, at + 5);
        streamId = (int) (rawId & 0x7fff_ffffL);
        boolean known = type <= Frames.CONTINUATION;
        int limit = parser.frameLimit(maxFrame);
        if (known ? !Frames.plausible(length, type, flags, rawId, limit) : length > limit) {
            parser.problem("bad_frame", "frame header type " + type + " flags " + flags + " length " + length
                    + " stream " + rawId + " cannot be HTTP/2");
            startResync();
            return p;
        }
        if (blockType != 0 && type != Frames.CONTINUATION) {
            parser.problem("continuation_missing", "a header block ends without its CONTINUATION");
            parser.blockLost(this);
        }
        if (type == Frames.CONTINUATION && (blockType == 0 || streamId != blockStream)) {
            parser.problem("continuation_unexpected", "CONTINUATION without the HEADERS it continues");
        }
        payloadRead = 0;
        padLength = -1;
        controlCut = false;
        if (type == Frames.HEADERS || type == Frames.PUSH_PROMISE) {
            blockType = type;
            blockStream = streamId;
            blockLength = 0;
            blockOverflow = false;
            blockCut = false;
            blockEndStream = (flags & Frames.END_STREAM) != 0;
            blockStart = frameStart;
            blockBytes = 0;
        }
        frameBlockStart = blockLength;
        state = PAYLOAD;
        if (length == 0) {
            frameDone(ts);
        }
        return p;
    }

    private int payload(byte[] b, int p, int end, long ts) {
        int n = Math.min(length - payloadRead, end - p);
        switch (type) {
            case Frames.DATA -> data(b, p, n);
            case Frames.HEADERS, Frames.PUSH_PROMISE, Frames.CONTINUATION -> {
                if (n == length && payloadRead == 0 && type == Frames.HEADERS && (flags & Frames.END_HEADERS) != 0
                        && blockLength == 0 && !blockCut) {
                    // a whole HEADERS block in the bytes given: decoded where it lies, not copied
                    inPlace = true;
                    blockBytesAt = b;
                    blockFrom = p;
                    blockTo = p + n;
                } else {
                    appendBlock(b, p, n);
                }
            }
            default -> {
                if (payloadRead < small.length) {
                    int k = Math.min(n, small.length - payloadRead);
                    System.arraycopy(b, p, small, payloadRead, k);
                }
                if (type == Frames.SETTINGS && !controlCut) {
                    settings(b, p, n);
                }
            }
        }
        payloadRead += n;
        p += n;
        if (payloadRead == length) {
            frameDone(ts);
        }
        return p;
    }

    private void data(byte[] b, int p, int n) {
        int at = payloadRead;
        if ((flags & Frames.PADDED) != 0) {
            if (at == 0 && n > 0) {
                padLength = b[p] & 0xff;
                p++;
                n--;
                at++;
            }
            // bytes past the data are padding
            int dataEnd = length - Math.max(padLength, 0);
            n = Math.max(0, Math.min(n, dataEnd - at));
        }
        if (n > 0) {
            parser.data(this, b, p, n);
        }
    }

    /** SETTINGS records of 6 bytes, applied as each completes (their count is unbounded). */
    private void settings(byte[] b, int p, int n) {
        if ((flags & Frames.ACK) != 0) {
            return;
        }
        for (int i = 0; i < n; i++) {
            int at = (payloadRead + i) % 6;
            small[at] = b[p + i];
            if (at == 5) {
                int id = (small[0] & 0xff) << 8 | small[1] & 0xff;
                long value = Frames.u32(small, 2);
                parser.setting(this, id, value);
            }
        }
    }

    private void appendBlock(byte[] b, int p, int n) {
        if (blockOverflow || blockLength + n > MAX_BLOCK) {
            blockOverflow = true;
            return;
        }
        if (blockLength + n > block.length) {
            block = java.util.Arrays.copyOf(block, Math.min(MAX_BLOCK, Math.max(blockLength + n, block.length * 2 + 256)));
        }
        System.arraycopy(b, p, block, blockLength, n);
        blockLength += n;
    }

    private void frameDone(long ts) {
        state = HEADER;
        switch (type) {
            case Frames.HEADERS, Frames.PUSH_PROMISE, Frames.CONTINUATION -> {
                blockBytes += Frames.HEADER + length;
                if (!blockCut && !(inPlace ? stripInPlace() : stripFragment())) {
                    parser.problem("bad_padding", "a header block's padding or priority is longer than its frame");
                    blockOverflow = true;
                }
                if (!inPlace) {
                    blockBytesAt = block;
                    blockFrom = 0;
                    blockTo = blockLength;
                }
                if ((flags & Frames.END_HEADERS) != 0 && blockType != 0) {
                    parser.block(this, ts);
                    blockType = 0;
                    blockLength = 0;
                }
                inPlace = false;
                blockBytesAt = null; // the caller's bytes are not ours past this call
            }
            case Frames.DATA -> parser.dataFrameEnd(this, ts);
            default -> {
                if (!controlCut) {
                    parser.control(this, ts);
                }
            }
        }
    }

    /** The same for a HEADERS frame decoded in place: the fragment's bounds in the caller's bytes. */
    private boolean stripInPlace() {
        int from = blockFrom;
        int to = blockTo;
        int pad = 0;
        if ((flags & Frames.PADDED) != 0) {
            if (from >= to) {
                return false;
            }
            pad = blockBytesAt[from++] & 0xff;
        }
        if ((flags & Frames.PRIORITY_FLAG) != 0) {
            from += 5;
        }
        to -= pad;
        if (from > to) {
            return false;
        }
        blockFrom = from;
        blockTo = to;
        return true;
    }

    /** Removes this frame's padding, priority and promised stream id from the block, leaving the fragment. */
    private boolean stripFragment() {
        if (blockOverflow || type == Frames.CONTINUATION) {
            return true;
        }
        int from = frameBlockStart;
        int to = blockLength;
        int pad = 0;
        if ((flags & Frames.PADDED) != 0) {
            if (from >= to) {
                return false;
            }
            pad = block[from++] & 0xff;
        }
        if (type == Frames.HEADERS && (flags & Frames.PRIORITY_FLAG) != 0) {
            from += 5;
        }
        if (type == Frames.PUSH_PROMISE) {
            if (from + 4 > to) {
                return false;
            }
            promisedStream = (int) (Frames.u32(block, from) & 0x7fff_ffffL);
            from += 4;
        }
        to -= pad;
        if (from > to) {
            return false;
        }
        System.arraycopy(block, from, block, frameBlockStart, to - from);
        blockLength = frameBlockStart + (to - from);
        return true;
    }

    /**
     * {@code lost} bytes of this direction will never come (a syscall's payload captured only in part, a hole in the
     * TCP stream). When they all fall inside the frame being read, frames stay in step: the frame is read on as if
     * they had come, and only what they carried is unknown (DATA is only counted anyway; a header block with a hole
     * cannot be decoded, so its additions to the table are lost). When the hole goes past the frame's end, the frame
     * is finished as its header said (its END_STREAM is known), but what the frames after it added to the table is
     * not: the table is lost and the reader looks for the next frame.
     */
    void onGap(long lost) {
        if (state == PAYLOAD && lost > 0) {
            int rest = length - payloadRead;
            skip((int) Math.min(lost, rest));
            if (lost <= rest) {
                return;
            }
        }
        lostTrack();
    }

    /** {@code n} bytes of the current frame's payload (at most what is left of it) were lost. */
    private void skip(int n) {
        switch (type) {
            case Frames.DATA -> {
                if ((flags & Frames.PADDED) != 0 && padLength < 0) {
                    // the pad length itself is lost: where the data ends is not known
                    parser.dataLost(this, Long.MAX_VALUE);
                } else {
                    int dataEnd = length - Math.max(padLength, 0);
                    long dataLost = Math.max(0, Math.min(payloadRead + n, dataEnd) - payloadRead);
                    if (dataLost > 0) {
                        parser.dataLost(this, dataLost);
                    }
                }
            }
            case Frames.HEADERS, Frames.PUSH_PROMISE, Frames.CONTINUATION -> blockCut = true;
            default -> controlCut = true;
        }
        payloadRead += n;
        if (payloadRead == length) {
            frameDone(parser.now());
        }
    }

    private void lostTrack() {
        headerRead = 0;
        blockType = 0;
        blockLength = 0;
        // what the lost bytes added to the table is not known
        hpack.table().lose();
        startResync();
    }

    private void startResync() {
        state = RESYNC;
        resyncLength = 0;
        headerRead = 0;
        // frames of any open stream may be among the bytes passed over
        parser.framesLost(this);
        if (blockType != 0) {
            blockType = 0;
            blockLength = 0;
            hpack.table().lose();
        }
    }

    /**
     * Looks for a client preface, or a plausible frame header followed by another plausible one (or by the end of
     * what the window holds, once it is full), and reads on from there. Bytes held in the window go through the
     * frame machine in place; if they turn out bad again, the search goes on over what is left (a loop, so a run of
     * false starts costs no stack).
     */
    private int resync(byte[] b, int p, int end, long ts) {
        if (resync == null) {
            resync = new byte[WINDOW];
        }
        int n = Math.min(WINDOW - resyncLength, end - p);
        System.arraycopy(b, p, resync, resyncLength, n);
        resyncLength += n;
        p += n;
        while (state == RESYNC) {
            int at = candidate();
            if (at < 0) {
                return p;
            }
            byte[] held = resync;
            int q = at;
            int heldEnd = resyncLength;
            while (q < heldEnd && state != RESYNC) {
                q = step(held, q, heldEnd, ts);
            }
            if (state == RESYNC) {
                System.arraycopy(held, q, held, 0, heldEnd - q);
                resyncLength = heldEnd - q;
                continue;
            }
            resyncLength = 0;
        }
        resync = null;
        return p;
    }

    /** Where to read on from in the window (the state set for it), or -1 to wait for more (the window compacted). */
    private int candidate() {
        int limit = parser.frameLimit(maxFrame);
        for (int at = 0; at < resyncLength; at++) {
            int left = resyncLength - at;
            if (fromClient && resync[at] == 'P') {
                int m = Math.min(left, Frames.PREFACE.length);
                if (Arrays.equals(resync, at, at + m, Frames.PREFACE, 0, m)) {
                    if (m < Frames.PREFACE.length) {
                        return keepFrom(at);
                    }
                    state = PREFACE;
                    prefaceMatched = 0;
                    return at;
                }
            }
            if (left < Frames.HEADER) {
                return keepFrom(at);
            }
            if (!Frames.plausibleAt(resync, at, limit)) {
                continue;
            }
            int next = at + Frames.HEADER + Frames.length(resync, at);
            if (next == resyncLength) {
                // the frame ends where the bytes seen so far end: where a sender's write (a segment) ends, as a rule
                state = HEADER;
                headerRead = 0;
                return at;
            }
            if (next + Frames.HEADER <= resyncLength) {
                if (!Frames.plausibleAt(resync, next, limit)) {
                    continue;
                }
            } else if (at > 0 || resyncLength < WINDOW) {
                // the next header is not in sight yet: wait, unless the window is full
                return keepFrom(at);
            }
            state = HEADER;
            headerRead = 0;
            return at;
        }
        resyncLength = 0;
        return -1;
    }

    private int keepFrom(int at) {
        System.arraycopy(resync, at, resync, 0, resyncLength - at);
        resyncLength -= at;
        return -1;
    }

    private int step(byte[] b, int p, int end, long ts) {
        return switch (state) {
            case PREFACE -> preface(b, p, end, ts);
            case HEADER -> header(b, p, end, ts);
            case PAYLOAD -> payload(b, p, end, ts);
            default -> resync(b, p, end, ts);
        };
    }

    long retainedBytes() {
        return block.length + (resync != null ? resync.length : 0) + hpack.retainedBytes() + memo.retainedBytes() + 96;
    }
}
