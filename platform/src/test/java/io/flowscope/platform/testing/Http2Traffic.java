package io.flowscope.platform.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Known HTTP/2 traffic in clear text from curl ({@code --http2-prior-knowledge}, nghttp2): each run of curl asks for
 * every path of {@link #PATHS} at once, {@link #ROUNDS} times (curl 7.88 with {@code --parallel-immediate} opens a
 * connection per transfer rather than waiting to multiplex: streams interleaved on one connection are the plugin's
 * recorded nginx session and the gRPC capture); the expected requests
 * by path and responses by status follow.
 */
public final class Http2Traffic {

    /** Path → the status nginx ({@link Nginx}) answers it with. */
    public static final Map<String, Integer> PATHS = Map.of(
            "/index.html", 200, "/echo", 200, "/big.txt", 200, "/boom", 500, "/teapot", 418, "/missing", 404);
    /** Runs of curl: connections. */
    public static final int ROUNDS = 4;

    private Http2Traffic() {
    }

    public static void drive(int port, Path dir) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PrivilegedCondition.which("curl"), "-s", "-o", "/dev/null",
                "--http2-prior-knowledge", "--parallel", "--parallel-immediate", "--parallel-max", "8"));
        for (String path : new TreeMap<>(PATHS).keySet()) {
            cmd.add("http://127.0.0.1:" + port + path);
        }
        for (int i = 0; i < ROUNDS; i++) {
            Processes.run(dir, cmd);
        }
    }

    /** Requests expected by path. */
    public static Map<String, Integer> expectedPaths() {
        Map<String, Integer> m = new TreeMap<>();
        PATHS.keySet().forEach(p -> m.put(p, ROUNDS));
        return m;
    }

    /** Responses expected by status. */
    public static Map<Integer, Integer> expectedStatuses() {
        Map<Integer, Integer> m = new TreeMap<>();
        PATHS.values().forEach(s -> m.merge(s, ROUNDS, Integer::sum));
        return m;
    }
}
