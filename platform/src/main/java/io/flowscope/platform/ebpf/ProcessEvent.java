package io.flowscope.platform.ebpf;

import java.util.List;

/**
 * One row of {@code event.proc_event}: a process started a program (exec), a new process was made (fork), or a
 * process ended (exit), with what the process table knew of it then. Threads are not processes: their forks and
 * exits are not events.
 *
 * @param timeMicros   when the kernel saw it, µs since the epoch
 * @param pid          the process (for a fork: the new one)
 * @param ppid         its parent (for a fork: the process that forked), 0 when unknown
 * @param executable   the program's path, null when unknown
 * @param commandLine  its arguments, empty when unknown (a process that was gone before /proc could be read)
 * @param startMicros  when the process started, µs since the epoch, 0 when unknown
 * @param cgroupId     the cgroup v2 id (the inode of its directory), 0 when unknown
 * @param containerId  the container runtime's id from the cgroup path, null outside containers
 * @param exitCode     the exit status for an exit, else {@link #NO_EXIT_CODE}
 */
public record ProcessEvent(long timeMicros, Type type, int pid, int ppid, String name, String executable,
                           List<String> commandLine, long startMicros, String cgroup, long cgroupId, String containerId,
                           int exitCode) {

    public static final int NO_EXIT_CODE = Integer.MIN_VALUE;

    /** What happened; {@link #stored()} is the value of the {@code event_type} column. */
    public enum Type {
        EXEC, FORK, EXIT;

        public String stored() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ProcessEvent {
        commandLine = List.copyOf(commandLine);
    }

    static ProcessEvent of(long timeMicros, Type type, ProcessTable.Info i, int exitCode) {
        return new ProcessEvent(timeMicros, type, i.pid(), i.ppid(), i.name(), i.executable(), i.commandLine(),
                i.startMicros(), i.cgroup(), i.cgroupId(), i.containerId(), exitCode);
    }
}
