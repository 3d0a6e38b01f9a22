package io.flowscope.platform.capture;

import java.util.function.LongConsumer;

/** Tells a listener how many bytes of a file were read, every few MiB and once at the end. */
final class Progress {

    private static final long STEP = 8L << 20;

    private final LongConsumer listener;
    private long next = STEP;

    Progress(LongConsumer listener) {
        this.listener = listener;
    }

    void at(long offset) {
        if (listener != null && offset >= next) {
            listener.accept(offset);
            next = offset + STEP;
        }
    }

    void done(long size) {
        if (listener != null) {
            listener.accept(size);
        }
    }
}
