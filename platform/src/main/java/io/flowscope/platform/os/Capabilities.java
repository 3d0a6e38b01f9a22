package io.flowscope.platform.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's effective capabilities (/proc/self/status CapEff), so a service can say what it lacks before trying. */
public final class Capabilities {

    public static final int CAP_NET_RAW = 13;
    public static final int CAP_SYS_ADMIN = 21;
    public static final int CAP_PERFMON = 38;
    public static final int CAP_BPF = 39;

    private Capabilities() {
    }

    /** Whether the process holds {@code capability}; true where /proc does not say (the call itself will tell). */
    public static boolean has(int capability) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << capability)) != 0;
                }
            }
        } catch (IOException | NumberFormatException unknown) {
            // not Linux's /proc
        }
        return true;
    }
}
