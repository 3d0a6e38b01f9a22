package io.flowscope.platform.probes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * What this kernel offers probes, read from /sys and /proc at start (no native code, nothing loaded):
 * the names {@link io.flowscope.api.ProbeContext#kernelFeatures()} promises. A feature is listed only when
 * its interface is there; a probe that needs one that is missing is not started, and says which.
 */
public final class KernelFeatures {

    private KernelFeatures() {
    }

    /** The features of the running kernel. */
    public static Set<String> detect() {
        return detect(Path.of("/"));
    }

    /** The same, under another root (tests). */
    static Set<String> detect(Path root) {
        Set<String> f = new TreeSet<>();
        if (exists(root, "proc/net/packet")) {
            f.add("af_packet");
        }
        if (exists(root, "sys/kernel/btf/vmlinux")) {
            f.add("btf");
        }
        // tracefs mounted (or mountable under /sys/kernel/tracing), with syscall tracepoints
        if (exists(root, "sys/kernel/tracing/events/syscalls") || exists(root, "sys/kernel/debug/tracing/events/syscalls")) {
            f.add("tracepoint");
        } else if (exists(root, "sys/kernel/tracing")) {
            f.add("tracefs_unmounted");
        }
        if (exists(root, "sys/bus/event_source/devices/uprobe")) {
            f.add("uprobe");
        }
        if (exists(root, "sys/bus/event_source/devices/kprobe")) {
            f.add("kprobe");
        }
        if (exists(root, "proc/sys/kernel/perf_event_paranoid")) {
            f.add("perf_event");
        }
        if (exists(root, "proc/sys/kernel/unprivileged_bpf_disabled")) {
            f.add("bpf");
        }
        return f;
    }

    private static boolean exists(Path root, String p) {
        return Files.exists(root.resolve(p));
    }
}
