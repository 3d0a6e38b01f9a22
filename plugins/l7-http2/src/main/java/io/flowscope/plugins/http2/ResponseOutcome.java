package io.flowscope.plugins.http2;

import io.flowscope.api.L7Message;
import io.flowscope.api.ResponseStatus;

/**
 * A response's code, status and exception, from what of it could be decoded; never guessed (docs/protocols/http2.md,
 * "Status when fields are unknown"). A gRPC call's outcome is its {@code grpc-status}, not {@code :status 200}: when
 * the field that would say it cannot be decoded (a reference into a table the capture never saw, a block with
 * bytes lost, trailers that never came), the status is unknown.
 */
final class ResponseOutcome {

    /** What a stream is, as far as its decoded fields tell. */
    enum Kind {
        /** A gRPC content-type, or a grpc-status, was decoded. */
        GRPC,
        /** Unknown fields could hide a gRPC content-type, and nothing decoded rules gRPC out. */
        MAYBE_GRPC,
        /** A content-type that is not gRPC's, a method other than POST, or every field decoded without gRPC's. */
        HTTP
    }

    private ResponseOutcome() {
    }

    static Kind kind(Stream s) {
        Stream.Half q = s.request;
        Stream.Half r = s.response;
        if (q.grpc || r.grpc) {
            return Kind.GRPC;
        }
        if (q.contentType || r.contentType || (q.method != null && !q.method.equals("POST"))) {
            return Kind.HTTP;
        }
        if (r.grpcStatus >= 0) {
            return Kind.GRPC; // a grpc-status trailer on a POST whose content-type could not be read
        }
        return q.unknownFields > 0 || r.unknownFields > 0 ? Kind.MAYBE_GRPC : Kind.HTTP;
    }

    /** Sets the response's code and exception on {@code b}; returns its status. */
    static ResponseStatus apply(Stream s, L7Message.Builder b) {
        Stream.Half r = s.response;
        Kind kind = kind(s);
        if (kind == Kind.GRPC && r.grpcStatus >= 0) {
            b.statusCode(r.grpcStatus);
            if (r.grpcStatus != 0) {
                b.exception(r.grpcMessage != null && !r.grpcMessage.isEmpty() ? r.grpcMessage : Grpc.name(r.grpcStatus));
            }
            return Grpc.status(r.grpcStatus);
        }
        if (r.status < 0) {
            return ResponseStatus.UNKNOWN;
        }
        if (kind == Kind.HTTP || r.status != 200) {
            // an HTTP status that is not 200 is the outcome whatever the stream is (gRPC clients map it so too)
            return http(r.status, b);
        }
        // a 200 on a stream that is, or may be, gRPC: the outcome is in a grpc-status
        boolean wholeResponse = r.ended && r.unknownFields == 0;
        if (kind == Kind.MAYBE_GRPC) {
            // every field of an ended response decoded and no grpc-status: not gRPC, the 200 is the outcome
            return wholeResponse ? http(r.status, b) : ResponseStatus.UNKNOWN;
        }
        if (wholeResponse) {
            // the server ended the call without a grpc-status: its client fails it as UNKNOWN (2)
            b.statusCode(2);
            b.exception("missing grpc-status");
            return Grpc.status(2);
        }
        return ResponseStatus.UNKNOWN;
    }

    private static ResponseStatus http(int status, L7Message.Builder b) {
        b.statusCode(status);
        return status >= 500 ? ResponseStatus.SERVER_ERROR : status >= 400 ? ResponseStatus.CLIENT_ERROR : ResponseStatus.OK;
    }
}
