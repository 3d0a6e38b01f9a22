package io.flowscope.plugins.mysql;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Cuts one direction's bytes into MySQL packets (3-byte length, 1-byte sequence id, payload) wherever the chunks
 * end. Of each payload it keeps only the first bytes its {@link Handler} asks for (a row keeps one byte, a statement
 * its first kilobytes) and skips the rest by arithmetic, so result rows are never copied and a payload over 16 MiB
 * is never buffered. An ERR packet keeps up to {@link #ERR_KEEP} bytes whatever was asked, for its message.
 *
 * <p>After lost bytes or a protocol error it waits for a chunk that starts like a packet ({@link Handler#plausible}),
 * since a new packet (TCP segment, read) usually starts one.
 */
final class PacketFramer {

    /** Bytes kept of an ERR packet: code, SQL state and the message (MySQL caps messages at 512 bytes). */
    static final int ERR_KEEP = 600;

    interface Handler {
        /** How many bytes of this packet's payload to keep (at most the framer's capacity). */
        int keep(int seq, int length, boolean continuation);

        /** A whole packet: its header, the first {@code kept} bytes of its payload, and when its first and last bytes came. */
        void packet(int seq, int length, byte[] payload, int kept, boolean continuation, long startTs, long endTs);

        /** Whether bytes at the start of a chunk look like the start of a packet, after a loss. */
        boolean plausible(ByteBuffer data, int at, int limit);
    }

    private final Handler handler;
    private final int capacity;
    /** Grows as packets ask for more (up to the capacity): most connections never need a statement's 8 KiB. */
    private byte[] kept;
    private int headerBytes;
    private int header;
    private boolean inPacket;
    private int seq;
    private int length;
    private int remaining;
    private int keep;
    private int keptLen;
    private boolean continuation;
    private boolean nextIsContinuation;
    private long startTs;
    /** Waiting for a chunk that starts a packet. */
    private boolean lost;
    /** For good (TLS, compression): nothing more is framed. */
    private boolean stopped;

    PacketFramer(Handler handler, int capacity) {
        this.handler = handler;
        this.capacity = Math.max(capacity, ERR_KEEP);
        this.kept = new byte[256];
    }

    long retainedBytes() {
        return kept.length + 64;
    }

    /** Whether the last packet said the next one continues its payload. */
    boolean continues() {
        return nextIsContinuation;
    }

    void feed(ByteBuffer data, long ts) {
        if (stopped) {
            return;
        }
        int p = data.position();
        int limit = data.limit();
        if (lost) {
            if (!handler.plausible(data, p, limit)) {
                return; // the whole chunk: a packet may start in the next one
            }
            lost = false;
        }
        while (p < limit) {
            if (!inPacket) {
                if (headerBytes == 0) {
                    startTs = ts;
                }
                if (headerBytes == 0 && limit - p >= 4) {
                    // the usual case, a whole header in the chunk: one load, not four (a result's rows are
                    // packets of a few bytes each, so this loop runs once per row)
                    int h = data.getInt(p);
                    header = data.order() == ByteOrder.LITTLE_ENDIAN ? h : Integer.reverseBytes(h);
                    p += 4;
                    headerBytes = 4;
                } else {
                    while (headerBytes < 4 && p < limit) {
                        header |= (data.get(p++) & 0xff) << (8 * headerBytes);
                        headerBytes++;
                    }
                    if (headerBytes < 4) {
                        return;
                    }
                }
                length = header & Wire.MAX_PACKET;
                seq = header >>> 24;
                headerBytes = 0;
                header = 0;
                continuation = nextIsContinuation;
                nextIsContinuation = length == Wire.MAX_PACKET;
                keep = Math.min(length, Math.min(capacity, Math.max(0, handler.keep(seq, length, continuation))));
                keptLen = 0;
                remaining = length;
                inPacket = true;
                if (remaining == 0) {
                    complete(ts);
                    if (lost || stopped) {
                        return;
                    }
                }
                continue;
            }
            int n = Math.min(remaining, limit - p);
            if (keptLen == 0 && n > 0 && !continuation && (data.get(p) & 0xff) == Wire.ERR) {
                keep = Math.min(length, Math.max(keep, ERR_KEEP));
            }
            if (keptLen < keep) {
                int c = Math.min(n, keep - keptLen);
                if (keptLen + c > kept.length) {
                    kept = java.util.Arrays.copyOf(kept, Math.min(capacity, Math.max(keptLen + c, 2 * kept.length)));
                }
                if (c == 1) {
                    kept[keptLen] = data.get(p); // a row keeps one byte: no bulk copy for it
                } else {
                    data.get(p, kept, keptLen, c);
                }
                keptLen += c;
            }
            p += n;
            remaining -= n;
            if (remaining == 0) {
                complete(ts);
                if (lost || stopped) {
                    return;
                }
            }
        }
    }

    private void complete(long ts) {
        inPacket = false;
        handler.packet(seq, length, kept, keptLen, continuation, startTs, ts);
    }

    /** Bytes were lost, or what came makes no sense: drop the packet in progress and wait for a chunk that starts one. */
    void lose() {
        inPacket = false;
        headerBytes = 0;
        header = 0;
        nextIsContinuation = false;
        lost = true;
    }

    boolean isLost() {
        return lost;
    }

    /** Bytes of the packet in progress (header included) seen so far, for a message cut by a loss. */
    long partialBytes() {
        return inPacket ? 4L + length - remaining : headerBytes;
    }

    void stop() {
        stopped = true;
        inPacket = false;
    }

    boolean stopped() {
        return stopped;
    }
}
