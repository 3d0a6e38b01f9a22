package io.flowscope.platform.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/** A one-line progress bar on stderr, for terminals only; silent otherwise. */
final class ProgressBar implements LongConsumer {

    private static final int WIDTH = 30;

    private final PrintStream err;
    private final String name;
    private final long size;
    private final boolean enabled;
    private int lastPercent = -1;

    private ProgressBar(PrintStream err, String name, long size, boolean enabled) {
        this.err = err;
        this.name = name;
        this.size = size;
        this.enabled = enabled && size > 0;
    }

    static ProgressBar forFile(Path file, PrintStream err, boolean terminal) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            size = 0;
        }
        return new ProgressBar(err, file.getFileName().toString(), size, terminal && size > 32L << 20);
    }

    @Override
    public void accept(long bytesRead) {
        if (!enabled) {
            return;
        }
        int percent = (int) Math.min(100, bytesRead * 100 / size);
        if (percent == lastPercent) {
            return;
        }
        lastPercent = percent;
        int filled = percent * WIDTH / 100;
        err.print("\r[" + "=".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + percent + "% " + name);
        err.flush();
    }

    void done() {
        if (enabled && lastPercent >= 0) {
            err.print("\r" + " ".repeat(WIDTH + 8 + name.length()) + "\r");
            err.flush();
        }
    }
}
