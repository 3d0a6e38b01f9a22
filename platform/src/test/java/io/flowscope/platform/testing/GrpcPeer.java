package io.flowscope.platform.testing;

import io.grpc.Server;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link GrpcTraffic}'s server or client in a JVM of its own (this test JVM's class path): for the socket trace,
 * which never traces its own process, so the test JVM's gRPC would be invisible to it. The server prints its port
 * and serves until its standard input closes; a client makes the calls and exits.
 */
public final class GrpcPeer implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private GrpcPeer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** A server JVM on 127.0.0.1 and a free port; returns once it listens. */
    public static GrpcPeer server(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path log = dir.resolve("grpc-server.log");
        Process p = new ProcessBuilder(command("serve")).directory(dir.toFile()).redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine(); // blocks until the server prints its port, or exits
        if (line == null || !line.startsWith("port ")) {
            p.destroyForcibly();
            throw new IOException("the gRPC server JVM did not start: " + line + " " + Files.readString(log));
        }
        return new GrpcPeer(p, Integer.parseInt(line.substring(5).trim()), log);
    }

    /**
     * A client JVM making {@link GrpcTraffic#drive}'s calls (or, with {@code largeItemBytes} > 0,
     * {@link GrpcTraffic#driveLarge}'s) on one connection to {@code port}; returns its pid once it exited 0.
     */
    public static long drive(int port, int largeItemBytes, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path log = dir.resolve("grpc-client-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(command("drive", Integer.toString(port), Integer.toString(largeItemBytes)))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("the gRPC client JVM did not end: " + Files.readString(log));
        }
        if (p.exitValue() != 0) {
            throw new IOException("the gRPC client JVM exited " + p.exitValue() + ": " + Files.readString(log));
        }
        return p.pid();
    }

    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), GrpcPeer.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** {@code serve}, or {@code drive <port> <largeItemBytes>}. */
    public static void main(String[] args) throws Exception {
        if (args[0].equals("serve")) {
            Server server = GrpcTraffic.startServer();
            System.out.println("port " + server.getPort());
            System.out.flush();
            // serve until the test closes our standard input (or dies, which closes it too)
            while (System.in.read() >= 0) {
                // nothing to read: only the end matters
            }
            server.shutdownNow();
            server.awaitTermination(10, TimeUnit.SECONDS);
            return;
        }
        int port = Integer.parseInt(args[1]);
        int large = Integer.parseInt(args[2]);
        if (large > 0) {
            GrpcTraffic.driveLarge(port, large);
        } else {
            GrpcTraffic.drive(port);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The server's standard error, for a failing test's message. */
    public String logTail() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "(no log)";
    }
}
