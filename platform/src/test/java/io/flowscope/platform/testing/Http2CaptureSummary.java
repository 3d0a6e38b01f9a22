package io.flowscope.platform.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a capture of HTTP/2 traffic contains, counted by tshark's HTTP/2 dissector (HPACK included): requests by
 * {@code :method} and {@code :path}, responses by {@code :status}. Kept as a golden file beside the capture.
 *
 * @param requests "METHOD path" → how many requests
 * @param statuses status → how many responses
 */
public record Http2CaptureSummary(Map<String, Integer> requests, Map<Integer, Integer> statuses) {

    /** tshark's view; {@code port} is decoded as HTTP/2. */
    public static Http2CaptureSummary tshark(Path capture, int port, Path dir) throws IOException, InterruptedException {
        String tshark = PrivilegedCondition.which("tshark");
        String file = capture.toAbsolutePath().toString();
        String decodeAs = "tcp.port==" + port + ",http2";
        String req = Processes.run(dir, List.of(tshark, "-n", "-r", file, "-d", decodeAs, "-Y",
                "http2.headers.method && tcp.dstport==" + port, "-T", "fields", "-E", "aggregator=|",
                "-e", "http2.headers.method", "-e", "http2.headers.path"));
        Map<String, Integer> requests = new TreeMap<>();
        for (String line : req.lines().filter(l -> !l.isBlank()).toList()) {
            String[] cols = line.split("\t", -1);
            String[] methods = cols[0].split("\\|");
            String[] paths = cols[1].split("\\|");
            for (int i = 0; i < methods.length; i++) {
                requests.merge(methods[i] + " " + (i < paths.length ? paths[i] : ""), 1, Integer::sum);
            }
        }
        String resp = Processes.run(dir, List.of(tshark, "-n", "-r", file, "-d", decodeAs, "-Y",
                "http2.headers.status && tcp.srcport==" + port, "-T", "fields", "-E", "aggregator=|",
                "-e", "http2.headers.status"));
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (String line : resp.lines().filter(l -> !l.isBlank()).toList()) {
            for (String s : line.split("\\|")) {
                statuses.merge(Integer.parseInt(s.trim()), 1, Integer::sum);
            }
        }
        return new Http2CaptureSummary(requests, statuses);
    }

    /** DeepFlow's l7_protocol of HTTP/2. */
    public static final int L7_PROTOCOL = 21;

    /** Flowscope's view, from the store after an import. */
    public static Http2CaptureSummary flowscope(Connection c) throws SQLException {
        Map<String, Integer> requests = new TreeMap<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT request_type, request_resource, response_code FROM flow_log.l7_flow_log"
                     + " WHERE l7_protocol = " + L7_PROTOCOL + " AND type IN (0, 2)")) {
            while (rs.next()) {
                requests.merge(rs.getString(1) + " " + rs.getString(2), 1, Integer::sum);
                int code = rs.getInt(3);
                if (!rs.wasNull()) {
                    statuses.merge(code, 1, Integer::sum);
                }
            }
        }
        return new Http2CaptureSummary(requests, statuses);
    }

    /** A small, diff-friendly JSON form. */
    public String toJson() {
        JsonMapper m = JsonMapper.builder().build();
        return "{\n  \"requests\": {\n" + requests.entrySet().stream()
                .map(e -> "    " + m.writeValueAsString(e.getKey()) + ": " + e.getValue()).collect(Collectors.joining(",\n"))
                + "\n  },\n  \"statuses\": {\n" + statuses.entrySet().stream()
                .map(e -> "    \"" + e.getKey() + "\": " + e.getValue()).collect(Collectors.joining(",\n"))
                + "\n  }\n}\n";
    }

    public static Http2CaptureSummary readJson(Path file) throws IOException {
        JsonNode j = JsonMapper.builder().build().readTree(Files.readString(file));
        Map<String, Integer> requests = new TreeMap<>();
        j.get("requests").properties().forEach(e -> requests.put(e.getKey(), e.getValue().asInt()));
        Map<Integer, Integer> statuses = new TreeMap<>();
        j.get("statuses").properties().forEach(e -> statuses.put(Integer.parseInt(e.getKey()), e.getValue().asInt()));
        return new Http2CaptureSummary(requests, statuses);
    }
}
