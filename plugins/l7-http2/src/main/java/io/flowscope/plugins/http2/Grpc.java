package io.flowscope.plugins.http2;

import io.flowscope.api.ResponseStatus;

/** gRPC status codes (grpc/doc/statuscodes.md) and how they map to DeepFlow's response_status. */
final class Grpc {

    private static final String[] NAMES = {
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    };

    private Grpc() {
    }

    static String name(int code) {
        return code >= 0 && code < NAMES.length ? NAMES[code] : Integer.toString(code);
    }

    /**
     * 0 is OK; the codes that say the caller was wrong (cancelled, invalid argument, not found, already exists,
     * permission denied, failed precondition, out of range, unauthenticated) are client errors, as DeepFlow
     * classifies them; every other code is a server error.
     */
    static ResponseStatus status(int code) {
        return switch (code) {
            case 0 -> ResponseStatus.OK;
            case 1, 3, 5, 6, 7, 9, 11, 16 -> ResponseStatus.CLIENT_ERROR;
            default -> ResponseStatus.SERVER_ERROR;
        };
    }
}
