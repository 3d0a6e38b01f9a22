package io.flowscope.platform.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a capture of Redis traffic contains, counted by tshark (its RESP dissector) and from Flowscope's tables:
 * the commands the clients sent (each command's name, upper case, and how many of each) and the error replies
 * the server gave (their text). Kept as a golden file ({@code redis.expected.json}) beside the capture.
 *
 * <p>tshark 4.0 flattens a frame's RESP values into lists (array lengths, bulk string values): a client only
 * sends arrays of bulk strings, so each array length says how many of the frame's bulk strings are its command.
 *
 * @param commands command name → how many times it was sent
 * @param errors   the error replies' texts (with their '-'), sorted
 */
public record RedisCaptureSummary(Map<String, Integer> commands, List<String> errors) {

    public int requests() {
        return commands.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** tshark's view; {@code port} is decoded as RESP. */
    public static RedisCaptureSummary tshark(Path capture, int port, Path dir) throws IOException, InterruptedException {
        String tshark = PrivilegedCondition.which("tshark");
        capture = capture.toAbsolutePath();
        String decodeAs = "tcp.port==" + port + ",resp";
        String req = Processes.run(dir, List.of(tshark, "-n", "-r", capture.toString(), "-d", decodeAs, "-Y",
                "resp && tcp.dstport==" + port, "-T", "fields", "-E", "aggregator=|", "-e", "resp.array.length",
                "-e", "resp.bulk_string.value"));
        Map<String, Integer> commands = new TreeMap<>();
        for (String line : req.lines().filter(l -> !l.isBlank()).toList()) {
            String[] cols = line.split("\t", -1);
            if (cols[0].isEmpty()) {
                continue;
            }
            String[] lengths = cols[0].split("\\|");
            String[] values = cols[1].split("\\|", -1);
            int v = 0;
            for (String len : lengths) {
                int n = Integer.parseInt(len);
                if (n > 0 && v < values.length) {
                    String name = new String(HexFormat.of().parseHex(values[v]), StandardCharsets.UTF_8);
                    commands.merge(name.toUpperCase(java.util.Locale.ROOT), 1, Integer::sum);
                }
                v += Math.max(n, 0);
            }
        }
        String err = Processes.run(dir, List.of(tshark, "-n", "-r", capture.toString(), "-d", decodeAs, "-Y",
                "resp.error && tcp.srcport==" + port, "-T", "fields", "-E", "aggregator=|", "-e", "resp.error"));
        List<String> errors = new ArrayList<>();
        for (String line : err.lines().filter(l -> !l.isEmpty()).toList()) {
            for (String e : line.split("\\|")) {
                errors.add("-" + e);
            }
        }
        errors.sort(null);
        return new RedisCaptureSummary(commands, List.copyOf(errors));
    }

    /** Flowscope's view, from the store after an import. */
    public static RedisCaptureSummary flowscope(Connection c) throws SQLException {
        Map<String, Integer> commands = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT request_type, count(*) FROM flow_log.l7_flow_log"
                    + " WHERE l7_protocol = 80 AND type IN (0, 2) GROUP BY request_type")) {
                while (rs.next()) {
                    commands.put(rs.getString(1), rs.getInt(2));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT response_exception FROM flow_log.l7_flow_log"
                    + " WHERE l7_protocol = 80 AND response_status = 3 ORDER BY 1")) {
                while (rs.next()) {
                    errors.add(rs.getString(1));
                }
            }
        }
        return new RedisCaptureSummary(commands, List.copyOf(errors));
    }

    /** A small, diff-friendly JSON form. */
    public String toJson() {
        JsonMapper m = JsonMapper.builder().build();
        return "{\n  \"commands\": {\n" + commands.entrySet().stream()
                .map(e -> "    " + m.writeValueAsString(e.getKey()) + ": " + e.getValue()).collect(Collectors.joining(",\n"))
                + "\n  },\n  \"errors\": [\n" + errors.stream().map(e -> "    " + m.writeValueAsString(e))
                .collect(Collectors.joining(",\n")) + "\n  ]\n}\n";
    }

    public static RedisCaptureSummary readJson(Path file) throws IOException {
        JsonNode j = JsonMapper.builder().build().readTree(Files.readString(file));
        Map<String, Integer> commands = new TreeMap<>();
        j.get("commands").properties().forEach(e -> commands.put(e.getKey(), e.getValue().asInt()));
        List<String> errors = new ArrayList<>();
        j.get("errors").forEach(e -> errors.add(e.asString()));
        return new RedisCaptureSummary(commands, List.copyOf(errors));
    }
}
