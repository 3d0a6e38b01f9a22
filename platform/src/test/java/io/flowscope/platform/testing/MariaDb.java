package io.flowscope.platform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private MariaDB server (Debian's {@code mariadb-server}) of the test's own: a data directory made by
 * {@code mariadb-install-db} in the test's directory, {@code mariadbd} on 127.0.0.1 and a free port, without grant
 * tables (any user logs in), never the system's service. Ready once it sends its greeting.
 */
public final class MariaDb implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path dir;

    private MariaDb(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public int port() {
        return port;
    }

    public static MariaDb start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path data = dir.resolve("data");
        Processes.run(dir, List.of(PrivilegedCondition.which("mariadb-install-db"), "--no-defaults",
                "--datadir=" + data, "--user=root", "--skip-test-db", "--auth-root-authentication-method=normal"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(PrivilegedCondition.which("mariadbd"), "--no-defaults", "--datadir=" + data,
                "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mariadbd.sock"),
                "--pid-file=" + dir.resolve("mariadbd.pid"), "--user=root", "--skip-grant-tables", "--skip-name-resolve",
                "--skip-log-bin", "--innodb-buffer-pool-size=32M", "--log-error=" + dir.resolve("mariadbd.err"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("mariadbd.out").toFile()).start();
        MariaDb m = new MariaDb(p, port, dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (greets(port)) {
                return m;
            }
            if (!p.isAlive()) {
                throw new IOException("mariadbd exited: " + log(dir));
            }
            Thread.sleep(100);
        }
        m.close();
        throw new IOException("mariadbd did not start on port " + port + ": " + log(dir));
    }

    private static String log(Path dir) throws IOException {
        Path err = dir.resolve("mariadbd.err");
        return Files.exists(err) ? Files.readString(err) : "";
    }

    /** Whether the server sends its greeting (protocol 10) on a new connection. */
    private static boolean greets(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(2000);
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(5);
            return head.length == 5 && head[4] == 10;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Runs the {@code mariadb} client with these arguments against this server; returns its output. */
    public String client(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(PrivilegedCondition.which("mariadb"), "--no-defaults",
                "-h127.0.0.1", "-P" + port, "-uroot", "--skip-ssl"));
        cmd.addAll(List.of(args));
        return Processes.run(dir, cmd);
    }

    /**
     * Runs the {@code mariadb} client on a script given on its standard input with {@code --force} (it goes on after
     * failing statements; given with {@code -e} it would stop at the first); returns its output.
     */
    public String script(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(PrivilegedCondition.which("mariadb"), "--no-defaults",
                "-h127.0.0.1", "-P" + port, "-uroot", "--skip-ssl", "--force"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        try (java.io.OutputStream in = p.getOutputStream()) {
            in.write(script.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + cmd);
        }
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Runs a program of the client package ({@code mariadb-admin}, {@code mariadb-slap}) with the connection options. */
    public String tool(String program, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(PrivilegedCondition.which(program), "--no-defaults",
                "-h127.0.0.1", "-P" + port, "-uroot", "--skip-ssl"));
        cmd.addAll(List.of(args));
        return Processes.run(dir, cmd);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
