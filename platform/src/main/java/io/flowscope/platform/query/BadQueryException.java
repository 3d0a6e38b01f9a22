package io.flowscope.platform.query;

import io.flowscope.platform.api.ClientErrorException;
import org.springframework.http.HttpStatus;

/** A request the query API refuses, with a message that says why; answered with 400. */
public final class BadQueryException extends ClientErrorException {

    public BadQueryException(String message) {
        super(HttpStatus.BAD_REQUEST, message);
    }
}
