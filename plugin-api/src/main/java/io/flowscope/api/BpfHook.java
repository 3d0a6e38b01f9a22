package io.flowscope.api;

import java.util.Objects;

/** One BPF program of a probe and where it is attached (e.g. {@code tracepoint/syscalls/sys_enter_read}). */
public final class BpfHook {

    private final String program;
    private final String attachPoint;
    private final boolean attached;
    private final String problem;

    /** @param problem why it is not attached, or null when it is */
    public BpfHook(String program, String attachPoint, boolean attached, String problem) {
        this.program = Objects.requireNonNull(program, "program");
        this.attachPoint = Objects.requireNonNull(attachPoint, "attachPoint");
        this.attached = attached;
        this.problem = attached ? null : Objects.requireNonNull(problem, "problem");
    }

    /** The program's name in the object. */
    public String program() { return program; }
    /** Its section: where libbpf attaches it. */
    public String attachPoint() { return attachPoint; }
    /** Whether it runs. */
    public boolean attached() { return attached; }
    /** Why it does not, or null. */
    public String problem() { return problem; }

    @Override
    public String toString() {
        return program + " (" + attachPoint + ")" + (attached ? "" : ": " + problem);
    }
}
