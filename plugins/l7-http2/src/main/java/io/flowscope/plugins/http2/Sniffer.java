package io.flowscope.plugins.http2;

import io.flowscope.api.Detection;
import io.flowscope.api.Direction;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Tells HTTP/2, gRPC over HTTP/2 and neither apart from a connection's first bytes. With a client preface it is
 * HTTP/2; which of the two is told by the first request's content-type, so both wait for its HEADERS (up to the
 * host's detection window). Without one, the bytes must read as a run of plausible frames (a capture begun late).
 */
final class Sniffer {

    enum Kind { NOT, MORE, HTTP2, GRPC }

    /** The most first bytes the host shows a detector (L7Session.DETECT_BYTES). */
    static final int WINDOW = 1024;

    private Sniffer() {
    }

    static Detection answer(Kind k, Kind mine) {
        return k == Kind.MORE ? Detection.NEED_MORE_DATA : k == mine ? Detection.MATCH : Detection.NO_MATCH;
    }

    static Kind classify(ByteBuffer buf, Direction direction) {
        int n = Math.min(buf.remaining(), WINDOW);
        if (n == 0) {
            return Kind.MORE;
        }
        byte[] a = new byte[n];
        buf.get(buf.position(), a, 0, n);
        int p = 0;
        boolean preface = false;
        if (direction == Direction.CLIENT_TO_SERVER && a[0] == 'P') {
            int m = Math.min(n, Frames.PREFACE.length);
            if (!Arrays.equals(a, 0, m, Frames.PREFACE, 0, m)) {
                return Kind.NOT;
            }
            if (m < Frames.PREFACE.length) {
                return Kind.MORE;
            }
            preface = true;
            p = m;
        }
        int limit = preface ? Frames.DEFAULT_MAX_FRAME : Frames.UNSEEN_MAX_FRAME;
        int frames = 0;
        boolean firstIsSettings = false;
        while (p + Frames.HEADER <= n) {
            if (!Frames.plausibleAt(a, p, limit)) {
                return preface ? Kind.HTTP2 : Kind.NOT;
            }
            int len = Frames.length(a, p);
            int type = a[p + 3] & 0xff;
            int flags = a[p + 4] & 0xff;
            if (frames == 0) {
                firstIsSettings = type == Frames.SETTINGS && flags == 0;
            }
            frames++;
            if (type == Frames.HEADERS) {
                if ((flags & Frames.END_HEADERS) == 0 || p + Frames.HEADER + len > n) {
                    // the content-type may be further than the window shows
                    return p + Frames.HEADER + len > n && n < WINDOW ? Kind.MORE : Kind.HTTP2;
                }
                return contentTypeIsGrpc(a, p + Frames.HEADER, len, flags) ? Kind.GRPC : Kind.HTTP2;
            }
            p += Frames.HEADER + len;
        }
        if (preface) {
            return n >= WINDOW ? Kind.HTTP2 : Kind.MORE;
        }
        boolean lastWhole = p == n;
        if (frames >= 2 || (frames == 1 && lastWhole)) {
            // frames but no HEADERS yet (a server's SETTINGS and WINDOW_UPDATE, sent before the client's first
            // request): HTTP/2 for sure, but whether gRPC only a HEADERS frame tells, so wait for one while the
            // window has room (deciding here gave every gRPC connection to http2)
            if (n < WINDOW) {
                return Kind.MORE;
            }
            return Kind.HTTP2;
        }
        if (frames == 1 || p + Frames.HEADER > n && p == 0) {
            return n >= WINDOW ? Kind.NOT : Kind.MORE;
        }
        return Kind.NOT;
    }

    private static boolean contentTypeIsGrpc(byte[] a, int from, int len, int flags) {
        int to = from + len;
        if ((flags & Frames.PADDED) != 0) {
            to -= a[from++] & 0xff;
        }
        if ((flags & Frames.PRIORITY_FLAG) != 0) {
            from += 5;
        }
        if (from > to) {
            return false;
        }
        Stream.Half h = new Stream.Half();
        Fields f = new Fields();
        f.target(h);
        new HpackDecoder().decode(a, from, to, f, new HpackDecoder.Scratch());
        return h.grpc;
    }
}
