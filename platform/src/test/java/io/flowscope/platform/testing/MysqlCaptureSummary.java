package io.flowscope.platform.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a capture of MySQL traffic contains, counted by tshark and from Flowscope's tables: TCP conversations,
 * logins (handshake responses), every command ("COM_QUERY text", "COM_STMT_PREPARE text", or the command's name),
 * and every error code. Kept as a golden file ({@code *.expected.json}) beside the capture.
 *
 * <p>Where they differ by rule: the commands of a connection that negotiated the compressed protocol are left out
 * of tshark's list, since tshark inflates them and Flowscope reports the connection and stops (its login is counted
 * by both); Flowscope's import is read with obfuscation off, so statements compare as sent.
 *
 * @param tcpConversations TCP conversations (tshark conv,tcp rows; Flowscope: TCP flows)
 * @param logins           handshake responses
 * @param commands         every command, sorted
 * @param errorCodes       the code of every ERR packet (progress reports excepted), sorted
 */
public record MysqlCaptureSummary(int tcpConversations, int logins, List<String> commands, List<Integer> errorCodes) {

    private static final Map<Integer, String> NAMES = Map.ofEntries(Map.entry(1, "COM_QUIT"), Map.entry(2, "COM_INIT_DB"),
            Map.entry(3, "COM_QUERY"), Map.entry(4, "COM_FIELD_LIST"), Map.entry(9, "COM_STATISTICS"),
            Map.entry(14, "COM_PING"), Map.entry(17, "COM_CHANGE_USER"), Map.entry(22, "COM_STMT_PREPARE"),
            Map.entry(23, "COM_STMT_EXECUTE"), Map.entry(24, "COM_STMT_SEND_LONG_DATA"), Map.entry(25, "COM_STMT_CLOSE"),
            Map.entry(26, "COM_STMT_RESET"), Map.entry(27, "COM_SET_OPTION"), Map.entry(28, "COM_STMT_FETCH"),
            Map.entry(31, "COM_RESET_CONNECTION"), Map.entry(250, "COM_STMT_BULK_EXECUTE"));

    /** tshark's view; {@code port} is decoded as MySQL. */
    public static MysqlCaptureSummary tshark(Path capture, int port, Path dir) throws IOException, InterruptedException {
        String tshark = PrivilegedCondition.which("tshark");
        capture = capture.toAbsolutePath();
        String conv = Processes.run(dir, List.of(tshark, "-n", "-r", capture.toString(), "-q", "-z", "conv,tcp"));
        int conversations = (int) conv.lines().filter(l -> l.contains("<->")).count();
        String json = Processes.run(dir, List.of(tshark, "-n", "-r", capture.toString(), "-d", "tcp.port==" + port + ",mysql",
                "-T", "json", "--no-duplicate-keys", "-J", "tcp mysql"));
        JsonNode frames = JsonMapper.builder().build().readTree(json);
        Set<String> compressed = new HashSet<>();
        record Pdu(String stream, JsonNode node) {
        }
        List<Pdu> pdus = new ArrayList<>();
        for (JsonNode f : frames) {
            JsonNode layers = f.path("_source").path("layers");
            String stream = layers.path("tcp").path("tcp.stream").asString();
            JsonNode mysql = layers.get("mysql");
            if (layers.has("mysql.compressed_packet_length")) {
                compressed.add(stream); // tshark shows the compressed frame's header beside the packets it inflated
            }
            if (mysql == null) {
                continue;
            }
            for (JsonNode pdu : mysql.isArray() ? mysql : List.of(mysql)) {
                pdus.add(new Pdu(stream, pdu));
            }
        }
        int logins = 0;
        List<String> commands = new ArrayList<>();
        List<Integer> errors = new ArrayList<>();
        for (Pdu p : pdus) {
            JsonNode n = p.node();
            if (n.has("mysql.login_request")) {
                logins++;
            }
            if (compressed.contains(p.stream())) {
                continue;
            }
            JsonNode request = n.get("mysql.request");
            if (request != null && request.has("mysql.command")) {
                int code = Integer.parseInt(request.get("mysql.command").asString());
                String name = NAMES.getOrDefault(code, "COM_" + code);
                JsonNode query = request.get("mysql.query");
                commands.add(query == null ? name : name + " " + query.asString());
            }
            JsonNode error = n.get("mysql.error_code");
            if (error != null && !error.asString().equals("65535")) {
                errors.add(Integer.parseInt(error.asString()));
            }
        }
        return new MysqlCaptureSummary(conversations, logins, commands.stream().sorted().toList(),
                errors.stream().sorted().toList());
    }

    /** Flowscope's view, from the store after an import (read with obfuscation off for statements to compare). */
    public static MysqlCaptureSummary flowscope(Connection c) throws SQLException {
        int flows;
        int logins;
        List<String> commands = new ArrayList<>();
        List<Integer> errors = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM flow_log.l4_flow_log WHERE protocol = 6")) {
                rs.next();
                flows = rs.getInt(1);
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM flow_log.l7_flow_log WHERE l7_protocol_str = 'mysql'"
                    + " AND type IN (0, 2) AND request_type = 'LOGIN'")) {
                rs.next();
                logins = rs.getInt(1);
            }
            try (ResultSet rs = s.executeQuery("SELECT coalesce(json_extract_string(attributes, '$.command'), request_type),"
                    + " request_resource FROM flow_log.l7_flow_log WHERE l7_protocol_str = 'mysql' AND type IN (0, 2)"
                    + " AND request_type <> 'LOGIN'")) {
                while (rs.next()) {
                    String command = rs.getString(1);
                    String resource = rs.getString(2);
                    boolean withText = command.equals("COM_QUERY") || command.equals("COM_STMT_PREPARE");
                    commands.add(withText ? command + " " + resource : command);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT response_code FROM flow_log.l7_flow_log WHERE l7_protocol_str = 'mysql'"
                    + " AND type IN (1, 2) AND response_code IS NOT NULL")) {
                while (rs.next()) {
                    errors.add(rs.getInt(1));
                }
            }
        }
        return new MysqlCaptureSummary(flows, logins, commands.stream().sorted().toList(), errors.stream().sorted().toList());
    }

    /** A small, diff-friendly JSON form. */
    public String toJson() {
        JsonMapper m = JsonMapper.builder().build();
        return "{\n  \"tcp_conversations\": " + tcpConversations + ",\n  \"logins\": " + logins + ",\n  \"commands\": [\n"
                + commands.stream().map(r -> "    " + m.writeValueAsString(r)).collect(Collectors.joining(",\n"))
                + "\n  ],\n  \"error_codes\": [" + errorCodes.stream().map(String::valueOf).collect(Collectors.joining(", "))
                + "]\n}\n";
    }

    public static MysqlCaptureSummary readJson(Path file) throws IOException {
        JsonNode j = JsonMapper.builder().build().readTree(Files.readString(file));
        List<String> commands = new ArrayList<>();
        j.get("commands").forEach(r -> commands.add(r.asString()));
        List<Integer> errors = new ArrayList<>();
        j.get("error_codes").forEach(r -> errors.add(r.asInt()));
        return new MysqlCaptureSummary(j.get("tcp_conversations").asInt(), j.get("logins").asInt(), List.copyOf(commands),
                List.copyOf(errors));
    }
}
