package io.flowscope.platform.ebpf;

import io.flowscope.platform.ebpf.SocketTraceLayout.Header;
import io.flowscope.platform.ebpf.SocketTraceLayout.Process;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The processes of this host: pid → name, executable, command line, start time, cgroup and container id.
 * Filled from /proc when the probe starts and kept current from the program's exec, fork and exit events
 * (what /proc no longer shows for a process that is gone is kept until the table needs the room). Bounded:
 * over its capacity the processes that exited longest ago go first, then the oldest; evictions are counted.
 * Written by the reader thread, read by any.
 */
public final class ProcessTable {

    /** One process as known now; {@code exitMicros} 0 while it runs. */
    public record Info(int pid, int ppid, String name, String executable, List<String> commandLine, long startMicros,
                       String cgroup, long cgroupId, String containerId, long exitMicros, int exitCode) {

        Info exited(long at, int code) {
            return new Info(pid, ppid, name, executable, commandLine, startMicros, cgroup, cgroupId, containerId, at, code);
        }

        Info withCommandLine(List<String> args) {
            return new Info(pid, ppid, name, executable, args, startMicros, cgroup, cgroupId, containerId, exitMicros,
                    exitCode);
        }
    }

    private static final Path PROC = Path.of("/proc");
    /** Where the cgroup v2 hierarchy is mounted: /sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid host. */
    private static final Path CGROUP_ROOT = cgroup2Mount();
    /** A container runtime's id in a cgroup path: 64 hex digits (docker-…scope, cri-containerd-…, /docker/…). */
    private static final Pattern CONTAINER = Pattern.compile("([0-9a-f]{64})");

    private final int capacity;
    private final Map<Integer, Info> processes = new ConcurrentHashMap<>();
    private final AtomicLong evictions = new AtomicLong();
    private final long bootMicros = bootMicros();
    private final long ticksPerSecond = 100; // USER_HZ: 100 on every Linux ABI Flowscope runs on

    public ProcessTable(int capacity) {
        this.capacity = capacity;
    }

