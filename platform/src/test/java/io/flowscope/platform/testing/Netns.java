package io.flowscope.platform.testing;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Network namespaces for tests: made and removed with ip(8), and entered by the calling thread alone
 * ({@code setns(2)} changes the namespace of one thread). What that thread opens while inside — sockets, an
 * AF_PACKET ring, the processes it starts (they inherit its namespaces) — belongs to the namespace; the rest of
 * the JVM stays where it was. Leaving puts the thread back where it was.
 */
public final class Netns {

    private Netns() {
    }

    private interface LibC extends Library {
        LibC C = Native.load("c", LibC.class);

        int open(String path, int flags) throws LastErrorException;

        int setns(int fd, int nstype) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final int O_RDONLY = 0;
    private static final int CLONE_NEWNET = 0x40000000;

    /** The calling thread's stay in a namespace; {@link #close()} takes it back to the one it came from. */
    public static final class Inside implements AutoCloseable {
        private final int previous;

        private Inside(int previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            try {
                LibC.C.setns(previous, CLONE_NEWNET);
            } finally {
                LibC.C.close(previous);
            }
        }
    }

    /** Moves the calling thread into the named namespace (one ip(8) made: /run/netns/{name}). */
    public static Inside enter(String name) {
        int previous = LibC.C.open("/proc/thread-self/ns/net", O_RDONLY);
        int target;
        try {
            target = LibC.C.open("/run/netns/" + name, O_RDONLY);
        } catch (LastErrorException e) {
            LibC.C.close(previous);
            throw e;
        }
        try {
            LibC.C.setns(target, CLONE_NEWNET);
        } catch (LastErrorException e) {
            LibC.C.close(previous);
            throw e;
        } finally {
            LibC.C.close(target);
        }
        return new Inside(previous);
    }

    public static void add(Path dir, String name) throws IOException, InterruptedException {
        Processes.ip(dir, "netns", "add", name);
    }

    /** Removes the namespace if it is there (its interfaces go with it); never fails. */
    public static void delete(Path dir, String name) {
        try {
            Processes.ip(dir, "netns", "del", name);
        } catch (Exception ignored) {
            // not there
        }
    }
}
