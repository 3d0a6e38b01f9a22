package io.flowscope.platform.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code flowscope} command line in a new JVM, as a user would, and keeps what it printed. */
public final class Cli {

    /** Exit status, stdout and stderr of one run. */
    public record Result(int exit, String out, String err) {
    }

    /** A run still going: the process, and the files its stdout and stderr go to. */
    public record Started(Process process, Path out, Path err) {
        public String errText() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }
    }

    private Cli() {
    }

    /** The command line that runs {@code flowscope args…} in a new JVM with the reactor's plugins. */
    public static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dflowscope.plugins-dir=" + Importing.pluginsDir().toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), "io.flowscope.platform.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    public static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        Started s = start(workDir, args);
        Process p = s.process();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("flowscope " + String.join(" ", args) + " did not finish");
        }
        return new Result(p.exitValue(), Files.readString(s.out(), StandardCharsets.UTF_8), s.errText());
    }

    /** Starts the command line in a new JVM and returns at once. */
    public static Started start(Path workDir, String... args) throws IOException {
        Path out = workDir.resolve("cli-out-" + System.nanoTime());
        Path err = workDir.resolve("cli-err-" + System.nanoTime());
        ProcessBuilder pb = new ProcessBuilder(command(args)).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("FLOWSCOPE_DATA_DIR");
        return new Started(pb.start(), out, err);
    }
}
