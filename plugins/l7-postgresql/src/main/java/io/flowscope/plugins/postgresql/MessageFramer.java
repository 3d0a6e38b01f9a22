package io.flowscope.plugins.postgresql;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Cuts one direction's bytes into protocol-v3 messages: a type byte and a 4-byte length that counts itself,
 * or, from the client only, the untyped packets of the start (StartupMessage, SSLRequest, GSSENCRequest,
 * CancelRequest: a length, then a 4-byte code), told apart by their first byte, 0 (no type byte is 0, and a
 * length starts with 0 for any packet under 16 MiB). Resumes wherever a chunk ends.
 *
 * <p>Bodies are never held whole: the handler says how many of a message's first bytes it wants
 * ({@link Handler#keep}); those are copied into one buffer, the rest is skipped by length. A hole inside a body
 * leaves the framing intact (the message is delivered marked damaged); a hole that reaches past the end of
 * the message, or a length or type no PostgreSQL peer sends, loses it: the framer then scans for a message
 * that proves where one begins (the server's ReadyForQuery {@code Z 00000005 I|T|E}; the client's Sync
 * {@code S 00000004}, a Query followed by text, or a StartupMessage-like packet) and carries on from there.
 */
final class MessageFramer {

    /** PostgreSQL's MaxAllocSize: no message is longer. */
    static final int MAX_LENGTH = 0x3fffffff;
    /** PostgreSQL refuses longer startup packets (MAX_STARTUP_PACKET_LENGTH). */
    static final int MAX_STARTUP_LENGTH = 10000;
    static final int SSL_REQUEST = 80877103;
    static final int GSSENC_REQUEST = 80877104;
    static final int CANCEL_REQUEST = 80877102;
    private static final int WINDOW = 16;

    /** What the framer reports; called from within {@link #feed} and {@link #gap}. */
    interface Handler {
        /** How many of the body's first bytes to keep (0: skip it all). */
        int keep(boolean client, byte type, int bodyLength);

        /**
         * A whole message: {@code type} 0 for an untyped start packet; the first {@code kept} bytes of the body
         * in {@code body}; {@code damaged} when a hole fell within them.
         */
        void message(boolean client, byte type, byte[] body, int kept, int bodyLength, boolean damaged, long start, long end);

        /** Server only: whether a one-byte answer to SSLRequest or GSSENCRequest is due. */
        boolean singleByteAnswerDue();

        /** Server only: the one-byte answer ({@code S}, {@code G} or {@code N}). */
        void singleByteAnswer(byte answer, long ts);

        /** Framing was lost (a hole past a message's end, or bytes that are not a message). */
        void framingLost(boolean client, long ts);
    }

    private enum Mode { HEADER, BODY, RESYNC, STOPPED }

    private final boolean client;
    private final Handler handler;
    private final int maxKeep;
    private byte[] buf = new byte[64];
    private Mode mode = Mode.HEADER;
    private final byte[] header = new byte[5];
    private int headerFill;
    private byte type;
    private int bodyLength;
    private int bodyPos;
    private int keep;
    private boolean damaged;
    private long start;
    private final byte[] window = new byte[WINDOW];
    private int windowFill;

    MessageFramer(boolean client, Handler handler, int maxKeep) {
        this.client = client;
        this.handler = handler;
        this.maxKeep = maxKeep;
    }

    void feed(ByteBuffer data, long ts) {
        int p = data.position();
        int lim = data.limit();
        while (p < lim) {
            switch (mode) {
                case HEADER -> p = header(data, p, lim, ts);
                case BODY -> p = body(data, p, lim, ts);
                case RESYNC -> p = resync(data, p, lim, ts);
                default -> p = lim;
            }
        }
    }

    void gap(long lost, long ts) {
        switch (mode) {
            case HEADER -> lose(ts);
            case BODY -> {
                long remaining = bodyLength - bodyPos;
                if (bodyPos < keep) {
                    damaged = true;
                }
                if (lost < remaining) {
                    bodyPos += (int) lost;
                } else {
                    bodyPos = bodyLength;
                    deliver(ts);
                    if (lost > remaining && mode != Mode.STOPPED) {
                        lose(ts);
                    }
                }
            }
            case RESYNC -> windowFill = 0;
            default -> {
            }
        }
    }

    /** Nothing more of this direction is parsed (TLS follows). */
    void stop() {
        mode = Mode.STOPPED;
    }

    boolean stopped() {
        return mode == Mode.STOPPED;
    }

    long retainedBytes() {
        return buf.length + WINDOW + 64L;
    }

    private int header(ByteBuffer data, int p, int lim, long ts) {
        if (headerFill == 0) {
            start = ts;
            if (!client && handler.singleByteAnswerDue()) {
                byte b = data.get(p);
                if (b == 'S' || b == 'N' || b == 'G') {
                    handler.singleByteAnswer(b, ts);
                    return p + 1;
                }
                // anything else (an ErrorResponse of a server that knows no SSL) is a message as usual
            }
        }
        if (headerFill == 0 && lim - p >= 5 && !(client && data.get(p) == 0)) {
            // the usual case: a whole typed header in this chunk, read at once
            byte t = data.get(p);
            // big-endian whatever order the host's buffer is set to
            int len = (data.get(p + 1) & 0xff) << 24 | (data.get(p + 2) & 0xff) << 16 | (data.get(p + 3) & 0xff) << 8
                    | (data.get(p + 4) & 0xff);
            if (!validType(t) || !validLength(t, len)) {
                lose(ts);
                return p + 1;
            }
            begin(t, len - 4, ts);
            return p + 5;
        }
        while (p < lim) {
            header[headerFill++] = data.get(p++);
            boolean untyped = client && header[0] == 0;
            if (headerFill == 1 && !untyped && !validType(header[0])) {
                lose(ts);
                return p;
            }
            if (untyped && headerFill == 4) {
                int len = int32(header, 0);
                if (len < 8 || len > MAX_STARTUP_LENGTH) {
                    lose(ts);
                    return p;
                }
                begin((byte) 0, len - 4, ts);
                return p;
            }
            if (headerFill == 5) {
                int len = int32(header, 1);
                if (!validLength(header[0], len)) {
                    lose(ts);
                    return p;
                }
                begin(header[0], len - 4, ts);
                return p;
            }
        }
        return p;
    }

    private void begin(byte t, int length, long ts) {
        type = t;
        bodyLength = length;
        bodyPos = 0;
        damaged = false;
        keep = Math.min(Math.min(handler.keep(client, t, length), length), maxKeep);
        if (buf.length < keep) {
            buf = Arrays.copyOf(buf, Math.min(maxKeep, Math.max(keep, buf.length * 2)));
        }
        mode = Mode.BODY;
        if (length == 0) {
            deliver(ts);
        }
    }

    private int body(ByteBuffer data, int p, int lim, long ts) {
        int n = Math.min(lim - p, bodyLength - bodyPos);
        if (bodyPos < keep) {
            data.get(p, buf, bodyPos, Math.min(n, keep - bodyPos));
        }
        bodyPos += n;
        p += n;
        if (bodyPos == bodyLength) {
            deliver(ts);
        }
        return p;
    }

    private void deliver(long ts) {
        mode = Mode.HEADER;
        headerFill = 0;
        handler.message(client, type, buf, keep, bodyLength, damaged, start, ts);
    }

    private void lose(long ts) {
        mode = Mode.RESYNC;
        headerFill = 0;
        windowFill = 0;
        handler.framingLost(client, ts);
    }

    /** Byte by byte (this is rare), looking at the last bytes seen for a message that proves a boundary. */
    private int resync(ByteBuffer data, int p, int lim, long ts) {
        while (p < lim && mode == Mode.RESYNC) {
            if (windowFill == WINDOW) {
                System.arraycopy(window, 1, window, 0, WINDOW - 1);
                windowFill--;
            }
            window[windowFill++] = data.get(p++);
            if (client ? clientMarker(ts) : serverMarker(ts)) {
                windowFill = 0;
            }
        }
        return p;
    }

    private boolean serverMarker(long ts) {
        int i = windowFill - 6;
        if (i < 0 || window[i] != 'Z' || int32(window, i + 1) != 5) {
            return false;
        }
        byte status = window[i + 5];
        if (status != 'I' && status != 'T' && status != 'E') {
            return false;
        }
        start = ts;
        type = 'Z';
        bodyLength = 1;
        keep = 1;
        damaged = false;
        buf[0] = status;
        deliver(ts);
        return true;
    }

    private boolean clientMarker(long ts) {
        int n = windowFill;
        if (n >= 5 && window[n - 5] == 'S' && int32(window, n - 4) == 4) {
            start = ts;
            type = 'S';
            bodyLength = 0;
            keep = 0;
            damaged = false;
            deliver(ts);
            return true;
        }
        if (n >= 8 && window[n - 8] == 0) {
            int len = int32(window, n - 8);
            int code = int32(window, n - 4);
            boolean plausible = (code == SSL_REQUEST || code == GSSENC_REQUEST) ? len == 8
                    : code == CANCEL_REQUEST ? len == 16
                    : (code >>> 16) == 3 && (code & 0xffff) < 16 && len > 8 && len <= MAX_STARTUP_LENGTH;
            if (plausible) {
                resumeInBody((byte) 0, len - 4, n - 4, ts);
                return true;
            }
        }
        if (n >= 9 && window[n - 9] == 'Q') {
            int len = int32(window, n - 8);
            if (len >= 9 && len <= MAX_LENGTH && sqlStart(window[n - 4]) && text(window, n - 3, n)) {
                resumeInBody((byte) 'Q', len - 4, n - 4, ts);
                return true;
            }
        }
        return false;
    }

    /** A message found by the scan: its first body bytes are the window's from {@code from} on. */
    private void resumeInBody(byte t, int length, int from, long ts) {
        start = ts;
        type = t;
        bodyLength = length;
        damaged = false;
        keep = Math.min(Math.min(handler.keep(client, t, length), length), maxKeep);
        if (buf.length < keep) {
            buf = Arrays.copyOf(buf, Math.min(maxKeep, Math.max(keep, buf.length * 2)));
        }
        int have = windowFill - from;
        System.arraycopy(window, from, buf, 0, Math.min(have, keep));
        bodyPos = have;
        mode = Mode.BODY;
        if (bodyPos >= bodyLength) {
            bodyPos = bodyLength;
            deliver(ts);
        }
    }

    private static boolean sqlStart(byte c) {
        int u = c | 0x20;
        return (u >= 'a' && u <= 'z') || c == '(' || c == ' ' || c == '\n' || c == '\t' || c == '-' || c == '/';
    }

    private static boolean text(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static final boolean[] CLIENT_TYPES = types(true);
    private static final boolean[] SERVER_TYPES = types(false);

    private boolean validType(byte t) {
        return (client ? CLIENT_TYPES : SERVER_TYPES)[t & 0xff];
    }

    private static boolean[] types(boolean client) {
        boolean[] valid = new boolean[256];
        for (int t = 0; t < 256; t++) {
            valid[t] = knownType(client, (byte) t);
        }
        return valid;
    }

    private static boolean knownType(boolean client, byte t) {
        return client ? switch (t) {
            case 'Q', 'P', 'B', 'E', 'D', 'C', 'S', 'H', 'X', 'd', 'c', 'f', 'F', 'p' -> true;
            default -> false;
        } : switch (t) {
            case 'R', 'S', 'K', 'Z', 'C', 'I', '1', '2', '3', 'n', 's', 't', 'T', 'D', 'E', 'N', 'A', 'G', 'H', 'W',
                    'd', 'c', 'v', 'V' -> true;
            default -> false;
        };
    }

    /** Lengths a peer can send for the type: fixed for the small messages, else up to MaxAllocSize. */
    private boolean validLength(byte t, int len) {
        if (len < 4 || len > MAX_LENGTH) {
            return false;
        }
        if (client) {
            return switch (t) {
                case 'S', 'H', 'X', 'c' -> len == 4;
                case 'Q', 'C', 'D', 'E' -> len >= 5;
                default -> true;
            };
        }
        return switch (t) {
            case 'Z' -> len == 5;
            case 'I', '1', '2', '3', 'n', 'c', 's' -> len == 4;
            case 'K' -> len >= 12 && len <= 264;
            case 'R' -> len >= 8;
            case 'C', 'E', 'N' -> len >= 5;
            default -> true;
        };
    }

    static int int32(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }
}
