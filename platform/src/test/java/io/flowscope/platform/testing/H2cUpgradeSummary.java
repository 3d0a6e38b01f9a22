package io.flowscope.platform.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a capture of h2c by upgrade from HTTP/1.1 holds, each side of the switch apart: the HTTP/1.1 requests by
 * method and target and their answers by status (101), then the HTTP/2 requests by {@code :method} and {@code :path}
 * and the responses by {@code :status}. Stream 1's request is the upgraded HTTP/1.1 one (RFC 7540 §3.2): tshark shows
 * it as HTTP/1.1 only, so its HTTP/2 requests are its HTTP/2 HEADERS plus the HTTP/1.1 request of each connection
 * that a 101 answered; Flowscope gives stream 1 a row of its own with that request's method and path.
 */
public record H2cUpgradeSummary(Map<String, Integer> http1Requests, Map<Integer, Integer> http1Statuses,
                                Map<String, Integer> http2Requests, Map<Integer, Integer> http2Statuses) {

    /** tshark's view, with {@code port} decoded as HTTP (tshark follows the upgrade to HTTP/2 itself). */
    public static H2cUpgradeSummary tshark(Path capture, int port, Path dir) throws IOException, InterruptedException {
        String tshark = PrivilegedCondition.which("tshark");
        String file = capture.toAbsolutePath().toString();
        String decodeAs = "tcp.port==" + port + ",http";
        Map<String, Integer> http1Requests = new TreeMap<>();
        Map<String, String> requestOfConnection = new HashMap<>();
        for (String[] f : fields(tshark, file, decodeAs, dir, "http.request && tcp.dstport==" + port,
                "tcp.stream", "http.request.method", "http.request.uri")) {
            http1Requests.merge(f[1] + " " + f[2], 1, Integer::sum);
            requestOfConnection.put(f[0], f[1] + " " + f[2]);
        }
        Map<Integer, Integer> http1Statuses = new TreeMap<>();
        Map<String, Integer> http2Requests = new TreeMap<>();
        for (String[] f : fields(tshark, file, decodeAs, dir, "http.response && tcp.srcport==" + port,
                "tcp.stream", "http.response.code")) {
            int code = Integer.parseInt(f[1].trim());
            http1Statuses.merge(code, 1, Integer::sum);
            if (code == 101 && requestOfConnection.containsKey(f[0])) {
                http2Requests.merge(requestOfConnection.get(f[0]), 1, Integer::sum); // stream 1's request
            }
        }
        for (String[] f : fields(tshark, file, decodeAs, dir, "http2.headers.method && tcp.dstport==" + port,
                "http2.headers.method", "http2.headers.path")) {
            String[] methods = f[0].split("\\|");
            String[] paths = f[1].split("\\|");
            for (int i = 0; i < methods.length; i++) {
                http2Requests.merge(methods[i] + " " + (i < paths.length ? paths[i] : ""), 1, Integer::sum);
            }
        }
        Map<Integer, Integer> http2Statuses = new TreeMap<>();
        for (String[] f : fields(tshark, file, decodeAs, dir, "http2.headers.status && tcp.srcport==" + port,
                "http2.headers.status")) {
            for (String s : f[0].split("\\|")) {
                http2Statuses.merge(Integer.parseInt(s.trim()), 1, Integer::sum);
            }
        }
        return new H2cUpgradeSummary(http1Requests, http1Statuses, http2Requests, http2Statuses);
    }

    private static List<String[]> fields(String tshark, String file, String decodeAs, Path dir, String filter,
                                         String... names) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(tshark, "-n", "-r", file, "-d", decodeAs, "-Y", filter,
                "-T", "fields", "-E", "aggregator=|"));
        for (String n : names) {
            cmd.add("-e");
            cmd.add(n);
        }
        return Processes.run(dir, cmd).lines().filter(l -> !l.isBlank()).map(l -> l.split("\t", -1)).toList();
    }

    /** Flowscope's view, from the store after an import: HTTP/1 rows (l7_protocol 20) and HTTP/2 rows (21). */
    public static H2cUpgradeSummary flowscope(Connection c) throws SQLException {
        Map<String, Integer> http1Requests = new TreeMap<>();
        Map<Integer, Integer> http1Statuses = new TreeMap<>();
        Map<String, Integer> http2Requests = new TreeMap<>();
        Map<Integer, Integer> http2Statuses = new TreeMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT l7_protocol, request_type, request_resource, response_code"
                     + " FROM flow_log.l7_flow_log WHERE l7_protocol IN (20, 21) AND type IN (0, 2)")) {
            while (rs.next()) {
                boolean http2 = rs.getInt(1) == Http2CaptureSummary.L7_PROTOCOL;
                (http2 ? http2Requests : http1Requests).merge(rs.getString(2) + " " + rs.getString(3), 1, Integer::sum);
                int code = rs.getInt(4);
                if (!rs.wasNull()) {
                    (http2 ? http2Statuses : http1Statuses).merge(code, 1, Integer::sum);
                }
            }
        }
        return new H2cUpgradeSummary(http1Requests, http1Statuses, http2Requests, http2Statuses);
    }

    /** A small, diff-friendly JSON form. */
    public String toJson() {
        return "{\n" + section("http1Requests", http1Requests) + ",\n" + section("http1Statuses", http1Statuses) + ",\n"
                + section("http2Requests", http2Requests) + ",\n" + section("http2Statuses", http2Statuses) + "\n}\n";
    }

    private static String section(String name, Map<?, Integer> m) {
        JsonMapper j = JsonMapper.builder().build();
        return "  \"" + name + "\": {\n" + m.entrySet().stream()
                .map(e -> "    " + j.writeValueAsString(e.getKey().toString()) + ": " + e.getValue())
                .collect(Collectors.joining(",\n")) + "\n  }";
    }

    public static H2cUpgradeSummary readJson(Path file) throws IOException {
        JsonNode j = JsonMapper.builder().build().readTree(Files.readString(file));
        return new H2cUpgradeSummary(strings(j.get("http1Requests")), ints(j.get("http1Statuses")),
                strings(j.get("http2Requests")), ints(j.get("http2Statuses")));
    }

    private static Map<String, Integer> strings(JsonNode n) {
        Map<String, Integer> m = new TreeMap<>();
        n.properties().forEach(e -> m.put(e.getKey(), e.getValue().asInt()));
        return m;
    }

    private static Map<Integer, Integer> ints(JsonNode n) {
        Map<Integer, Integer> m = new TreeMap<>();
        n.properties().forEach(e -> m.put(Integer.parseInt(e.getKey()), e.getValue().asInt()));
        return m;
    }
}
