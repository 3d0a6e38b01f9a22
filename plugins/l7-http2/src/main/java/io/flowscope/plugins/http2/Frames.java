package io.flowscope.plugins.http2;

/** HTTP/2 frame constants (RFC 9113 §6) and the plausibility test detection and resynchronisation rely on. */
final class Frames {

    static final int HEADER = 9;
    static final int DEFAULT_MAX_FRAME = 16384;
    /** Frame lengths believed when the peer's SETTINGS_MAX_FRAME_SIZE was not seen (a capture begun late). */
    static final int UNSEEN_MAX_FRAME = 1 << 20;

    static final int DATA = 0;
    static final int HEADERS = 1;
    static final int PRIORITY = 2;
    static final int RST_STREAM = 3;
    static final int SETTINGS = 4;
    static final int PUSH_PROMISE = 5;
    static final int PING = 6;
    static final int GOAWAY = 7;
    static final int WINDOW_UPDATE = 8;
    static final int CONTINUATION = 9;

    static final int END_STREAM = 0x1;
    static final int ACK = 0x1;
    static final int END_HEADERS = 0x4;
    static final int PADDED = 0x8;
    static final int PRIORITY_FLAG = 0x20;

    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private Frames() {
    }

    /**
     * Whether a frame header could be real: a known type with only its defined flags, the stream id its type
     * requires, the reserved bit clear, and the length its type allows within {@code maxLength}. Stricter than a
     * receiver must be (undefined flags are to be ignored), which is what telling HTTP/2 from noise needs.
     */
    static boolean plausible(int length, int type, int flags, long rawStreamId, int maxLength) {
        if (length > maxLength || (rawStreamId & 0x8000_0000L) != 0) {
            return false;
        }
        boolean stream0 = rawStreamId == 0;
        return switch (type) {
            case DATA -> !stream0 && (flags & ~(END_STREAM | PADDED)) == 0;
            case HEADERS -> !stream0 && (flags & ~(END_STREAM | END_HEADERS | PADDED | PRIORITY_FLAG)) == 0;
            case PRIORITY -> !stream0 && length == 5 && flags == 0;
            case RST_STREAM -> !stream0 && length == 4 && flags == 0;
            case SETTINGS -> stream0 && length % 6 == 0 && (flags & ~ACK) == 0 && (flags == 0 || length == 0);
            case PUSH_PROMISE -> !stream0 && length >= 4 && (flags & ~(END_HEADERS | PADDED)) == 0;
            case PING -> stream0 && length == 8 && (flags & ~ACK) == 0;
            case GOAWAY -> stream0 && length >= 8 && flags == 0;
            case WINDOW_UPDATE -> length == 4 && flags == 0;
            case CONTINUATION -> !stream0 && (flags & ~END_HEADERS) == 0;
            default -> false;
        };
    }

    static int length(byte[] h, int at) {
        return (h[at] & 0xff) << 16 | (h[at + 1] & 0xff) << 8 | h[at + 2] & 0xff;
    }

    static long u32(byte[] h, int at) {
        return (h[at] & 0xffL) << 24 | (h[at + 1] & 0xff) << 16 | (h[at + 2] & 0xff) << 8 | h[at + 3] & 0xff;
    }

    /** Whether the 9 bytes at {@code at} are a plausible frame header. */
    static boolean plausibleAt(byte[] h, int at, int maxLength) {
        return plausible(length(h, at), h[at + 3] & 0xff, h[at + 4] & 0xff, u32(h, at + 5), maxLength);
    }

    /** Name of an HTTP/2 error code (RFC 9113 §7). */
    static String errorName(long code) {
        return switch ((int) Math.min(code, Integer.MAX_VALUE)) {
            case 0x0 -> "NO_ERROR";
            case 0x1 -> "PROTOCOL_ERROR";
            case 0x2 -> "INTERNAL_ERROR";
            case 0x3 -> "FLOW_CONTROL_ERROR";
            case 0x4 -> "SETTINGS_TIMEOUT";
            case 0x5 -> "STREAM_CLOSED";
            case 0x6 -> "FRAME_SIZE_ERROR";
            case 0x7 -> "REFUSED_STREAM";
            case 0x8 -> "CANCEL";
            case 0x9 -> "COMPRESSION_ERROR";
            case 0xa -> "CONNECT_ERROR";
            case 0xb -> "ENHANCE_YOUR_CALM";
            case 0xc -> "INADEQUATE_SECURITY";
            case 0xd -> "HTTP_1_1_REQUIRED";
            default -> "0x" + Long.toHexString(code);
        };
    }
}
