package io.flowscope.plugins.dns;

import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One TCP connection of DNS: per direction, messages behind a two-byte length. A message wholly inside a chunk is
 * decoded where it lies; one split over chunks is gathered first (at most 65,537 bytes, the largest a length can
 * say). After a hole inside a message whose length is known, the rest of that message is skipped and framing goes
 * on; a hole anywhere else loses the framing, and the parser looks for the next place where a length, a header a
 * DNS peer writes and a question of printable labels line up, in a bounded look-ahead.
 */
final class DnsStreamParser implements ProtocolParser {

    /** Look-ahead while resynchronising: more than a length, a header and the longest question (273 bytes). */
    static final int LOOK = 512;
    /** Messages gathered in both directions at their largest, the look-ahead of both, and change. */
    static final long MAX_STATE_BYTES = 2L * (2 + 65535 + 64) + 2L * (LOOK + 64) + 4096;
    /** A gathering buffer bigger than this is given back once its message is done. */
    private static final int KEEP = 4096;

    private final ParserContext context;
    private final Half fromClient = new Half(0);
    private final Half fromServer = new Half(1);

    DnsStreamParser(ParserContext context) {
        this.context = context;
    }

    /** One direction's framing. */
    private static final class Half {
        /** 0: queries are expected (client to server), 1: responses. */
        final int expectResponse;
        /** The message being gathered, its length prefix included. */
        byte[] buf;
        int have;
        /** The whole frame's size, prefix included, once the prefix is known; else 0. */
        int need;
        long startTs;
        /** Bytes still to skip: the rest of a message a hole broke. */
        long skip;
        /** The framing was lost: looking for the next message. */
        boolean lost;
        byte[] look;
        int lookLen;

        Half(int expectResponse) {
            this.expectResponse = expectResponse;
        }

        void resetFrame() {
            have = 0;
            need = 0;
            if (buf != null && buf.length > KEEP) {
                buf = null;
            }
        }
    }

    private Half half(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? fromClient : fromServer;
    }

    @Override
    public void onData(Direction direction, ByteBuffer data, long timestampMicros) {
        feed(half(direction), data, data.position(), data.limit(), timestampMicros);
    }

    private void feed(Half h, ByteBuffer data, int pos, int lim, long ts) {
        while (pos < lim) {
            if (h.skip > 0) {
                int n = (int) Math.min(h.skip, lim - pos);
                h.skip -= n;
                pos += n;
                continue;
            }
            if (h.lost) {
                pos = resync(h, data, pos, lim, ts);
                continue;
            }
            if (h.have == 0 && lim - pos >= 2) {
                int length = DnsDecoder.u16(data, pos);
                if (length < DnsDecoder.HEADER) {
                    badLength(h, length);
                    pos += 1; // the next byte may begin a message: the search starts there
                    continue;
                }
                if (lim - pos >= 2 + length) {
                    // the common case: the whole message is in this chunk, decoded where it lies
                    message(data, pos + 2, length, ts, ts);
                    pos += 2 + length;
                    continue;
                }
            }
            if (h.have == 0) {
                h.startTs = ts;
                ensure(h, 2);
            }
            if (h.need == 0) {
                h.buf[h.have++] = data.get(pos++);
                if (h.have == 2) {
                    int length = ((h.buf[0] & 0xff) << 8) | (h.buf[1] & 0xff);
                    if (length < DnsDecoder.HEADER) {
                        h.resetFrame();
                        badLength(h, length);
                        continue;
                    }
                    h.need = 2 + length;
                    ensure(h, h.need);
                }
                continue;
            }
            int n = Math.min(h.need - h.have, lim - pos);
            data.get(pos, h.buf, h.have, n);
            h.have += n;
            pos += n;
            if (h.have == h.need) {
                message(h.buf, 2, h.need - 2, h.startTs, ts);
                h.resetFrame();
            }
        }
    }

    private static void ensure(Half h, int size) {
        if (h.buf == null || h.buf.length < size) {
            byte[] b = new byte[Math.max(size, 256)];
            if (h.buf != null) {
                System.arraycopy(h.buf, 0, b, 0, h.have);
            }
            h.buf = b;
        }
    }

