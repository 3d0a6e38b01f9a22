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
 * What a capture of gRPC traffic contains, counted by tshark's HTTP/2 and gRPC dissectors: calls by path, the
 * {@code grpc-status} of the trailers (how many of each), streams the client reset (RST_STREAM, by error code) and
 * the length-prefixed gRPC messages each way. Kept as a golden file beside the capture.
 */
public record GrpcCaptureSummary(Map<String, Integer> calls, Map<Integer, Integer> statuses, Map<String, Integer> resets,
        int requestMessages, int responseMessages) {

    /** HTTP/2's error codes by number (RFC 9113 §7), as RST_STREAM carries them. */
    private static final List<String> ERROR_CODES = List.of("NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR",
            "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL",
            "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED");

    /** DeepFlow's l7_protocol of gRPC. */
    public static final int L7_PROTOCOL = 41;

    /** Flowscope's view, from the store after an import. */
    public static GrpcCaptureSummary flowscope(Connection c) throws SQLException {
        Map<String, Integer> calls = new TreeMap<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        Map<String, Integer> resets = new TreeMap<>();
        int requestMessages = 0;
        int responseMessages = 0;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT request_resource, response_code, response_exception,"
                     + " CAST(json_extract_string(attributes, '$.grpc_request_messages') AS INT),"
                     + " CAST(json_extract_string(attributes, '$.grpc_response_messages') AS INT)"
                     + " FROM flow_log.l7_flow_log WHERE l7_protocol = " + L7_PROTOCOL + " AND type IN (0, 2)")) {
            while (rs.next()) {
                calls.merge(rs.getString(1), 1, Integer::sum);
                int code = rs.getInt(2);
                if (!rs.wasNull()) {
                    statuses.merge(code, 1, Integer::sum);
                } else if (ERROR_CODES.contains(rs.getString(3))) {
                    resets.merge(rs.getString(3), 1, Integer::sum);
                }
                requestMessages += rs.getInt(4);
                responseMessages += rs.getInt(5);
            }
        }
        return new GrpcCaptureSummary(calls, statuses, resets, requestMessages, responseMessages);
    }

    /** tshark's view; {@code port} is decoded as HTTP/2. */
    public static GrpcCaptureSummary tshark(Path capture, int port, Path dir) throws IOException, InterruptedException {
        String tshark = PrivilegedCondition.which("tshark");
        String file = capture.toAbsolutePath().toString();
        String decodeAs = "tcp.port==" + port + ",http2";
        Map<String, Integer> calls = new TreeMap<>();
        for (String line : fields(tshark, file, decodeAs, dir, "http2.headers.path && tcp.dstport==" + port, "http2.headers.path")) {
            for (String p : line.split("\\|")) {
                calls.merge(p, 1, Integer::sum);
            }
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (String line : fields(tshark, file, decodeAs, dir, "http2.header.name == \"grpc-status\" && tcp.srcport==" + port,
                "http2.header.name", "http2.header.value")) {
            String[] cols = line.split("\t", -1);
            String[] names = cols[0].split("\\|", -1);
            String[] values = cols[1].split("\\|", -1);
            for (int i = 0; i < names.length && i < values.length; i++) {
                if (names[i].equals("grpc-status")) {
                    statuses.merge(Integer.parseInt(values[i]), 1, Integer::sum);
                }
            }
        }
        Map<String, Integer> resets = new TreeMap<>();
        for (String line : fields(tshark, file, decodeAs, dir, "http2.rst_stream.error && tcp.dstport==" + port, "http2.rst_stream.error")) {
            for (String e : line.split("\\|")) {
                resets.merge(ERROR_CODES.get(Integer.parseInt(e)), 1, Integer::sum);
            }
        }
        return new GrpcCaptureSummary(calls, statuses, resets,
                messages(tshark, file, decodeAs, dir, "tcp.dstport==" + port),
                messages(tshark, file, decodeAs, dir, "tcp.srcport==" + port));
    }

    private static int messages(String tshark, String file, String decodeAs, Path dir, String side) throws IOException, InterruptedException {
        int n = 0;
        for (String line : fields(tshark, file, decodeAs, dir, "grpc.message_length && " + side, "grpc.message_length")) {
            n += line.split("\\|").length;
        }
        return n;
    }

    private static List<String> fields(String tshark, String file, String decodeAs, Path dir, String filter, String... fields)
            throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(tshark, "-n", "-r", file, "-d", decodeAs, "-Y", filter,
                "-T", "fields", "-E", "aggregator=|"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        return Processes.run(dir, cmd).lines().filter(l -> !l.isBlank()).toList();
    }

    /** A small, diff-friendly JSON form. */
    public String toJson() {
        JsonMapper m = JsonMapper.builder().build();
        return "{\n  \"calls\": {\n" + calls.entrySet().stream()
                .map(e -> "    " + m.writeValueAsString(e.getKey()) + ": " + e.getValue()).collect(Collectors.joining(",\n"))
                + "\n  },\n  \"statuses\": " + numbers(statuses) + ",\n  \"resets\": " + numbers(resets)
                + ",\n  \"requestMessages\": " + requestMessages + ",\n  \"responseMessages\": " + responseMessages + "\n}\n";
    }

    private static String numbers(Map<?, Integer> m) {
        return m.entrySet().stream().map(e -> "\"" + e.getKey() + "\": " + e.getValue()).collect(Collectors.joining(", ", "{", "}"));
    }

    public static GrpcCaptureSummary readJson(Path file) throws IOException {
        JsonNode j = JsonMapper.builder().build().readTree(Files.readString(file));
        Map<String, Integer> calls = new TreeMap<>();
        j.get("calls").properties().forEach(e -> calls.put(e.getKey(), e.getValue().asInt()));
        Map<String, Integer> resets = new TreeMap<>();
        j.get("resets").properties().forEach(e -> resets.put(e.getKey(), e.getValue().asInt()));
        return new GrpcCaptureSummary(calls, ints(j.get("statuses")), resets,
                j.get("requestMessages").asInt(), j.get("responseMessages").asInt());
    }

    private static Map<Integer, Integer> ints(JsonNode n) {
        Map<Integer, Integer> m = new TreeMap<>();
        n.properties().forEach(e -> m.put(Integer.parseInt(e.getKey()), e.getValue().asInt()));
        return m;
    }
}
