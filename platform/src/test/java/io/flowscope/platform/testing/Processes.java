package io.flowscope.platform.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external programs for tests, failing with their output when they fail. */
public final class Processes {

    private Processes() {
    }

    /** Runs a command to completion and returns its stdout; throws with stderr if it fails. */
    public static String run(Path dir, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        Path err = dir.resolve("stderr-" + System.nanoTime() + ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        if (p.exitValue() != 0) {
            throw new IOException(command + " exited " + p.exitValue() + ": " + java.nio.file.Files.readString(err));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Runs {@code ip} (iproute2) with these arguments; fails with its message when it fails. */
    public static String ip(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(PrivilegedCondition.which("ip")));
        cmd.addAll(List.of(args));
        return run(dir, cmd);
    }
}
