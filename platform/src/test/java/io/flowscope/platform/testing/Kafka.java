package io.flowscope.platform.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka broker, single node in KRaft mode (broker and controller in one process), from Maven Central's
 * {@code kafka_2.13} on a free loopback port, in its own directory and JVM. The broker's class path comes from
 * {@code src/test/peers/kafka-broker}, built with Maven once per test JVM (its own project: Spring Boot's
 * dependency management must not pick the broker's library versions).
 */
public final class Kafka implements AutoCloseable {

    private static String classpath;

    private final Process process;
    private final int port;
    private final Path dir;

    private Kafka(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** The client listener's port on 127.0.0.1. */
    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Formats a new log directory under {@code dir} and starts the broker; returns once it accepts connections. */
    public static Kafka start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = freePort();
        int controllerPort = freePort();
        Path props = dir.resolve("server.properties");
        Files.writeString(props, """
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@127.0.0.1:%2$d
                listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
                controller.listener.names=CONTROLLER
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                inter.broker.listener.name=PLAINTEXT
                log.dirs=%3$s
                num.partitions=1
                offsets.topic.replication.factor=1
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                group.initial.rebalance.delay.ms=0
                auto.create.topics.enable=true
                """.formatted(port, controllerPort, dir.resolve("data").toAbsolutePath()));
        String cp = classpath();
        // a cluster id is 16 random bytes, URL-safe base64 without padding (what kafka-storage random-uuid prints)
        UUID u = UUID.randomUUID();
        java.nio.ByteBuffer id = java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        String clusterId = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(id.array());
        Processes.run(dir, List.of(java(), "-Xmx256m", "-cp", cp, "kafka.tools.StorageTool", "format",
                "-t", clusterId, "-c", props.toString()));
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx512m", "-XX:+UseSerialGC", "-cp", cp, "kafka.Kafka", props.toString()));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("broker.log").toFile()).start();
        Kafka k = new Kafka(p, port, dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (accepts(port)) {
                return k;
            }
            if (!p.isAlive()) {
                throw new IOException("the Kafka broker exited: " + tail(dir.resolve("broker.log")));
            }
            Thread.sleep(100);
        }
        k.close();
        throw new IOException("the Kafka broker did not start on port " + port + ": " + tail(dir.resolve("broker.log")));
    }

    /** The broker's class path, resolved by Maven from {@code src/test/peers/kafka-broker} (once per JVM). */
    private static synchronized String classpath() throws IOException, InterruptedException {
        if (classpath == null) {
            Path work = Files.createTempDirectory("flowscope-kafka-broker");
            Files.copy(Path.of("src/test/peers/kafka-broker/pom.xml"), work.resolve("pom.xml"));
            List<String> cmd = new ArrayList<>(List.of(PrivilegedCondition.which("mvn"), "-q", "-B", "generate-resources"));
            String repo = System.getProperty("maven.repo.local");
            if (repo != null) {
                cmd.add("-Dmaven.repo.local=" + repo);
            }
            Processes.run(work, cmd);
            classpath = Files.readString(work.resolve("target/classpath.txt")).trim();
        }
        return classpath;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /** The broker's log, for a failing test's message. */
    public String logTail() throws IOException {
        return tail(dir.resolve("broker.log"));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
