package io.flowscope.plugins.http2;

/**
 * What one HTTP/2 stream has shown so far: its request half and its response half. Reused for a later stream once
 * this one ended ({@link OpenStreams}): {@link #start} clears it.
 */
final class Stream {

    int id;
    final Half request = new Half();
    final Half response = new Half();
    /** Opened by a PUSH_PROMISE: its request came from the server. */
    boolean pushed;
    /** Order of opening, to find the oldest when the table is full. */
    long opened;

    /** Begins stream {@code id} afresh. */
    void start(int id, long opened) {
        this.id = id;
        this.opened = opened;
        pushed = false;
        request.clear();
        response.clear();
    }

    boolean grpc() {
        return request.grpc || response.grpc;
    }

    /** One direction of a stream. */
    static final class Half {
        boolean headersSeen;
        boolean ended;
        boolean emitted;
        long start = -1;
        long end;
        long bytes;
        // request pseudo-headers
        String method;
        String path;
        String authority;
        // response
        int status = -1;
        int grpcStatus = -1;
        String grpcMessage;
        boolean grpc;
        /** A content-type was decoded (gRPC's or another): whether the stream is gRPC is then known. */
        boolean contentType;
        String traceId;
        String spanId;
        /** Fields that referenced dynamic-table entries this capture does not hold. */
        int unknownFields;
        // gRPC length-prefixed messages in DATA (grpc/doc/PROTOCOL-HTTP2.md)
        int grpcMessages;
        /**
         * How many messages there were is not known: DATA bytes were lost past a message's end (where the next one
         * begins is lost), or DATA came on a half whose gRPC content-type was not decoded.
         */
        boolean grpcMessagesUnknown;
        private int prefixRead;
        private long messageLength;
        private long messageLeft;

        void clear() {
            headersSeen = false;
            ended = false;
            emitted = false;
            start = -1;
            end = 0;
            bytes = 0;
            method = null;
            path = null;
            authority = null;
            status = -1;
            grpcStatus = -1;
            grpcMessage = null;
            grpc = false;
            contentType = false;
            traceId = null;
            spanId = null;
            unknownFields = 0;
            grpcMessages = 0;
            grpcMessagesUnknown = false;
            prefixRead = 0;
            messageLength = 0;
            messageLeft = 0;
        }

        void frame(long frameStart, long frameEnd, long frameBytes) {
            if (start < 0) {
                start = frameStart;
            }
            end = frameEnd;
            bytes += frameBytes;
        }

        /**
         * {@code len} DATA payload bytes of this half were lost (a syscall's payload captured only in part, a hole
         * inside a frame): within the current message they are skipped exactly; past its end the next prefix is lost.
         */
        void dataLost(long len) {
            if (!grpc) {
                grpcMessagesUnknown = true;
                return;
            }
            if (prefixRead == 0 && len <= messageLeft) {
                messageLeft -= len;
            } else {
                grpcMessagesUnknown = true;
            }
        }

        /** DATA payload bytes: counts the gRPC messages that begin in them. */
        void data(byte[] b, int off, int len) {
            if (!grpc || grpcMessagesUnknown) {
                // DATA of a half whose gRPC content-type was not seen (unknown, or not gRPC): its messages are not counted
                grpcMessagesUnknown = true;
                return;
            }
            while (len > 0) {
                if (messageLeft > 0) {
                    int k = (int) Math.min(len, messageLeft);
                    messageLeft -= k;
                    off += k;
                    len -= k;
                    continue;
                }
                if (prefixRead == 0) {
                    grpcMessages++;
                } else {
                    messageLength = messageLength << 8 | (b[off] & 0xff);
                }
                off++;
                len--;
                if (++prefixRead == 5) {
                    messageLeft = messageLength;
                    messageLength = 0;
                    prefixRead = 0;
                }
            }
        }
    }
}
