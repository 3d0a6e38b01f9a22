package io.flowscope.plugins.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The client's side of a connection: commands as arrays of bulk strings ({@code *N $len …}) or inline lines
 * ({@code PING\r\n}), read as they stream in, split anywhere. Nothing is buffered but what the row keeps: the
 * resource (command and arguments, as the {@link ArgumentPolicy} lets them through, at most
 * {@link #MAX_RESOURCE} bytes) and the first bytes of the argument being read. A bulk string of any length is
 * skipped by its length. Malformed bytes are reported once and skipped up to the next plausible command: a
 * {@code *} whose count, first bulk length and command name parse.
 */
final class CommandReader {

    /** Bytes of command and arguments kept for {@code request_resource}; longer ones end with {@code ...}. */
    static final int MAX_RESOURCE = 1024;
    /** Redis's own limit of an inline command line (PROTO_INLINE_MAX_SIZE). */
    static final int MAX_INLINE = 64 * 1024;
    /** Redis's default proto-max-bulk-len: a longer argument is not a command's. */
    static final long MAX_BULK = 512L * 1024 * 1024;
    /** Arguments of one command; Redis takes up to INT_MAX, but a resynchronising guess must be plausible. */
    static final long MAX_ARGS = Integer.MAX_VALUE;
    static final long MAX_ARGS_WHEN_GUESSING = 1 << 20;

    interface Listener {
        /** A whole command (or, when {@code incomplete}, one a gap cut, whose name is known). */
        void command(CommandReader c, boolean incomplete);

        void problem(String kind, String message);
    }

    private static final int START = 0;
    private static final int ARRAY_LEN = 1;
    private static final int ARRAY_LF = 2;
    private static final int BULK_TYPE = 3;
    private static final int BULK_LEN = 4;
    private static final int BULK_LF = 5;
    private static final int BULK_DATA = 6;
    private static final int DATA_CR = 7;
    private static final int DATA_LF = 8;
    private static final int INLINE = 9;
    private static final int RESYNC = 10;

    private final Listener listener;
    private final boolean obfuscate;
    private final ArgumentPolicy policy = new ArgumentPolicy();
    private final byte[] resource = new byte[MAX_RESOURCE];
    private final byte[] head = new byte[Commands.MAX_NAME];
    private final byte[] upper = new byte[Commands.MAX_NAME];

    private int state = START;
    /** After garbage or a gap: the command being read is a guess until its name proves plausible. */
    private boolean guessing;
    /** The client has sent inline commands: after a gap, line starts are tried too. */
    private boolean inlineSeen;
    private long offset;
    private long num;
    private int digits;
    private boolean negative;

    // the command being read
    private long startOffset;
    private long startMicros;
    private long endMicros;
    private long argsLeft;
    private long argCount;
    private int argIndex;
    private boolean incomplete;
    private int resourceLen;
    private boolean truncated;
    private int slot;
    private String operation;

    // the argument being read
    private long remaining;
    private long argLen;
    private int headLen;
    private int argStart;
    private int action;

    // inline tokenizer
    private int lineBytes;
    private boolean inToken;
    private byte quote;
    private boolean escape;

    CommandReader(Listener listener, boolean obfuscate) {
        this.listener = listener;
        this.obfuscate = obfuscate;
    }

    // what the listener reads of a finished command

    String operation() {
        return operation;
    }

    int slot() {
        return slot;
    }

    long arguments() {
        return argCount - 1;
    }

    /** The first bytes of the last argument read (for CLIENT REPLY's mode). */
    boolean lastArgumentIs(String word) {
        if (argLen != word.length() || headLen != argLen) {
            return false;
        }
        for (int k = 0; k < headLen; k++) {
            if ((head[k] & 0xdf) != (word.charAt(k) & 0xdf)) {
                return false;
            }
        }
        return true;
    }

    /** The second word of the command, upper-cased (CLIENT REPLY), or null. */
    private byte secondWord0;

    byte secondWordFirstByte() {
        return secondWord0;
    }

    String resource() {
        String s = new String(resource, 0, resourceLen, StandardCharsets.UTF_8);
        return truncated ? s + "..." : s;
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
        int end = b.limit();
        final int base = p;
        while (p < end) {
            switch (state) {
                case START: {
                    byte c = b.get(p);
                    if (c == '*' && !guessing) {
                        int next = wholeCommand(b, p, end, ts, base);
                        if (next > p) {
                            p = next;
                            break;
                        }
                    }
                    if (c == '*') {
                        begin(ts, base, p);
                        p++;
                        state = ARRAY_LEN;
                        number();
                    } else if (c == '\r' || c == '\n') {
                        p++; // an empty line: Redis ignores it
                    } else if (guessing && !inlineSeen) {
                        state = RESYNC;
                    } else {
                        begin(ts, base, p);
                        inline();
                        inlineSeen = true;
                        state = INLINE;
                    }
                    break;
                }
                case RESYNC: {
                    int i = p;
                    byte c = 0;
                    while (i < end && (c = b.get(i)) != '*' && (c != '\n' || !inlineSeen)) {
                        i++;
                    }
                    p = i;
                    if (i < end && c == '\n') {
                        // a client that sends inline commands: the next line may be one (a known command)
                        p++;
                        guessing = true;
                        state = START;
                    } else if (i < end) {
                        begin(ts, base, p);
                        p++;
                        guessing = true;
                        state = ARRAY_LEN;
                        number();
                    }
                    break;
                }
                case ARRAY_LEN:
                case BULK_LEN: {
                    byte c = b.get(p);
                    if (c >= '0' && c <= '9' && digits < 19) {
                        num = num * 10 + (c - '0');
                        digits++;
                        p++;
                    } else if (c == '-' && digits == 0 && !negative) {
                        negative = true;
                        p++;
                    } else if (c == '\r' && digits > 0) {
                        state = state == ARRAY_LEN ? ARRAY_LF : BULK_LF;
                        p++;
                    } else {
                        p = garbage(ts, base, p, state == ARRAY_LEN ? "bad array length" : "bad bulk length");
                    }
                    break;
                }
                case ARRAY_LF: {
                    if (b.get(p) != '\n') {
                        p = garbage(ts, base, p, "array length not ended by CRLF");
                        break;
                    }
                    p++;
                    if (negative || num == 0) {
                        // *0 and *-1 are no command: Redis reads on
                        state = guessing ? RESYNC : START;
                        break;
                    }
                    if (num > (guessing ? MAX_ARGS_WHEN_GUESSING : MAX_ARGS)) {
                        p = garbage(ts, base, p, "array of " + num + " arguments");
                        break;
                    }
                    argCount = num;
                    argsLeft = num;
                    state = BULK_TYPE;
                    break;
                }
                case BULK_TYPE: {
                    if (b.get(p) != '$') {
                        p = garbage(ts, base, p, "argument not a bulk string");
                        break;
                    }
                    p++;
                    state = BULK_LEN;
                    number();
                    break;
                }
                case BULK_LF: {
                    if (b.get(p) != '\n') {
                        p = garbage(ts, base, p, "bulk length not ended by CRLF");
                        break;
                    }
                    p++;
                    if (negative || num > MAX_BULK) {
                        p = garbage(ts, base, p, "bulk length " + (negative ? "-" : "") + num);
                        break;
                    }
                    startArg(num);
                    remaining = num;
                    state = num == 0 ? DATA_CR : BULK_DATA;
                    break;
                }
                case BULK_DATA: {
                    int n = (int) Math.min(remaining, end - p);
                    argBytes(b, p, n);
                    p += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = DATA_CR;
                    }
                    break;
                }
                case DATA_CR: {
                    if (b.get(p) != '\r') {
                        p = garbage(ts, base, p, "bulk string longer than its length");
                        break;
                    }
                    p++;
                    state = DATA_LF;
                    break;
                }
                case DATA_LF: {
                    if (b.get(p) != '\n') {
                        p = garbage(ts, base, p, "bulk string not ended by CRLF");
                        break;
                    }
                    p++;
                    if (!endArg()) {
                        p = garbage(ts, base, p, "implausible command name");
                        break;
                    }
                    if (--argsLeft == 0) {
                        finish(ts, base, p);
                    } else {
                        state = BULK_TYPE;
                    }
                    break;
                }
                case INLINE: {
                    p = inlineBytes(b, p, end, ts, base);
                    break;
                }
                default:
                    throw new IllegalStateException("state " + state);
            }
        }
        offset += end - base;
    }

    /** Commands of more arguments than this take the byte-at-a-time path (a fast path must stay cheap to try). */
    private static final int FAST_MAX_ARGS = 64;

    /**
     * The fast path: a well-formed {@code *N $len …} command lying whole in {@code b[p, end)} is checked in local
     * variables first, then read with the same steps as the state machine (so the row is the same), without a
     * dispatch per byte. Returns the position after it, or {@code p} when the command is not whole here or not
     * well-formed: the state machine then reads it (and reports what is wrong) as before.
     */
    private int wholeCommand(ByteBuffer b, int p, int end, long ts, int base) {
        int i = p + 1;
        int n = 0;
        int digits = 0;
        byte c;
        while (i < end && (c = b.get(i)) >= '0' && c <= '9' && digits < 3) {
            n = n * 10 + (c - '0');
            digits++;
            i++;
        }
        if (digits == 0 || n == 0 || n > FAST_MAX_ARGS || i + 1 >= end || b.get(i) != '\r' || b.get(i + 1) != '\n') {
            return p;
        }
        i += 2;
        int first = i;
        for (int k = 0; k < n; k++) {
            i = bulkEnd(b, i, end);
            if (i < 0) {
                return p;
            }
        }
        // whole and well-formed: read it
        begin(ts, base, p);
        argCount = n;
        argsLeft = n;
        i = first;
        for (int k = 0; k < n; k++) {
            int len = 0;
            int j = i + 1;
            while ((c = b.get(j)) != '\r') {
                len = len * 10 + (c - '0');
                j++;
            }
            j += 2;
            startArg(len);
            argBytes(b, j, len);
            endArg(); // true: only a guess can be refused, and guesses take the slow path
            i = j + len + 2;
        }
        argsLeft = 0;
        finish(ts, base, i);
        return i;
    }

    /** The end of a well-formed {@code $len\r\n<len bytes>\r\n} at {@code i} lying whole before {@code end}, or -1. */
    private static int bulkEnd(ByteBuffer b, int i, int end) {
        if (i >= end || b.get(i) != '$') {
            return -1;
        }
        i++;
        long len = 0;
        int digits = 0;
        byte c;
        while (i < end && (c = b.get(i)) >= '0' && c <= '9' && digits < 9) {
            len = len * 10 + (c - '0');
            digits++;
            i++;
        }
        if (digits == 0 || len > MAX_BULK || i + 1 >= end || b.get(i) != '\r' || b.get(i + 1) != '\n') {
            return -1;
        }
        long after = i + 2 + len;
        if (after + 2 > end || b.get((int) after) != '\r' || b.get((int) after + 1) != '\n') {
            return -1;
        }
        return (int) after + 2;
    }

    /** Bytes of one direction were lost: a hole inside an argument's bytes is survived, any other resynchronises. */
    void onGap(long lost) {
        if (state == BULK_DATA && lost <= remaining) {
            remaining -= lost;
            offset += lost;
            incomplete = true;
            if (remaining == 0) {
                state = DATA_CR;
            }
            return;
        }
        if (state != START && state != RESYNC && argIndex >= 0 && operation != null) {
            // the command's name was read: it is reported, cut, so that its reply still pairs with it
            incomplete = true;
            endMicros = Math.max(endMicros, startMicros);
            listener.command(this, true);
        }
        offset += lost;
        // the hole may end where a command starts: tried from the next byte, as a guess
        state = START;
        guessing = true;
    }

    private void begin(long ts, int base, int p) {
        startOffset = offset + (p - base);
        startMicros = ts;
        endMicros = ts;
        argIndex = -1;
        argCount = 0;
        incomplete = false;
        resourceLen = 0;
        truncated = false;
        slot = -1;
        operation = null;
        secondWord0 = 0;
    }

    private void number() {
        num = 0;
        digits = 0;
        negative = false;
    }

    private void startArg(long length) {
        argIndex++;
        argLen = 0;
        headLen = 0;
        action = argIndex < 0 ? ArgumentPolicy.KEEP : argIndex == 0 ? ArgumentPolicy.KEEP : policy.plan(argIndex - 1);
        argStart = resourceLen;
        if ((action == ArgumentPolicy.KEEP || action == ArgumentPolicy.INSPECT) && length != 0 && resourceLen > 0) {
            appendByte((byte) ' ');
        }
    }

    private void argBytes(ByteBuffer b, int p, int n) {
        if (n <= 0) {
            return;
        }
        if (headLen < head.length) {
            int h = Math.min(n, head.length - headLen);
            b.get(p, head, headLen, h);
            headLen += h;
        }
        if ((action == ArgumentPolicy.KEEP || action == ArgumentPolicy.INSPECT) && !truncated) {
            int room = MAX_RESOURCE - resourceLen;
            int r = Math.min(n, room);
            b.get(p, resource, resourceLen, r);
            resourceLen += r;
            if (r < n) {
                truncated = true;
            }
        }
        argLen += n;
    }

    private void argByte(byte c) {
        if (headLen < head.length) {
            head[headLen++] = c;
        }
        if (action == ArgumentPolicy.KEEP || action == ArgumentPolicy.INSPECT) {
            appendByte(c);
        }
        argLen++;
    }

    private void appendByte(byte c) {
        if (truncated) {
            return;
        }
        if (resourceLen < MAX_RESOURCE) {
            resource[resourceLen++] = c;
        } else {
            truncated = true;
        }
    }

    /** The argument is whole; false when a guessed command's name is not plausible. */
    private boolean endArg() {
        if (argIndex == 0) {
            if (!nameOf()) {
                return false;
            }
            policy.start(Commands.policy(slot), obfuscate);
            return true;
        }
        if (argIndex == 1) {
            secondWord0 = headLen > 0 ? (byte) (head[0] & 0xdf) : 0;
        }
        int decision = policy.done(argIndex - 1, head, headLen, argLen);
        if (action == ArgumentPolicy.INSPECT) {
            action = decision;
        }
        if (action == ArgumentPolicy.MASK) {
            resourceLen = argStart;
            truncated = argStart >= MAX_RESOURCE - 2 ? truncated : false;
            appendByte((byte) ' ');
            appendByte((byte) '?');
        } else if (action == ArgumentPolicy.DROP) {
            resourceLen = argStart;
        }
        return true;
    }

    /** Upper-cases the command name into {@code operation}; false if it cannot be a command (while guessing). */
    private boolean nameOf() {
        byte[] upper = this.upper;
        boolean plausible = headLen > 0 && argLen == headLen;
        for (int k = 0; k < headLen; k++) {
            byte c = head[k];
            if (c >= 'a' && c <= 'z') {
                c -= 32;
            } else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'
                    || c == '|' || c == ':')) {
                plausible = false;
            }
            upper[k] = c;
        }
        if (guessing && (!plausible || (state == INLINE && Commands.find(upper, headLen) < 0))) {
            return false;
        }
        guessing = false;
        slot = Commands.find(upper, headLen);
        operation = slot >= 0 ? Commands.name(slot)
                : new String(upper, 0, headLen, StandardCharsets.UTF_8);
        return true;
    }

    private void finish(long ts, int base, int p) {
        endMicros = ts;
        state = START;
        long saved = offset;
        offset = offset + (p - base);
        listener.command(this, incomplete);
        offset = saved;
    }

    /** Reports the bad byte at {@code p} (not while guessing) and resynchronises from it. */
    private int garbage(long ts, int base, int p, String why) {
        if (!guessing) {
            listener.problem("malformed_command", why + " at byte " + (offset + (p - base)));
        }
        state = RESYNC;
        guessing = true;
        // the byte that broke the command may start the next one: it is scanned again
        return p;
    }

    private void inline() {
        lineBytes = 0;
        inToken = false;
        quote = 0;
        escape = false;
    }

    private int inlineBytes(ByteBuffer b, int p, int end, long ts, int base) {
        while (p < end) {
            byte c = b.get(p);
            p++;
            if (++lineBytes > MAX_INLINE) {
                return garbage(ts, base, p - 1, "inline command over " + MAX_INLINE + " bytes");
            }
            if (c == '\n' && !escape) {
                if (inToken && !endInlineToken()) {
                    return garbage(ts, base, p - 1, "implausible inline command");
                }
                if (argIndex >= 0) {
                    argCount = argIndex + 1;
                    finish(ts, base, p);
                } else {
                    state = START;
                }
                return p;
            }
            if (quote == 0) {
                if (c == ' ' || c == '\t' || c == '\r') {
                    if (inToken && !endInlineToken()) {
                        return garbage(ts, base, p - 1, "implausible inline command");
                    }
                } else if (!inToken && (c == '"' || c == '\'')) {
                    quote = c;
                    inToken = true;
                    startArg(-1);
                } else {
                    if (!inToken) {
                        inToken = true;
                        startArg(-1);
                    }
                    argByte(c);
                }
            } else if (escape) {
                argByte(c);
                escape = false;
            } else if (c == '\\') {
                escape = true;
            } else if (c == quote) {
                quote = 0;
                if (!endInlineToken()) {
                    return garbage(ts, base, p - 1, "implausible inline command");
                }
            } else {
                argByte(c);
            }
        }
        return p;
    }

    private boolean endInlineToken() {
        inToken = false;
        if (argIndex == 0 && resourceLen > 0 && argLen == 0) {
            return false;
        }
        if (argLen == 0 && resourceLen > argStart) {
            resourceLen = argStart; // no space before an empty argument
        }
        return endArg();
    }
}
