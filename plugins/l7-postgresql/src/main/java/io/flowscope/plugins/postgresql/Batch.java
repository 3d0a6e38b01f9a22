package io.flowscope.plugins.postgresql;

import java.util.Arrays;

/**
 * The client messages that one ReadyForQuery answers: a Query, or the extended-protocol messages up to a
 * Sync. Its statements are answered in order; after an ErrorResponse the server discards the rest of the
 * batch, so statements still unanswered at ReadyForQuery were not executed.
 */
final class Batch {

    /** Marks a slot without a statement (no nulls: the conformance kit's walk of the parser's state needs none). */
    private static final Statement NONE = new Statement(Statement.Kind.EXECUTE);
    private Statement[] items = {NONE, NONE};
    private int size;
    private int next;
    private boolean any;
    /** Oldest statements whose details were dropped to stay within bounds: their answers become lone responses. */
    int anonymousAhead;
    boolean closed;
    long closeTime;
    /** An ErrorResponse answered one of its messages. */
    boolean failed;
    /** Bytes of the client's side of it were lost: more answers may come than statements are known. */
    boolean lost;

    /** The batch's first Parse, for a PREPARE row when the batch executes nothing. */
    StatementCache.Entry parse;
    long parseStart = -1;
    long parseEnd;
    long parseBytes;

    void add(Statement s) {
        if (size == items.length) {
            if (next > 0) {
                // answered ones are gone: slide the rest down rather than grow
                System.arraycopy(items, next, items, 0, size - next);
                Arrays.fill(items, size - next, size, NONE);
                size -= next;
                next = 0;
            }
            if (size == items.length) {
                items = Arrays.copyOf(items, items.length * 2);
                Arrays.fill(items, size, items.length, NONE);
            }
        }
        items[size++] = s;
        any = true;
    }

    /** The oldest statement not yet answered, or null. */
    Statement current() {
        return next < size ? items[next] : null;
    }

    /** The current statement is answered (or dropped): the next one becomes current. */
    void advance() {
        items[next++] = NONE;
    }

    int unanswered() {
        return size - next;
    }

    /** Whether any statement was added (a Sync batch of Parse alone adds none). */
    boolean executes() {
        return any;
    }

    /** The statements not yet answered, oldest first, each taken out. */
    Statement poll() {
        if (next == size) {
            return null;
        }
        Statement s = items[next];
        advance();
        return s;
    }

    long retainedBytes() {
        return 64L + items.length * 8L;
    }
}
