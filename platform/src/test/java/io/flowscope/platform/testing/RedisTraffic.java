package io.flowscope.platform.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the Redis capture tests send to a redis-server: redis-benchmark (SET and GET, pipelined by 16), a
 * redis-cli script with known failures, MULTI/EXEC and AUTH, a RESP2 pub/sub session (SUBSCRIBE, PSUBSCRIBE,
 * messages published by redis-cli), and a RESP3 session (HELLO 3, maps, sets, nulls, a push subscription).
 */
public final class RedisTraffic {

    /** SET and GET requests redis-benchmark sends (-n for each of -t set,get). */
    public static final int BENCHMARK_REQUESTS = 10_000;

    /** The script's commands, one a line, as redis-cli sends them. */
    public static final List<String> SCRIPT = List.of(
            "SET user:1 alice",
            "GET user:1",
            "LPUSH list:1 a b c",
            "GET list:1",
            "FOO bar",
            "GET",
            "INCR user:1",
            "AUTH secret",
            "HELLO 2 AUTH default pw",
            "HSET h:1 f1 v1 f2 v2",
            "MULTI",
            "SET k:1 1",
            "INCR k:1",
            "EXEC",
            "CONFIG GET maxmemory",
            "CLIENT SETNAME flowscope",
            "DEL user:1 list:1 h:1 k:1");

    /** The error replies the script gets, in order. */
    public static final List<String> SCRIPT_ERRORS = List.of(
            "-WRONGTYPE Operation against a key holding the wrong kind of value",
            "-ERR unknown command 'FOO', with args beginning with: 'bar' ",
            "-ERR wrong number of arguments for 'get' command",
            "-ERR value is not an integer or out of range",
            "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");

    private RedisTraffic() {
    }

    public static void benchmark(int port, Path dir) throws IOException, InterruptedException {
        Processes.run(dir, List.of(PrivilegedCondition.which("redis-benchmark"), "-p", Integer.toString(port),
                "-n", Integer.toString(BENCHMARK_REQUESTS), "-t", "set,get", "-P", "16", "-q"));
    }

    public static void drive(int port, Path dir) throws IOException, InterruptedException {
        benchmark(port, dir);
        Path script = dir.resolve("script.redis");
        Files.write(script, SCRIPT);
        Processes.run(dir, List.of("sh", "-c", PrivilegedCondition.which("redis-cli") + " -p " + port + " < " + script));
        pubSub(port, dir);
        resp3(port, dir);
    }

    /** RESP2 subscriber on a raw socket; messages published by redis-cli between its steps. */
    private static void pubSub(int port, Path dir) throws IOException, InterruptedException {
        try (Socket sub = new Socket("127.0.0.1", port)) {
            exchange(sub, command("SUBSCRIBE", "ch1", "ch2"), ":2\r\n");
            publish(port, dir, "ch1", "hello");
            await(sub, "hello\r\n");
            exchange(sub, command("PSUBSCRIBE", "c*"), ":3\r\n");
            publish(port, dir, "ch2", "world");
            await(sub, "$3\r\nch2\r\n$5\r\nworld\r\n");
            exchange(sub, command("PING"), "$0\r\n\r\n");
            exchange(sub, command("UNSUBSCRIBE", "ch1", "ch2"), ":1\r\n");
            exchange(sub, command("PUNSUBSCRIBE", "c*"), ":0\r\n");
            exchange(sub, command("QUIT"), "+OK\r\n");
        }
    }

    /** RESP3: HELLO 3, replies of RESP3 types, a subscription whose confirmation and message are pushes. */
    private static void resp3(int port, Path dir) throws IOException, InterruptedException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            exchange(s, command("HELLO", "3"), "*0\r\n");
            exchange(s, concat(command("HSET", "h:3", "a", "1"), command("HGETALL", "h:3"), command("SMEMBERS", "nos"),
                    command("GET", "missing"), command("INCRBYFLOAT", "f:3", "1.5"), command("EXISTS", "h:3")), "$3\r\n1.5\r\n:1\r\n");
            exchange(s, command("SUBSCRIBE", "ch3"), "ch3\r\n:1\r\n");
            publish(port, dir, "ch3", "hi");
            await(s, "$2\r\nhi\r\n");
            exchange(s, concat(command("PING"), command("UNSUBSCRIBE", "ch3")), ":0\r\n");
            exchange(s, command("DEL", "h:3", "f:3"), ":2\r\n");
        }
    }

    private static void publish(int port, Path dir, String channel, String message) throws IOException, InterruptedException {
        Processes.run(dir, List.of(PrivilegedCondition.which("redis-cli"), "-p", Integer.toString(port), "PUBLISH", channel, message));
    }

    /** A command as an array of bulk strings. */
    public static byte[] command(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static void exchange(Socket s, byte[] command, String replyEnd) throws IOException {
        s.getOutputStream().write(command);
        s.getOutputStream().flush();
        await(s, replyEnd);
    }

    /** Reads until what was read ends with {@code end}. */
    private static void await(Socket s, String end) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        List<Byte> got = new ArrayList<>();
        byte[] want = end.getBytes(StandardCharsets.UTF_8);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before " + end.replace("\r\n", "\\r\\n"));
            }
            got.add((byte) b);
            if (got.size() >= want.length) {
                boolean match = true;
                for (int i = 0; i < want.length && match; i++) {
                    match = got.get(got.size() - want.length + i) == want[i];
                }
                if (match) {
                    return;
                }
            }
        }
    }
}
