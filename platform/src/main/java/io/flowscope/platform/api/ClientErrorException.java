package io.flowscope.platform.api;

import org.springframework.http.HttpStatus;

/** A request refused for a reason the client can fix, with the status to answer and a message for people. */
public class ClientErrorException extends RuntimeException {

    private final HttpStatus status;

    public ClientErrorException(HttpStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public HttpStatus status() {
        return status;
    }

    /** 413: the body is larger than the endpoint takes. */
    public static ClientErrorException tooLarge(String message) {
        return new ClientErrorException(HttpStatus.CONTENT_TOO_LARGE, message);
    }

    /** 415: a content type the endpoint does not read. */
    public static ClientErrorException unsupportedType(String message) {
        return new ClientErrorException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, message);
    }

    /** 429: too many requests of this kind at once; try again shortly. */
    public static ClientErrorException busy(String message) {
        return new ClientErrorException(HttpStatus.TOO_MANY_REQUESTS, message);
    }
}