    /** Reads every process /proc shows now. */
    public void loadFromProc() {
        try (Stream<Path> s = Files.list(PROC)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .forEach(n -> read(Integer.parseInt(n), 0, null).ifPresent(this::put));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * An exec, fork or exit event of the socket-trace program at {@code off}: the table is updated and the event
     * returned as a row of {@code event.proc_event}, or null when it is not one (a thread's fork).
     */
    ProcessEvent event(ByteBuffer raw, int off, long tsMicros) {
        ByteBuffer b = raw.order() == ByteOrder.nativeOrder() ? raw : raw.duplicate().order(ByteOrder.nativeOrder());
        int type = b.getInt(off + Header.TYPE);
        int pid = b.getInt(off + Header.PID);
        switch (type) {
            case SocketTraceLayout.EVENT_EXEC -> {
                int n = Math.min(b.getInt(off + Process.FILENAME_LEN), Process.FILENAME_CAPACITY);
                byte[] f = new byte[n];
                b.get(off + Process.FILENAME, f);
                String executable = new String(f, StandardCharsets.UTF_8);
                List<String> args = arguments(b, off);
                boolean wholeArgs = b.getInt(off + Process.ARGS_LEN) == b.getInt(off + Process.ARGS_FULL_LEN);
                long cgroupId = b.getLong(off + Process.CGROUP_ID);
                String name = comm(b, off);
                Info before = processes.get(pid);
                // /proc is read after the event: by then the process may have exec'd again (a launcher such as
                // jspawnhelper), moved to another cgroup, or ended. The event's program, name and arguments win;
                // /proc and what was known before give the rest where they still agree with the event.
                Info proc = read(pid, tsMicros, executable).orElse(null);
                Info known = proc != null ? proc : before;
                Info cgroupSource = proc != null && proc.cgroupId() == cgroupId ? proc
                        : before != null && before.cgroupId() == cgroupId ? before : null;
                List<String> commandLine = wholeArgs || proc == null || !proc.name().equals(name)
                        || proc.commandLine().isEmpty() ? args : proc.commandLine();
                Info now = new Info(pid, b.getInt(off + Process.PPID), name, executable, commandLine,
                        known != null ? known.startMicros() : tsMicros, cgroupSource != null ? cgroupSource.cgroup() : "",
                        cgroupId, cgroupSource != null ? cgroupSource.containerId() : null, 0, 0);
                put(now);
                return ProcessEvent.of(tsMicros, ProcessEvent.Type.EXEC, now, ProcessEvent.NO_EXIT_CODE);
            }
            case SocketTraceLayout.EVENT_FORK -> {
                int child = b.getInt(off + Process.CHILD_PID);
                Info before = processes.get(child);
                if (before != null && before.exitMicros() == 0) {
                    return null; // known and running: a thread of it, or seen in /proc already
                }
                // a new thread is a fork too: only a new thread group is a process (/proc tells which; a child
                // gone before it could be read is left to its exec and exit events)
                Info now = read(child, tsMicros, null).filter(i -> i.pid() == child).orElse(null);
                if (now == null) {
                    return null;
                }
                put(now);
                return ProcessEvent.of(tsMicros, ProcessEvent.Type.FORK, now, ProcessEvent.NO_EXIT_CODE);
            }
            case SocketTraceLayout.EVENT_EXIT -> {
                int code = b.getInt(off + Process.EXIT_CODE);
                Info gone = processes.computeIfPresent(pid, (k, i) -> i.exited(tsMicros, code));
                if (gone == null) {
                    gone = new Info(pid, b.getInt(off + Process.PPID), comm(b, off), null, List.of(), 0, "",
                            b.getLong(off + Process.CGROUP_ID), null, tsMicros, code);
                }
                return ProcessEvent.of(tsMicros, ProcessEvent.Type.EXIT, gone, code);
            }
            default -> {
                return null;
            }
        }
    }

    /** An exec event's arguments (NUL-separated; the last one cut when the block was longer than the event holds). */
    private static List<String> arguments(ByteBuffer b, int off) {
        int n = Math.min(b.getInt(off + Process.ARGS_LEN), Process.ARGS_CAPACITY);
        if (n == 0) {
            return List.of();
        }
        byte[] a = new byte[n];
        b.get(off + Process.ARGS, a);
        return splitArguments(a, a.length);
    }

    /** NUL-separated arguments, as /proc/PID/cmdline and the exec event hold them. */
    private static List<String> splitArguments(byte[] a, int n) {
        int end = a[n - 1] == 0 ? n - 1 : n;
        return List.of(new String(a, 0, end, StandardCharsets.UTF_8).split("\0", -1));
    }

    private static String comm(ByteBuffer b, int off) {
        return SocketTraceLayout.string(b, off + Header.COMM, SocketTraceLayout.COMM_LEN);
    }

    private void put(Info i) {
        processes.put(i.pid(), i);
        if (processes.size() > capacity) {
            evict();
        }
    }

    /** Down to 90 % of the capacity in one pass (a pass per process over a full table would be quadratic). */
    private void evict() {
        List<Info> order = new java.util.ArrayList<>(processes.values());
        order.sort((a, b) -> a.exitMicros() != 0 && b.exitMicros() != 0 ? Long.compare(a.exitMicros(), b.exitMicros())
                : a.exitMicros() != 0 ? -1 : b.exitMicros() != 0 ? 1 : Long.compare(a.startMicros(), b.startMicros()));
        int excess = order.size() - Math.max(1, capacity * 9 / 10);
        for (int k = 0; k < excess; k++) {
            if (processes.remove(order.get(k).pid()) != null) {
                evictions.incrementAndGet();
            }
        }
    }

    /** What /proc says of a process (empty when it is gone, or is a thread of another process). */
    private java.util.Optional<Info> read(int pid, long seenMicros, String executed) {
        Path dir = PROC.resolve(Integer.toString(pid));
        try {
            String status = Files.readString(dir.resolve("status"));
            int tgid = field(status, "Tgid:");
            if (tgid != pid) {
                return java.util.Optional.empty();
            }
            int ppid = field(status, "PPid:");
            String name = Files.readString(dir.resolve("comm")).strip();
            String exe = executed;
            try {
                exe = Files.readSymbolicLink(dir.resolve("exe")).toString();
            } catch (IOException | UnsupportedOperationException kernelThread) {
                // kernel threads have no executable; a short-lived process may be gone: the event's filename stays
            }
            byte[] cmd = Files.readAllBytes(dir.resolve("cmdline"));
            List<String> args = cmd.length == 0 ? List.of() : splitArguments(cmd, cmd.length);
            String cgroup = cgroup(dir);
            Matcher m = CONTAINER.matcher(cgroup);
            String container = m.find() ? m.group(1) : null;
            return java.util.Optional.of(new Info(pid, ppid, name, exe, args, start(dir, seenMicros), cgroup,
                    cgroupId(cgroup), container, 0, 0));
        } catch (IOException | RuntimeException gone) {
            return java.util.Optional.empty();
        }
    }

    private static String cgroup(Path dir) throws IOException {
        for (String line : Files.readAllLines(dir.resolve("cgroup"))) {
            if (line.startsWith("0::")) {
                return line.substring(3);
            }
        }
        return "";
    }

    private static Path cgroup2Mount() {
        try {
            for (String line : Files.readAllLines(PROC.resolve("mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("cgroup2")) {
                    return Path.of(f[1]);
                }
            }
        } catch (IOException e) {
            // then the usual place
        }
        return Path.of("/sys/fs/cgroup");
    }

    /** The cgroup v2 mount point. */
    static Path cgroupRoot() {
        return CGROUP_ROOT;
    }

    /** A cgroup v2 path's id (the inode of its directory, as bpf_get_current_cgroup_id gives it), 0 when unknown. */
    static long cgroupId(String path) {
        try {
            Object ino = Files.getAttribute(CGROUP_ROOT.resolve(path.startsWith("/") ? path.substring(1) : path), "unix:ino");
            return ((Number) ino).longValue();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Start time from /proc/PID/stat (clock ticks since boot), as µs since the epoch. */
    private long start(Path dir, long otherwise) throws IOException {
        String stat = Files.readString(dir.resolve("stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[19]); // field 22 of stat; f[0] is field 3
        return bootMicros > 0 ? bootMicros + ticks * 1_000_000 / ticksPerSecond : otherwise;
    }

    private static int field(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name)) {
                return Integer.parseInt(line.substring(name.length()).trim());
            }
        }
        throw new IllegalStateException("no " + name);
    }

    private static long bootMicros() {
        try {
            for (String line : Files.readAllLines(PROC.resolve("stat"))) {
                if (line.startsWith("btime ")) {
                    return Long.parseLong(line.substring(6).trim()) * 1_000_000;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // start times are then the time Flowscope saw them
        }
        return 0;
    }

    /** A process by pid, or null. */
    public Info get(int pid) {
        return processes.get(pid);
    }

    public int size() {
        return processes.size();
    }

    /** Processes dropped to stay within the capacity. */
    public long evictions() {
        return evictions.get();
    }
}
