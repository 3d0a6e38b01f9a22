package io.flowscope.platform.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a capture of PostgreSQL traffic holds, counted two ways: from tshark's {@code pgsql} dissector, and from
 * Flowscope's rows. Kept as a golden file ({@code *.expected.json}) beside the capture.
 *
 * <p>tshark counts messages, Flowscope statements; the rules that make them comparable:
 * <ul>
 *   <li>a Query message is one row (all its statements, as DeepFlow), {@code {"message":"Query"}};</li>
 *   <li>an Execute message is one row, {@code {"message":"Execute"}} (its Parse, Bind and Describe are part of it);</li>
 *   <li>a Parse in a batch that executes nothing before its Sync (pgbench's {@code -M prepared} prepares each
 *       statement so) is one row, {@code PREPARE} with {@code {"message":"Parse"}}: counted from tshark's
 *       message order per connection;</li>
 *   <li>a StartupMessage is one row ({@code STARTUP}); an SSLRequest (refused with {@code N}) is none;</li>
 *   <li>error codes: tshark's {@code pgsql.code} of ErrorResponse messages (not of notices), against the
 *       SQLSTATEs Flowscope stores in {@code response_result} of error rows.</li>
 * </ul>
 *
 * @param tcpConversations TCP conversations (tshark conv,tcp rows; Flowscope: TCP flows)
 * @param startups         StartupMessages
 * @param sslRequests      SSLRequests (tshark only: Flowscope makes no row of them)
 * @param queries          Query messages
 * @param executes         Execute messages
 * @param prepareOnly      batches with a Parse and no Execute before their Sync
 * @param copyData         CopyData messages, both ways
 * @param errorCodes       SQLSTATE of every ErrorResponse, sorted
 */
public record PostgresCaptureSummary(int tcpConversations, int startups, int sslRequests, int queries, int executes,
                                     int prepareOnly, int copyData, List<String> errorCodes) {

    public static PostgresCaptureSummary tshark(Path capture, int port, Path dir) throws IOException, InterruptedException {
        String tshark = PrivilegedCondition.which("tshark");
        capture = capture.toAbsolutePath();
        String conv = Processes.run(dir, List.of(tshark, "-n", "-r", capture.toString(), "-q", "-z", "conv,tcp"));
        int conversations = (int) conv.lines().filter(l -> l.contains("<->")).count();
        String out = Processes.run(dir, List.of(tshark, "-n", "-r", capture.toString(), "-d", "tcp.port==" + port + ",pgsql",
                "-Y", "pgsql", "-T", "fields", "-E", "aggregator=|", "-e", "tcp.stream", "-e", "tcp.srcport",
                "-e", "pgsql.type", "-e", "pgsql.code"));
        int startups = 0;
        int ssl = 0;
        int queries = 0;
        int executes = 0;
        int prepareOnly = 0;
        int copyData = 0;
        List<String> codes = new ArrayList<>();
        Map<String, boolean[]> batch = new HashMap<>(); // per stream: {parse seen, execute seen}
        for (String line : out.lines().filter(l -> !l.isBlank()).toList()) {
            String[] cols = line.split("\t", -1);
            boolean fromClient = !cols[1].equals(Integer.toString(port));
            String[] types = cols[2].split("\\|");
            String[] frameCodes = cols.length > 3 && !cols[3].isEmpty() ? cols[3].split("\\|") : new String[0];
            int code = 0;
            boolean[] b = batch.computeIfAbsent(cols[0], k -> new boolean[2]);
            for (String t : types) {
                switch (t) {
                    case "Startup message" -> startups++;
                    case "SSL request" -> ssl++;
                    case "Copy data" -> copyData++;
                    case "Error" -> codes.add(frameCodes[code++]);
                    case "Notice" -> code++;
                    default -> {
                    }
                }
                if (!fromClient) {
                    continue;
                }
                switch (t) {
                    case "Simple query" -> {
                        queries++;
                        b[0] = false;
                        b[1] = false;
                    }
                    case "Parse" -> b[0] = true;
                    case "Execute" -> {
                        executes++;
                        b[1] = true;
                    }
                    case "Sync" -> {
                        if (b[0] && !b[1]) {
                            prepareOnly++;
                        }
                        b[0] = false;
                        b[1] = false;
                    }
                    default -> {
                    }
                }
            }
        }
        codes.sort(null);
        return new PostgresCaptureSummary(conversations, startups, ssl, queries, executes, prepareOnly, copyData, List.copyOf(codes));
    }

    /** Flowscope's view, from the store after an import; {@code sslRequests} is taken as given (no row has it). */
    public static PostgresCaptureSummary flowscope(Connection c, int sslRequests) throws SQLException {
        try (Statement s = c.createStatement()) {
            int flows = count(s, "SELECT count(*) FROM flow_log.l4_flow_log WHERE protocol = 6");
            String pg = "FROM flow_log.l7_flow_log WHERE l7_protocol_str = 'postgresql' AND l7_protocol = 61 AND ";
            int startups = count(s, "SELECT count(*) " + pg + "request_type = 'STARTUP'");
            int queries = count(s, "SELECT count(*) " + pg + "attributes LIKE '%\"message\":\"Query\"%'");
            int executes = count(s, "SELECT count(*) " + pg + "attributes LIKE '%\"message\":\"Execute\"%'");
            int prepares = count(s, "SELECT count(*) " + pg + "request_type = 'PREPARE' AND attributes LIKE '%\"message\":\"Parse\"%'");
            int copyData = count(s, "SELECT coalesce(sum(CAST(json_extract_string(attributes, '$.copy_data_messages') AS INTEGER)), 0) "
                    + pg + "attributes LIKE '%copy_data_messages%'");
            List<String> codes = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT response_result " + pg + "response_status IN (3, 4) ORDER BY 1")) {
                while (rs.next()) {
                    codes.add(rs.getString(1));
                }
            }
            return new PostgresCaptureSummary(flows, startups, sslRequests, queries, executes, prepares, copyData, List.copyOf(codes));
        }
    }

    private static int count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** A small, diff-friendly JSON form. */
    public String toJson() {
        return "{\n  \"tcp_conversations\": " + tcpConversations + ",\n  \"startups\": " + startups
                + ",\n  \"ssl_requests\": " + sslRequests + ",\n  \"queries\": " + queries + ",\n  \"executes\": " + executes
                + ",\n  \"prepare_only\": " + prepareOnly + ",\n  \"copy_data\": " + copyData + ",\n  \"error_codes\": ["
                + errorCodes.stream().map(e -> "\"" + e + "\"").collect(Collectors.joining(", ")) + "]\n}\n";
    }

    public static PostgresCaptureSummary readJson(Path file) throws IOException {
        JsonNode j = JsonMapper.builder().build().readTree(Files.readString(file));
        List<String> codes = new ArrayList<>();
        j.get("error_codes").forEach(e -> codes.add(e.asString()));
        return new PostgresCaptureSummary(j.get("tcp_conversations").asInt(), j.get("startups").asInt(),
                j.get("ssl_requests").asInt(), j.get("queries").asInt(), j.get("executes").asInt(),
                j.get("prepare_only").asInt(), j.get("copy_data").asInt(), List.copyOf(codes));
    }
}
