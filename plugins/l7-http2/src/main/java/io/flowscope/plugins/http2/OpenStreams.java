package io.flowscope.plugins.http2;

/**
 * The streams of one connection that are open, in the order they opened, packed at the front of an array that grows
 * to {@link Http2Parser#MAX_STREAMS}: lookups and the per-call {@code retainedBytes} see only open streams (a gRPC
 * channel has one or two at a time), not 128 slots. Streams that ended are kept for reuse (a few), so a connection
 * of many short calls allocates streams only for the most it had open at once.
 */
final class OpenStreams {

    private static final int SPARE = 4;

    private Stream[] open = new Stream[4];
    private int count;
    private final Stream[] spare = new Stream[SPARE];
    private int spareCount;
    private long opened;
    /** The stream found last: a stream's frames come in runs (HEADERS, DATA, its end), so most lookups are it. */
    private Stream last;

    int count() {
        return count;
    }

    /** The {@code i}-th open stream, oldest first. */
    Stream at(int i) {
        return open[i];
    }

    Stream find(int id) {
        Stream l = last;
        if (l != null && l.id == id) {
            return l;
        }
        for (int i = 0; i < count; i++) {
            if (open[i].id == id) {
                last = open[i];
                return last;
            }
        }
        return null;
    }

    /** The oldest open stream (opened first). */
    Stream oldest() {
        return count == 0 ? null : open[0];
    }

    /** A new open stream {@code id}; the caller has made room (at most {@link Http2Parser#MAX_STREAMS}). */
    Stream add(int id) {
        if (count == open.length) {
            open = java.util.Arrays.copyOf(open, Math.min(open.length * 2, Http2Parser.MAX_STREAMS));
        }
        Stream s = spareCount > 0 ? spare[--spareCount] : new Stream();
        spare[spareCount] = null;
        s.start(id, opened++);
        open[count++] = s;
        last = s;
        return s;
    }

    /** {@code s} is no longer open; nothing may use it after this (it may be handed out again). */
    void remove(Stream s) {
        if (last == s) {
            last = null;
        }
        for (int i = 0; i < count; i++) {
            if (open[i] == s) {
                System.arraycopy(open, i + 1, open, i, count - i - 1);
                open[--count] = null;
                if (spareCount < SPARE) {
                    spare[spareCount++] = s;
                }
                return;
            }
        }
    }

    /** Every stream closed at once (the connection ended); they are not reused. */
    void clear() {
        last = null;
        java.util.Arrays.fill(open, 0, count, null);
        count = 0;
    }

    long retainedBytes() {
        return (count + spareCount) * 400L + 8L * open.length + 64;
    }
}
