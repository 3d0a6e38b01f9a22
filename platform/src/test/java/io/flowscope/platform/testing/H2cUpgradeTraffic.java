package io.flowscope.platform.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Known h2c traffic by upgrade from HTTP/1.1: curl {@code --http2} (not prior knowledge) asks for every path of
 * {@link #PATHS} in turn on one connection: the first request offers {@code Upgrade: h2c}, is answered by 101 and
 * then on stream 1; the others are HTTP/2 streams 3, 5, 7. Each of {@link #ROUNDS} runs starts with another path, so
 * stream 1 carries each status once.
 */
public final class H2cUpgradeTraffic {

    /** Path → the status {@link JettyH2c} answers it with (in curl's order, round 0). */
    public static final Map<String, Integer> PATHS = paths();
    /** Runs of curl: connections, each upgraded once. */
    public static final int ROUNDS = 4;

    private H2cUpgradeTraffic() {
    }

    private static Map<String, Integer> paths() {
        Map<String, Integer> m = new java.util.LinkedHashMap<>();
        m.put("/index.html", 200);
        m.put("/missing", 404);
        m.put("/boom", 500);
        m.put("/teapot", 418);
        return java.util.Collections.unmodifiableMap(m);
    }

    public static void drive(int port, Path dir) throws IOException, InterruptedException {
        List<String> paths = new ArrayList<>(PATHS.keySet());
        for (int round = 0; round < ROUNDS; round++) {
            List<String> cmd = new ArrayList<>(List.of(PrivilegedCondition.which("curl"), "-s", "-o", "/dev/null",
                    "--http2"));
            for (int i = 0; i < paths.size(); i++) {
                cmd.add("http://127.0.0.1:" + port + paths.get((round + i) % paths.size()));
            }
            Processes.run(dir, cmd);
        }
    }

    /** The path each round's first request (the upgraded one, stream 1) asks for. */
    public static Map<String, Integer> upgradedPaths() {
        List<String> paths = new ArrayList<>(PATHS.keySet());
        Map<String, Integer> m = new TreeMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            m.merge(paths.get(round % paths.size()), 1, Integer::sum);
        }
        return m;
    }

    /** Every request by path, whichever protocol carried it. */
    public static Map<String, Integer> allPaths() {
        Map<String, Integer> m = new TreeMap<>();
        PATHS.keySet().forEach(p -> m.put(p, ROUNDS));
        return m;
    }

    /** Every final response by status (stream 1's included). */
    public static Map<Integer, Integer> statuses() {
        Map<Integer, Integer> m = new TreeMap<>();
        PATHS.values().forEach(s -> m.merge(s, ROUNDS, Integer::sum));
        return m;
    }
}
