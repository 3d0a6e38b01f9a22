package io.flowscope.plugins.http1;

import io.flowscope.api.Detection;
import io.flowscope.api.L7Message;
import io.flowscope.api.ResponseStatus;
import java.nio.ByteBuffer;

/** One direction of an HTTP/1 connection: heads, bodies and resynchronisation after garbage or gaps. */
final class MessageHalf {

    private enum State { HEAD, PEEK, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILER, UNTIL_CLOSE, RESYNC, STOPPED }

    /** How a response starts: seen where a body would start, it shows the response before had none (HEAD). */
    private static final byte[] STATUS_START = {'H', 'T', 'T', 'P', '/'};

    private static final int INITIAL_BUFFER = 512;
    /** Line feeds noted per head; a head with more lines is split in lines again when parsed. */
    private static final int NOTED_LINES = 64;

    private final Http1Parser conn;
    private final boolean isRequest;
    private State state = State.HEAD;
    /** The head (in HEAD), a chunk-size or trailer line, or resync lookahead. */
    private byte[] buf = new byte[INITIAL_BUFFER];
    private int len;
    /** Where the head's line feeds are in {@link #buf} (the first {@link #NOTED_LINES}), and how many it has. */
    private final int[] lineEnd = new int[NOTED_LINES];
    private int lineEnds;
    /** Request header values that repeat on the connection (requests only; made with the first head). */
    private RepeatedValues recent;
    private boolean atLineStart = true;
    /** Whether the bytes of the head so far were checked to start like a message. */
    private boolean startChecked;

    // the message in progress
    private Head head;
    private long startTs;
    private long lastTs;
    private long bytes;
    private long remaining;
    /** In PEEK: the state the body would be read in. */
    private State afterPeek;
    private boolean emitted;
    private boolean lossy;
    /**
     * Requests only: a copy of what the client says after a request that offers an upgrade, until its answer. The
     * bytes are parsed as HTTP/1 all the same (as they are when the answer is not a 101, or never comes); a 101 hands
     * the copy over to the new protocol (a client that did not wait for it) and ends HTTP/1.
     */
    private final HeldBytes held;
    /** Whether the client's bytes are copied into {@link #held}; set where the upgrade request ended. */
    private boolean holding;
    private boolean holdFromHere;
    /** Responses only: the 101 just completed, whose switch is made once the chunk it ends in is known. */
    private Head switching;

    MessageHalf(Http1Parser conn, boolean isRequest) {
        this.conn = conn;
        this.isRequest = isRequest;
        this.held = isRequest ? new HeldBytes() : null;
    }

    long retainedBytes() {
        return buf.length + lineEnd.length * 4L + (head == null ? 0 : 256) + (recent == null ? 0 : RepeatedValues.maxRetainedBytes())
                + (held == null ? 0 : held.retainedBytes());
    }

    void stop() {
        state = State.STOPPED;
        reset();
    }

    void feed(ByteBuffer data, long ts) {
        if (state == State.RESYNC && len == 0) {
            // a new chunk (packet, read) after lost bytes often starts a message: look for one right here
            atLineStart = true;
        }
        if (holding) {
            hold(data, data.position(), data.limit(), ts);
        }
        process(data, data.position(), data.limit(), ts);
    }

    private void process(ByteBuffer data, int p, int limit, long ts) {
        while (p < limit && state != State.STOPPED) {
            p = switch (state) {
                case HEAD -> head(data, p, limit, ts);
                case PEEK -> peek(data, p, limit, ts);
                case BODY -> skipBody(p, limit, ts, State.BODY);
                case CHUNK_SIZE -> chunkSize(data, p, limit, ts);
                case CHUNK_DATA -> skipBody(p, limit, ts, State.CHUNK_DATA);
                case CHUNK_CRLF -> chunkCrlf(data, p, limit, ts);
                case TRAILER -> trailer(data, p, limit, ts);
                case UNTIL_CLOSE -> untilClose(p, limit, ts);
                case RESYNC -> resync(data, p, limit, ts);
                case STOPPED -> limit;
            };
            if (holdFromHere) {
                // an upgrade request ended at p: the rest of this chunk is the first the client says after it
                holdFromHere = false;
                holding = true;
                hold(data, p, limit, ts);
            }
        }
        if (switching != null) {
            // a 101 ended at p: the rest of this chunk is the new protocol's
            Head h = switching;
            switching = null;
            conn.switchProtocols(h, data, p, limit, ts);
        }
    }

