package io.flowscope.platform.store;

/** Writing to the store failed; carries what was being written. */
public final class StoreWriteException extends RuntimeException {

    public StoreWriteException(String what, Throwable cause) {
        super(what + ": " + cause.getMessage(), cause);
    }

    private StoreWriteException(StoreWriteException again) {
        super(again.getMessage(), again);
    }

    /**
     * The failure of a writer thread, raised again in the thread that hands it rows: a new exception each
     * time (one exception thrown twice, by a call and then by close() in a try-with-resources, cannot
     * suppress itself), with the same message.
     */
    static StoreWriteException raisedAgain(Throwable failure) {
        return failure instanceof StoreWriteException s ? new StoreWriteException(s) : new StoreWriteException("writing flow logs", failure);
    }
}
