package io.flowscope.plugins.http2;

/** What one HTTP/2 stream has shown so far: its request half and its response half. */
final class Stream {

    final int id;
    final Half request = new Half();
    final Half response = new Half();
    /** Opened by a PUSH_PROMISE: its request came from the server. */
    boolean pushed;
    /** Order of opening, to find the oldest when the table is full. */
    final long opened;

    Stream(int id, long opened) {
        this.id = id;
        this.opened = opened;
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
        String traceId;
        String spanId;
        /** Fields that referenced dynamic-table entries this capture does not hold. */
        int unknownFields;
        // gRPC length-prefixed messages in DATA (grpc/doc/PROTOCOL-HTTP2.md)
        int grpcMessages;
        private int prefixRead;
        private long messageLength;
        private long messageLeft;

        void frame(long frameStart, long frameEnd, long frameBytes) {
            if (start < 0) {
                start = frameStart;
            }
            end = frameEnd;
            bytes += frameBytes;
        }

        /** DATA payload bytes: counts the gRPC messages that begin in them. */
        void data(byte[] b, int off, int len) {
            if (!grpc) {
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