    void gap(long lost) {
        if (holding) {
            stopHolding(); // with a hole in it, the copy cannot be handed over whole
        }
        switch (state) {
            case BODY, CHUNK_DATA -> {
                if (lost <= remaining) {
                    // the hole is inside a body whose length we know: the message stays whole
                    remaining -= lost;
                    bytes += lost;
                    lossy = true;
                    if (remaining == 0) {
                        if (state == State.BODY) {
                            complete();
                        } else {
                            state = State.CHUNK_CRLF;
                            len = 0;
                        }
                    }
                    return;
                }
                lostBoundary();
            }
            case UNTIL_CLOSE -> {
                bytes += lost;
                lossy = true;
            }
            case STOPPED -> {
            }
            default -> lostBoundary();
        }
    }

    /**
     * Where the body of a response to an unknown request would start: bytes that begin a status line mean
     * there is no body (the request was a HEAD); anything else is the body.
     */
    private int peek(ByteBuffer d, int p, int limit, long ts) {
        while (p < limit) {
            byte b = d.get(p);
            if (b == STATUS_START[len]) {
                buf[len++] = b;
                p++;
                if (len == STATUS_START.length) {
                    len = 0;
                    complete();
                    startMessage(ts);
                    System.arraycopy(STATUS_START, 0, buf, 0, STATUS_START.length);
                    len = STATUS_START.length;
                    bytes = len;
                    return p;
                }
                continue;
            }
            byte[] seen = java.util.Arrays.copyOf(buf, len);
            len = 0;
            state = afterPeek;
            process(ByteBuffer.wrap(seen), 0, seen.length, ts);
            return p;
        }
        return p;
    }

    void close() {
        stopHolding();
        switch (state) {
            case PEEK -> {
                len = 0;
                complete();
            }
            case BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILER, UNTIL_CLOSE -> {
                if (head != null) {
                    lossy |= state != State.UNTIL_CLOSE;
                    complete();
                }
            }
            default -> {
            }
        }
        reset();
        state = State.STOPPED;
    }

    /** The answer to the upgrade request was not a 101: the bytes after it were HTTP/1, as parsed. */
    void upgradeDeclined() {
        stopHolding();
    }

    /** Hands what was held to the new protocol (a 101 answered the upgrade request). */
    void handOverHeld(io.flowscope.api.ProtocolSwitch.Builder to) {
        if (holding) {
            held.handOver(to);
            holding = false;
        }
    }

    /** Copies client bytes that may be the offered protocol's; past the bound the client is taken to speak HTTP/1. */
    private void hold(ByteBuffer d, int p, int limit, long ts) {
        if (p < limit && !held.add(d, p, limit, ts)) {
            conn.context().reportProblem("upgrade_hold_full", "more than " + HeldBytes.MAX_BYTES
                    + " client bytes before the answer to an upgrade request: taken as HTTP/1");
            stopHolding();
        }
    }

    private void stopHolding() {
        if (held != null) {
            holding = false;
            holdFromHere = false;
            held.clear();
        }
    }

    /**
     * A response to an unknown request waits to see whether a body follows; a new request must not be
     * emitted before it, or first-in, first-out pairing would give it this response.
     */
    void emitEarlyIfPeeking() {
        if (state == State.PEEK && head != null && !emitted) {
            emit();
            emitted = true;
        }
    }

    void emitEarlyIfMidBody() {
        if (head != null && !emitted && (state == State.BODY || state == State.CHUNK_SIZE
                || state == State.CHUNK_DATA || state == State.CHUNK_CRLF || state == State.TRAILER)) {
            emit();
            emitted = true;
        }
    }

    // --- states ---

