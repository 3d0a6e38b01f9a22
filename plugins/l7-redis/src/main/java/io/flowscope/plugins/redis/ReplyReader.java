package io.flowscope.plugins.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The server's side of a connection: RESP2 and RESP3 values (simple strings, errors, integers, bulk strings,
 * arrays; null, boolean, double, big number, bulk error, verbatim string, map, set, attribute, push), read as
 * they stream in, one top-level value (an attribute ahead of it included) being one reply. Nothing is buffered
 * but the head of an error (for {@code response_exception}) and, when asked, the first elements of an array or
 * push (to tell pub/sub messages from replies); aggregates are followed by a stack of element counts of bounded
 * depth, bulk strings of any length skipped by their length. Malformed bytes are reported once and skipped to
 * a line start from which a reply parses.
 */
final class ReplyReader {

    /** Bytes of an error reply kept, as DeepFlow keeps them (with the '-' or '!'); longer ones end with "...". */
    static final int MAX_ERROR = 256;
    /** Nesting of aggregates followed; deeper replies are taken as garbage (Redis nests a few levels). */
    static final int MAX_DEPTH = 32;
    /** Longest bulk string: Redis's strings end at 512 MB. */
    static final long MAX_BULK = 512L * 1024 * 1024;
    /** Elements of one aggregate. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE;
    /** Elements captured at the top of an array or push, and bytes of each. */
    static final int CAPTURED = 4;
    static final int MAX_CAPTURED = 128;
    /** A line (simple string, error, number) longer than this is no reply while resynchronising. */
    static final int MAX_GUESSED_LINE = 4096;

    interface Listener {
        /** A whole reply, or (incomplete) one a gap cut. */
        void reply(ReplyReader r, boolean incomplete);

        /** A reply that malformed bytes broke. */
        void broken(ReplyReader r);

        /** Whether the first elements of top-level arrays are to be captured (pub/sub may be on). */
        boolean capturePubSub();

        void problem(String kind, String message);
    }

    private static final int TYPE = 0;
    private static final int LINE = 1;
    private static final int LINE_LF = 2;
    private static final int LEN = 3;
    private static final int LEN_LF = 4;
    private static final int BULK_DATA = 5;
    private static final int BULK_CR = 6;
    private static final int BULK_LF = 7;
    private static final int RESYNC = 8;

    private final Listener listener;
    private final long[] left = new long[MAX_DEPTH];
    private final long[] count = new long[MAX_DEPTH];
    private final boolean[] attribute = new boolean[MAX_DEPTH];
    private final byte[] error = new byte[MAX_ERROR];
    private final byte[][] captured = new byte[CAPTURED][MAX_CAPTURED];
    private final int[] capturedLen = new int[CAPTURED];

    private int state = TYPE;
    private boolean guessing;
    private long offset;
    private int depth;
    private byte valueType;
    private long num;
    private int digits;
    private boolean negative;
    private long remaining;
    private int lineLen;

    // the reply being read
    private boolean started;
    private byte topType;
    private long startOffset;
    private long startMicros;
    private long endMicros;
    private boolean incomplete;
    private int errorLen;
    private boolean errorTruncated;
    private boolean capturing;
    private long topCount;
    /** Where the bytes of the value being read go: -1 nowhere, -2 the error, 0.. a captured element. */
    private int target;

    ReplyReader(Listener listener) {
        this.listener = listener;
    }

    // what the listener reads of a finished reply

    byte type() {
        return topType;
    }

    boolean isError() {
        return topType == '-' || topType == '!';
    }

    String error() {
        String s = new String(error, 0, errorLen, StandardCharsets.UTF_8);
        return errorTruncated ? s + "..." : s;
    }

    /** Elements of a top-level aggregate (-1 for a null or a non-aggregate). */
    long elements() {
        return topCount;
    }

