package io.flowscope.platform.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster (Debian's server package) for one test: initdb into a temporary directory owned
 * by the {@code postgres} system user (the server refuses to run as root), the server started as that user
 * with {@code setpriv} (which execs it, so stopping the process stops the server) on 127.0.0.1 and a free
 * port, trust authentication, no SSL; never the system's service. {@link #close()} stops it and removes the
 * directory.
 */
public final class Postgres implements AutoCloseable {

    /** The server's own programs (initdb, postgres) are not on the PATH: Debian keeps them per version. */
    public static Path binDir() {
        File[] versions = new File("/usr/lib/postgresql").listFiles();
        if (versions == null) {
            return null;
        }
        return Stream.of(versions).map(v -> v.toPath().resolve("bin")).filter(b -> Files.isExecutable(b.resolve("postgres")))
                .max(Comparator.comparing(Path::toString)).orElse(null);
    }

    private final Process process;
    private final Path dir;
    private final int port;

    private Postgres(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    public int port() {
        return port;
    }

    public static Postgres start() throws IOException, InterruptedException {
        Path bin = binDir();
        if (bin == null) {
            throw new IOException("no PostgreSQL server under /usr/lib/postgresql (Debian package postgresql)");
        }
        Path dir = Files.createTempDirectory("flowscope-l7-postgresql-");
        Path data = dir.resolve("data");
        Processes.run(dir, List.of("chown", "postgres:postgres", dir.toString()));
        Processes.run(dir, asPostgres(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = asPostgres(bin.resolve("postgres").toString(), "-D", data.toString(), "-h", "127.0.0.1",
                "-p", Integer.toString(port), "-k", dir.toString(), "-c", "ssl=off", "-c", "fsync=off",
                "-c", "logging_collector=off");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("postgres.log").toFile()).start();
        Postgres pg = new Postgres(p, dir, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                String log = Files.readString(dir.resolve("postgres.log"));
                pg.close();
                throw new IOException("postgres exited: " + log);
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                // listening; a connection that sends nothing is closed by the server (not captured: tcpdump starts later)
                break;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        // ready to accept sessions (not only listening: startup may still be replaying)
        String isReady = bin.resolve("pg_isready").toString();
        while (System.nanoTime() < deadline) {
            try {
                Processes.run(dir, List.of(isReady, "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres", "-q"));
                return pg;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        pg.close();
        throw new IOException("postgres did not become ready on port " + port);
    }

    private static List<String> asPostgres(String... command) {
        List<String> cmd = new ArrayList<>(List.of(PrivilegedCondition.which("setpriv"), "--reuid=postgres",
                "--regid=postgres", "--init-groups", "--"));
        cmd.addAll(List.of(command));
        return cmd;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: a smart shutdown
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