    /**
     * A head, in bulk: the bytes at hand are copied into {@link #buf} with one bulk get (as many as it holds), the
     * first ones checked to start a message, and the line feeds found a word at a time from where the copy starts
     * (each one noted, so that the head is not scanned again to split it in lines) up to the one that ends the
     * head. A head split across calls resumes where the last call stopped, never rescanning what was seen.
     */
    private int head(ByteBuffer d, int p, int limit, long ts) {
        if (len == 0) {
            while (p < limit && isLineEnd(d.get(p))) {
                p++; // empty lines between messages are allowed and ignored
            }
            if (p == limit) {
                return p;
            }
            startMessage(ts);
        }
        lastTs = ts;
        int cap = headCap();
        while (p < limit) {
            if (len == cap) {
                // the head is full and goes on: one byte more than the limit, as if it had been appended
                headTooLarge(d.get(p));
                return p + 1;
            }
            if (len == buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.min(cap, len * 2));
            }
            // as much as the buffer holds: what follows the head is copied for nothing, but a memory copy is cheap
            int from = len;
            int n = Math.min(limit - p, buf.length - len);
            d.get(p, buf, len, n);
            if (!startChecked) {
                int dropped = checkStart(from + n);
                if (dropped > 0) {
                    return p + dropped;
                }
                if (!startChecked) {
                    len += n; // all a beginning of a method or of HTTP/1.
                    bytes += n;
                    return p + n;
                }
            }
            int end = findHeadEnd(from, from + n);
            if (end >= 0) {
                int used = end + 1 - from;
                len = end + 1;
                bytes += used;
                onHead(ts);
                return p + used;
            }
            len += n;
            bytes += n;
            p += n;
        }
        return p;
    }

    /**
     * Whether the head's first bytes, {@code buf[0..to)} of which {@code buf[len..to)} are new, start a message (a
     * method or {@code HTTP/1.}): decided from them all at once when they do or may, otherwise byte by byte, so
     * that exactly the bytes that showed the head is not one are dropped before resynchronising. Returns how many
     * of the new bytes were dropped (0 when the head may go on).
     */
    private int checkStart(int to) {
        Detection start = conn.looksLikeStart(isRequest, buf, to);
        if (start == Detection.MATCH) {
            startChecked = true;
            return 0;
        }
        if (start == Detection.NEED_MORE_DATA) {
            return 0;
        }
        int k = len + 1;
        // the first length at which it is no match (at most to: no start that fails gets better with more bytes)
        while (k < to && conn.looksLikeStart(isRequest, buf, k) != Detection.NO_MATCH && buf[k - 1] != '\n') {
            k++;
        }
        int dropped = k - len;
        bytes += dropped;
        resyncFromHere(buf[k - 1]);
        return dropped;
    }

    /**
     * The index of the line feed in {@code buf[from..to)} that ends the head (CRLF CRLF, or bare LF LF), or -1;
     * every line feed found on the way is noted.
     */
    private int findHeadEnd(int from, int to) {
        int i = from;
        for (; i < to && i <= buf.length - Long.BYTES; i += Long.BYTES) {
            for (long lfs = LineFeeds.inWord(buf, i, to); lfs != 0; lfs &= lfs - 1) {
                int at = LineFeeds.lowest(lfs, i);
                if (lineEnd(at)) {
                    return at;
                }
            }
        }
        for (; i < to; i++) {
            if (buf[i] == '\n' && lineEnd(i)) {
                return i;
            }
        }
        return -1;
    }

    /** Notes the line feed at {@code buf[at]}; whether it ends the head. */
    private boolean lineEnd(int at) {
        if (lineEnds < lineEnd.length) {
            lineEnd[lineEnds] = at;
        }
        lineEnds++;
        byte before = at >= 1 ? buf[at - 1] : 0;
        return before == '\n' || (before == '\r' && at >= 2 && buf[at - 2] == '\n');
    }

    /** A head over the limit: reported (a message and a problem), then the next one is looked for. */
    private void headTooLarge(byte last) {
        bytes++;
        conn.context().reportProblem("head_too_large", (isRequest ? "request" : "response")
                + " head larger than " + conn.maxHead() + " bytes");
        len = 0;
        shrinkBuffer();
        failMessage("head larger than " + conn.maxHead() + " bytes");
        atLineStart = last == '\n';
    }

    /**
     * The most bytes a head may have: the limit, or the buffer's size when it is larger (the buffer never shrinks
     * below {@link #INITIAL_BUFFER}, and a head always could fill what it had).
     */
    private int headCap() {
        return Math.max(conn.maxHead(), buf.length);
    }

    private int skipBody(int p, int limit, long ts, State current) {
        long n = Math.min(remaining, limit - p);
        remaining -= n;
        bytes += n;
        lastTs = ts;
        p += (int) n;
        if (remaining == 0) {
            if (current == State.BODY) {
                complete();
            } else {
                state = State.CHUNK_CRLF;
                len = 0;
            }
        }
        return p;
    }

    private int chunkSize(ByteBuffer d, int p, int limit, long ts) {
        int cap = Math.max(Http1Parser.MAX_LINE, buf.length);
        int scanEnd = p + Math.min(limit - p, cap - len);
        int lf = LineFeeds.indexOf(d, p, scanEnd);
        lastTs = ts;
        if (lf < 0) {
            copy(d, p, scanEnd - p, cap);
            if (scanEnd < limit) {
                bytes++;
                failMessage("chunk size line too long");
                return scanEnd + 1;
            }
            return scanEnd;
        }
        copy(d, p, lf + 1 - p, cap);
        long size = parseChunkSize();
        len = 0;
        if (size < 0) {
            failMessage("bad chunk size");
        } else if (size == 0) {
            state = State.TRAILER;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
        return lf + 1;
    }

    private int chunkCrlf(ByteBuffer d, int p, int limit, long ts) {
        while (p < limit) {
            byte b = d.get(p++);
            bytes++;
            lastTs = ts;
            if (b == '\n') {
                state = State.CHUNK_SIZE;
                len = 0;
                return p;
            }
            if (b != '\r') {
                failMessage("chunk not followed by CRLF");
                return p;
            }
        }
        return p;
    }

    private int trailer(ByteBuffer d, int p, int limit, long ts) {
        lastTs = ts;
        while (p < limit) {
            int cap = Math.max(Http1Parser.MAX_LINE, buf.length);
            int scanEnd = p + Math.min(limit - p, cap - len);
            int lf = LineFeeds.indexOf(d, p, scanEnd);
            if (lf < 0) {
                copy(d, p, scanEnd - p, cap);
                if (scanEnd < limit) {
                    bytes++;
                    failMessage("trailer line too long");
                    return scanEnd + 1;
                }
                return scanEnd;
            }
            copy(d, p, lf + 1 - p, cap);
            p = lf + 1;
            boolean empty = len == 1 || (len == 2 && buf[0] == '\r');
            len = 0;
            if (empty) {
                complete();
                return p;
            }
        }
        return p;
    }

    private int untilClose(int p, int limit, long ts) {
        bytes += limit - p;
        lastTs = ts;
        return limit;
    }

    /** Drops bytes until a line start that looks like a message start, then parses from there. */
    private int resync(ByteBuffer d, int p, int limit, long ts) {
        while (p < limit) {
            byte b = d.get(p++);
            if (!atLineStart) {
                atLineStart = b == '\n';
                continue;
            }
            if (len == 0 && (b == '\r' || b == '\n')) {
                continue;
            }
            if (len == 0) {
                startMessage(ts);
            }
            buf[len++] = b;
            bytes++;
            lastTs = ts;
            Detection start = conn.looksLikeStart(isRequest, buf, len);
            if (start == Detection.MATCH) {
                state = State.HEAD;
                startChecked = true;
                return p;
            }
            if (start == Detection.NO_MATCH || len >= 16) {
                len = 0;
                atLineStart = b == '\n';
            }
        }
        return p;
    }

    // --- message life cycle ---

    private void startMessage(long ts) {
        startTs = ts;
        lastTs = ts;
        bytes = 0;
        head = null;
        emitted = false;
        lossy = false;
        startChecked = false;
        lineEnds = 0;
    }

    private void onHead(long ts) {
        if (isRequest && recent == null) {
            recent = new RepeatedValues();
        }
        head = Head.parse(buf, len, isRequest, lineEnds <= lineEnd.length ? lineEnd : null, lineEnds, recent);
        shrinkBuffer();
        len = 0;
        if (head == null) {
            failMessage("malformed head");
            return;
        }
        if (isRequest) {
            conn.requestHeadParsed(head.method, head.upgrade != null);
            decideRequestBody();
        } else {
            decideResponseBody();
        }
    }

    private void decideRequestBody() {
        if (head.chunked) {
            state = State.CHUNK_SIZE;
        } else if (head.contentLength > 0) {
            remaining = head.contentLength;
            state = State.BODY;
        } else if (head.contentLength == Head.BAD_LENGTH) {
            failMessage("bad Content-Length");
        } else {
            complete();
        }
    }

    private void decideResponseBody() {
        int code = head.statusCode;
        if (code >= 100 && code < 200 && code != 101) {
            // interim response (100 Continue, 103 Early Hints): not the answer; the final one follows
            startMessage(lastTs);
            state = State.HEAD;
            return;
        }
        head.requestMethod = conn.takeRequestMethod();
        head.answersUpgrade = conn.answeredUpgrade();
        boolean noBody = code == 204 || code == 304 || code == 101 || "HEAD".equals(head.requestMethod)
                || ("CONNECT".equals(head.requestMethod) && code >= 200 && code < 300);
        State body;
        if (noBody) {
            complete();
            return;
        } else if (head.chunked) {
            body = State.CHUNK_SIZE;
        } else if (head.contentLength >= 0) {
            remaining = head.contentLength;
            if (remaining == 0) {
                complete();
                return;
            }
            body = State.BODY;
        } else if (head.contentLength == Head.BAD_LENGTH) {
            failMessage("bad Content-Length");
            return;
        } else {
            body = State.UNTIL_CLOSE;
        }
        if (head.requestMethod == null) {
            // the request was not seen: it may have been a HEAD, whose response announces a body it does not send
            afterPeek = body;
            len = 0;
            state = State.PEEK;
        } else {
            state = body;
        }
    }

    private void complete() {
        Head h = head;
        if (!isRequest) {
            conn.responseCompleting();
        }
        if (!emitted) {
            emit();
        }
        head = null;
        len = 0;
        state = State.HEAD;
        if (isRequest && h != null && h.upgrade != null && conn.upgradeUnanswered() && !holding) {
            // the client's next bytes are HTTP/1 or the offered protocol: the answer tells
            holdFromHere = true;
        }
        if (!isRequest && h != null) {
            if (h.statusCode == 101) {
                conn.switchedProtocols();
                switching = h;
            } else if ("CONNECT".equals(h.requestMethod) && h.statusCode >= 200 && h.statusCode < 300) {
                conn.switchedProtocols();
            } else if (h.answersUpgrade) {
                conn.upgradeDeclined();
            }
        }
    }

    private void emit() {
        if (isRequest) {
            conn.requestEmitting();
        }
        L7Message.Builder m = isRequest ? head.toRequest() : head.toResponse();
        m.time(startTs, lastTs).bytes(bytes);
        if (lossy) {
            java.util.Map<String, String> attributes = new java.util.TreeMap<>(isRequest ? head.attributes() : java.util.Map.of());
            attributes.put("capture", "incomplete");
            m.attributes(attributes);
        }
        L7Message message = m.build();
        if (isRequest && head.upgrade != null) {
            conn.upgradeRequested(message, head);
        }
        conn.context().sink().emit(message);
    }

    /** The message could not be parsed: report it as such and look for the next one. */
    private void failMessage(String why) {
        L7Message.Builder m = isRequest
                ? L7Message.request(Http1ParserFactory.PROTOCOL)
                : L7Message.response(Http1ParserFactory.PROTOCOL);
        if (head != null) {
            m = isRequest ? head.toRequest() : head.toResponse();
        }
        if (!emitted) {
            conn.context().sink().emit(m.status(ResponseStatus.PARSE_FAILED).exception(why)
                    .time(startTs, lastTs).bytes(bytes).build());
        }
        head = null;
        len = 0;
        atLineStart = false;
        state = State.RESYNC;
    }

    /** The bytes seen so far are not HTTP (or too long): drop them and resynchronise. */
    private void resyncFromHere(byte last) {
        head = null;
        len = 0;
        shrinkBuffer();
        atLineStart = last == '\n';
        state = State.RESYNC;
    }

    /** A gap swallowed a message boundary: finish what is known and resynchronise at the next line. */
    private void lostBoundary() {
        if (head != null && state != State.HEAD) {
            lossy = true;
            complete();
        }
        if (isRequest) {
            conn.requestsLost();
        }
        head = null;
        len = 0;
        shrinkBuffer();
        // a gap usually ends at a packet boundary, which is often where a message starts
        atLineStart = true;
        state = State.RESYNC;
    }

    private void reset() {
        head = null;
        len = 0;
        shrinkBuffer();
    }

    // --- buffer helpers ---

    private boolean append(byte b, int max) {
        if (len == buf.length) {
            if (len >= max) {
                return false;
            }
            buf = java.util.Arrays.copyOf(buf, Math.min(max, len * 2));
        }
        buf[len++] = b;
        return true;
    }

    /** Appends {@code d[p..p+n)} with one bulk get, growing the buffer up to {@code cap} (which it fits in). */
    private void copy(ByteBuffer d, int p, int n, int cap) {
        if (len + n > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.min(cap, Math.max(len + n, buf.length * 2)));
        }
        d.get(p, buf, len, n);
        len += n;
        bytes += n;
    }

    private static boolean isLineEnd(byte b) {
        return b == '\r' || b == '\n';
    }

    private void shrinkBuffer() {
        if (buf.length > INITIAL_BUFFER) {
            buf = new byte[INITIAL_BUFFER];
        }
    }

    private long parseChunkSize() {
        long size = 0;
        int digits = 0;
        for (int i = 0; i < len; i++) {
            int c = buf[i];
            int v = Character.digit(c, 16);
            if (v < 0) {
                if (c == ';' || c == '\r' || c == '\n' || c == ' ' || c == '\t') {
                    break;
                }
                return -1;
            }
            if (++digits > 15) {
                return -1;
            }
            size = size * 16 + v;
        }
        return digits == 0 ? -1 : size;
    }
}