    /** Whether captured element {@code i} equals {@code word} (Redis writes pub/sub kinds in lower case). */
    boolean elementIs(int i, String word) {
        if (!capturing || i >= CAPTURED || capturedLen[i] != word.length()) {
            return false;
        }
        byte[] b = captured[i];
        for (int k = 0; k < word.length(); k++) {
            if (b[k] != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** Captured element {@code i} as text (a channel, a pattern), or null. */
    String element(int i) {
        if (!capturing || i >= CAPTURED || capturedLen[i] < 0) {
            return null;
        }
        return new String(captured[i], 0, Math.min(capturedLen[i], MAX_CAPTURED), StandardCharsets.UTF_8);
    }

    long bytes() {
        return offset - startOffset;
    }

    long startMicros() {
        return startMicros;
    }

    long endMicros() {
        return endMicros;
    }

    void onData(ByteBuffer b, long ts) {
        int p = b.position();
        final int end = b.limit();
        final int base = p;
        while (p < end) {
            switch (state) {
                case TYPE: {
                    byte t = b.get(p);
                    if (!started) {
                        begin(ts, base, p);
                    }
                    p++;
                    p = type(t, b, base, p, ts);
                    break;
                }
                case LINE: {
                    int i = p;
                    while (i < end && b.get(i) != '\r') {
                        i++;
                    }
                    int n = i - p;
                    if (target != -1 && n > 0) {
                        copy(b, p, n);
                    }
                    lineLen += n;
                    if (guessing && lineLen > MAX_GUESSED_LINE) {
                        p = garbage(base, i, "line too long");
                        break;
                    }
                    p = i;
                    if (i < end) {
                        p++;
                        state = LINE_LF;
                    }
                    break;
                }
                case LINE_LF: {
                    if (b.get(p) != '\n') {
                        p = garbage(base, p, "line not ended by CRLF");
                        break;
                    }
                    p++;
                    if (!lineValid()) {
                        p = garbage(base, p, "bad " + (char) valueType + " line");
                        break;
                    }
                    p = valueDone(ts, base, p);
                    break;
                }
                case LEN: {
                    byte c = b.get(p);
                    if (c >= '0' && c <= '9' && digits < 19) {
                        num = num * 10 + (c - '0');
                        digits++;
                        p++;
                    } else if (c == '-' && digits == 0 && !negative) {
                        negative = true;
                        p++;
                    } else if (c == '\r' && digits > 0) {
                        state = LEN_LF;
                        p++;
                    } else {
                        p = garbage(base, p, "bad length of a " + (char) valueType);
                    }
                    break;
                }
                case LEN_LF: {
                    if (b.get(p) != '\n') {
                        p = garbage(base, p, "length not ended by CRLF");
                        break;
                    }
                    p++;
                    p = length(ts, base, p);
                    break;
                }
                case BULK_DATA: {
                    int n = (int) Math.min(remaining, end - p);
                    if (target != -1) {
                        copy(b, p, n);
                    }
                    p += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = BULK_CR;
                    }
                    break;
                }
                case BULK_CR: {
                    if (b.get(p) != '\r') {
                        p = garbage(base, p, "bulk string longer than its length");
                        break;
                    }
                    p++;
                    state = BULK_LF;
                    break;
                }
                case BULK_LF: {
                    if (b.get(p) != '\n') {
                        p = garbage(base, p, "bulk string not ended by CRLF");
                        break;
                    }
                    p++;
                    p = valueDone(ts, base, p);
                    break;
                }
                case RESYNC: {
                    int i = p;
                    while (i < end && b.get(i) != '\n') {
                        i++;
                    }
                    p = i;
                    if (i < end) {
                        p++;
                        state = TYPE;
                        guessing = true;
                        started = false;
                        depth = 0;
                    }
                    break;
                }
                default:
                    throw new IllegalStateException("state " + state);
            }
        }
        offset += end - base;
    }

    /** Bytes were lost: a hole inside a bulk string's bytes is survived, any other resynchronises. */
    void onGap(long lost) {
        if (state == BULK_DATA && lost <= remaining) {
            remaining -= lost;
            offset += lost;
            incomplete = true;
            if (remaining == 0) {
                state = BULK_CR;
            }
            return;
        }
        if (started && state != RESYNC && !guessing) {
            // the reply is reported, cut, so that the replies after it still pair with their commands
            incomplete = true;
            if (topType == 0) {
                topType = valueType;
            }
            listener.reply(this, true);
        }
        offset += lost;
        started = false;
        depth = 0;
        // the hole may end where a reply starts: tried from the next byte, as a guess
        state = TYPE;
        guessing = true;
    }

    private void begin(long ts, int base, int p) {
        started = true;
        topType = 0;
        startOffset = offset + (p - base);
        startMicros = ts;
        endMicros = ts;
        incomplete = false;
        errorLen = 0;
        errorTruncated = false;
        capturing = false;
        topCount = -1;
        depth = 0;
    }

    private int type(byte t, ByteBuffer b, int base, int p, long ts) {
        valueType = t;
        target = -1;
        boolean top = depth == 0;
        if (top && t != '|') {
            topType = t;
        }
        if (top && (t == '-' || t == '!')) {
            target = -2;
            error[0] = t;
            errorLen = 1;
        } else if (capturing && depth == 1 && !attribute[0]) {
            long index = count[0] - left[0];
            if (index < CAPTURED) {
                target = (int) index;
                capturedLen[target] = 0;
            }
        }
        switch (t) {
            case '+': case '-': case ':': case '_': case '#': case ',': case '(':
                lineLen = 0;
                state = LINE;
                return p;
            case '$': case '!': case '=':
            case '*': case '%': case '~': case '>': case '|':
                num = 0;
                digits = 0;
                negative = false;
                state = LEN;
                return p;
            default:
                return garbage(base, p - 1, "no RESP type: 0x" + Integer.toHexString(t & 0xff));
        }
    }

    /** A length line is read: a bulk string's bytes follow, or an aggregate's elements. */
    private int length(long ts, int base, int p) {
        byte t = valueType;
        boolean bulk = t == '$' || t == '!' || t == '=';
        if (negative) {
            if (num != 1) {
                return garbage(base, p, "length -" + num);
            }
            if (target >= 0) {
                capturedLen[target] = -1;
            }
            return valueDone(ts, base, p); // RESP2 null bulk string or array
        }
        if (bulk) {
            if (num > MAX_BULK) {
                return garbage(base, p, "bulk string of " + num + " bytes");
            }
            remaining = num;
            state = num == 0 ? BULK_CR : BULK_DATA;
            return p;
        }
        long n = (t == '%' || t == '|') ? 2 * num : num;
        if (num > MAX_ELEMENTS) {
            return garbage(base, p, "aggregate of " + num + " elements");
        }
        if (depth == 0 && t != '|') {
            topCount = num;
            capturing = (t == '>' || (t == '*' && listener.capturePubSub())) && num > 0;
            if (capturing) {
                for (int k = 0; k < CAPTURED; k++) {
                    capturedLen[k] = -1;
                }
            }
        }
        if (n == 0) {
            if (t == '|') {
                state = TYPE; // an empty attribute: the value follows
                return p;
            }
            return valueDone(ts, base, p);
        }
        if (depth == MAX_DEPTH) {
            return garbage(base, p, "aggregates nested over " + MAX_DEPTH + " levels");
        }
        left[depth] = n;
        count[depth] = n;
        attribute[depth] = t == '|';
        depth++;
        state = TYPE;
        return p;
    }

    /** A value is whole: its aggregate counts it, and the reply ends with the top-level value. */
    private int valueDone(long ts, int base, int p) {
        target = -1;
        while (depth > 0) {
            int d = depth - 1;
            if (--left[d] > 0) {
                state = TYPE;
                return p;
            }
            depth--;
            if (attribute[d]) {
                // an attribute describes the value after it, which is the one that counts
                state = TYPE;
                return p;
            }
        }
        endMicros = ts;
        state = TYPE;
        guessing = false;
        started = false;
        long saved = offset;
        offset = offset + (p - base);
        listener.reply(this, incomplete);
        offset = saved;
        return p;
    }

    private boolean lineValid() {
        switch (valueType) {
            case '_':
                return lineLen == 0;
            case '#':
                return lineLen == 1;
            case ':':
            case '(':
            case ',':
                return lineLen > 0;
            default:
                return true;
        }
    }

    private void copy(ByteBuffer b, int p, int n) {
        if (target == -2) {
            int room = MAX_ERROR - errorLen;
            int c = Math.min(room, n);
            if (c > 0) {
                b.get(p, error, errorLen, c);
                errorLen += c;
            }
            if (c < n) {
                errorTruncated = true;
            }
        } else if (target >= 0) {
            int have = capturedLen[target];
            int c = Math.min(MAX_CAPTURED - have, n);
            if (c > 0) {
                b.get(p, captured[target], have, c);
                capturedLen[target] = have + c;
            }
        }
    }

    /** Reports the bad byte at {@code p} (not while resynchronising) and skips to the next line. */
    private int garbage(int base, int p, String why) {
        if (!guessing) {
            listener.problem("malformed_reply", why + " at byte " + (offset + (p - base)));
            if (started) {
                long saved = offset;
                offset = offset + (p - base);
                listener.broken(this);
                offset = saved;
            }
        }
        started = false;
        depth = 0;
        guessing = true;
        state = RESYNC;
        return p;
    }
}
