package io.flowscope.plugins.http2;

import io.flowscope.api.L7Message;
import java.util.Base64;

/**
 * What a connection handed over by HTTP/1.1's {@code Upgrade: h2c} (RFC 7540 §3.2; RFC 9113 §3.1 keeps the stream
 * rules) starts with: the upgraded request is stream 1's, half-closed for the client, so the server's first HEADERS
 * on stream 1 is its response; and the client's {@code HTTP2-Settings} are its first SETTINGS, in force before any
 * SETTINGS frame. The server then sends SETTINGS without a preface; the client sends the preface as usual.
 */
final class Upgraded {

    /** Receives one setting of the client's HTTP2-Settings. */
    @FunctionalInterface
    interface SettingSink {
        void setting(int id, long value);
    }

    private Upgraded() {
    }

    /**
     * Stream 1's request half from the HTTP/1.1 request: its method, target, Host, trace and times. It is whole (the
     * request ended in HTTP/1.1) and counts no bytes: they are the HTTP/1 row's.
     */
    static void request(Stream.Half q, L7Message http1) {
        q.method = http1.operation();
        q.path = http1.resource();
        q.authority = http1.domain();
        q.traceId = http1.traceId();
        q.spanId = http1.spanId();
        q.start = http1.startMicros();
        q.end = http1.endMicros();
        q.headersSeen = true;
        q.ended = true;
    }

    /**
     * The SETTINGS payload of an HTTP2-Settings value (base64url, padding optional): each 6-byte record to the sink.
     * A value that does not decode is ignored: the client's SETTINGS frame follows the preface anyway.
     */
    static boolean settings(String http2Settings, SettingSink sink) {
        if (http2Settings == null) {
            return false;
        }
        byte[] p;
        try {
            p = Base64.getUrlDecoder().decode(http2Settings.trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (int i = 0; i + 6 <= p.length; i += 6) {
            sink.setting((p[i] & 0xff) << 8 | p[i + 1] & 0xff, Frames.u32(p, i + 2));
        }
        return p.length % 6 == 0;
    }
}
