package io.flowscope.platform.store;

/** Writing to the store failed; carries what was being written. */
public final class StoreWriteException extends RuntimeException {

    public StoreWriteException(String what, Throwable cause) {
        super(what + ": " + cause.getMessage(), cause);
    }
}
