package io.flowscope.platform.ebpf;

import com.sun.jna.LastErrorException;
import io.flowscope.platform.os.LibC;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * tracefs, where libbpf looks up tracepoint ids: a fresh machine may not have it mounted, so it is mounted at
 * /sys/kernel/tracing before tracepoints are attached (what `mount -t tracefs nodev /sys/kernel/tracing` does).
 */
public final class Tracefs {

    public static final Path MOUNT_POINT = Path.of("/sys/kernel/tracing");

    private Tracefs() {
    }

    /**
     * Mounts tracefs unless its events are there already.
     *
     * @return null when tracefs is usable, else why not
     */
    public static synchronized String ensureMounted() {
        if (Files.isDirectory(MOUNT_POINT.resolve("events")) || Files.isDirectory(Path.of("/sys/kernel/debug/tracing/events"))) {
            return null;
        }
        if (!Files.isDirectory(MOUNT_POINT)) {
            return "this kernel has no tracefs (" + MOUNT_POINT + " is missing)";
        }
        try {
            LibC.mount("nodev", MOUNT_POINT.toString(), "tracefs", 0, null);
            return null;
        } catch (LastErrorException e) {
            return "cannot mount tracefs at " + MOUNT_POINT + ": " + e.getMessage()
                    + (e.getErrorCode() == 1 ? " (needs root or CAP_SYS_ADMIN)" : "");
        }
    }
}