    private void message(ByteBuffer b, int at, int length, long start, long end) {
        emit(DnsDecoder.get().decode(b, at, length, false, start, end, 2L + length, DnsTcpParserFactory.PROTOCOL, context));
    }

    private void message(byte[] b, int at, int length, long start, long end) {
        emit(DnsDecoder.get().decode(b, at, length, false, start, end, 2L + length, DnsTcpParserFactory.PROTOCOL, context));
    }

    private void emit(L7Message m) {
        if (m != null) {
            context.sink().emit(m);
        }
    }

    private void badLength(Half h, int length) {
        context.reportProblem("bad_frame_length", "a DNS message of " + length
                + " bytes cannot hold a header: the stream is out of step, looking for the next message");
        loseFraming(h);
    }

    private void loseFraming(Half h) {
        h.lost = true;
        h.lookLen = 0;
    }

    /** Takes bytes into the look-ahead and searches it; returns where the input was read to. */
    private int resync(Half h, ByteBuffer data, int pos, int lim, long ts) {
        if (h.look == null) {
            h.look = new byte[LOOK];
        }
        int n = Math.min(LOOK - h.lookLen, lim - pos);
        data.get(pos, h.look, h.lookLen, n);
        h.lookLen += n;
        pos += n;
        DnsDecoder decoder = DnsDecoder.get();
        int i = 0;
        for (; i + 2 <= h.lookLen; i++) {
            int verdict = candidate(decoder, h, i);
            if (verdict > 0) {
                // found: what follows is fed again in step; what is left of the input follows it
                byte[] rest = Arrays.copyOfRange(h.look, i, h.lookLen);
                h.lost = false;
                h.lookLen = 0;
                h.look = null;
                context.reportProblem("resynchronised", "found the next DNS message after " + i
                        + " bytes of the look-ahead");
                feed(h, ByteBuffer.wrap(rest), 0, rest.length, ts);
                return pos;
            }
            if (verdict == 0) {
                break; // cannot tell yet: wait for more bytes
            }
        }
        // what was refused goes; the undecided rest stays
        System.arraycopy(h.look, i, h.look, 0, h.lookLen - i);
        h.lookLen -= i;
        return pos;
    }

    /** 1: a message begins at {@code i} of the look-ahead; -1: none does; 0: more bytes are needed to tell. */
    private static int candidate(DnsDecoder decoder, Half h, int i) {
        return decoder.judge(h.look, i + 2, h.lookLen - i - 2, DnsDecoder.u16(h.look, i), h.expectResponse);
    }

    @Override
    public void onGap(Direction direction, long lostBytes) {
        Half h = half(direction);
        if (lostBytes <= 0) {
            return;
        }
        if (h.lost) {
            h.lookLen = 0; // what was looked at does not continue across the hole
            return;
        }
        if (h.skip > 0) {
            if (lostBytes <= h.skip) {
                h.skip -= lostBytes;
            } else {
                h.skip = 0;
                lostInGap(h);
            }
            return;
        }
        if (h.need > 0) {
            long remaining = h.need - h.have;
            context.reportProblem("gap_in_message", lostBytes + " bytes lost inside a DNS message of "
                    + (h.need - 2) + " bytes: the message is dropped");
            h.resetFrame();
            if (lostBytes < remaining) {
                h.skip = remaining - lostBytes;
            } else if (lostBytes > remaining) {
                lostInGap(h);
            }
            return;
        }
        h.resetFrame();
        lostInGap(h);
    }

    private void lostInGap(Half h) {
        context.reportProblem("gap", "bytes lost where a DNS message begins: looking for the next one");
        loseFraming(h);
    }

    @Override
    public void onClose() {
        for (Half h : new Half[] {fromClient, fromServer}) {
            if (h.have > 0) {
                context.reportProblem("incomplete_message", "the connection ended inside a DNS message ("
                        + h.have + " bytes of it seen)");
            }
            h.resetFrame();
            h.lookLen = 0;
        }
    }

    @Override
    public long retainedBytes() {
        return held(fromClient) + held(fromServer);
    }

    private static long held(Half h) {
        return (h.buf != null ? h.buf.length + 64 : 0) + (h.look != null ? h.look.length + 64 : 0);
    }
}
