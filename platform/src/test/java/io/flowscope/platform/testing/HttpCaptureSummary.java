package io.flowscope.platform.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a capture of HTTP/1 traffic contains, counted two ways: by tshark, and from Flowscope's tables.
 * Kept as golden files ({@code *.expected.json}) beside recorded captures.
 *
 * <p>Interim 1xx responses (100 Continue) are left out of tshark's responses: tshark lists them as
 * responses, while Flowscope, like every pairing of requests to answers, does not (a 100 is not the
 * answer to its request). The count of those is kept separately to say so.
 *
 * @param tcpConversations TCP conversations (tshark conv,tcp rows; Flowscope: TCP flows)
 * @param requests         "METHOD target" of every request, sorted
 * @param responses        status codes of every final response, sorted
 * @param interimResponses 1xx responses tshark saw
 */
public record HttpCaptureSummary(int tcpConversations, List<String> requests, List<Integer> responses, int interimResponses) {

    /** tshark's view; {@code port} is decoded as HTTP whatever it is. */
    public static HttpCaptureSummary tshark(Path capture, int port, Path dir) throws IOException, InterruptedException {
        String tshark = PrivilegedCondition.which("tshark");
        capture = capture.toAbsolutePath();
        String conv = Processes.run(dir, List.of(tshark, "-n", "-r", capture.toString(), "-q", "-z", "conv,tcp"));
        int conversations = (int) conv.lines().filter(l -> l.contains("<->")).count();
        String decodeAs = "tcp.port==" + port + ",http";
        String req = Processes.run(dir, List.of(tshark, "-n", "-r", capture.toString(), "-d", decodeAs, "-Y", "http.request",
                "-T", "fields", "-E", "aggregator=|", "-e", "http.request.method", "-e", "http.request.uri"));
        // pipelined requests share a frame: tshark lists their fields joined, in order
        List<String> requests = new ArrayList<>();
        for (String line : req.lines().filter(l -> !l.isBlank()).toList()) {
            String[] cols = line.split("\t", -1);
            String[] methods = cols[0].split("\\|");
            String[] uris = cols[1].split("\\|");
            for (int i = 0; i < methods.length; i++) {
                requests.add(methods[i] + " " + uris[i]);
            }
        }
        requests.sort(null);
        String resp = Processes.run(dir, List.of(tshark, "-n", "-r", capture.toString(), "-d", decodeAs, "-Y", "http.response",
                "-T", "fields", "-E", "aggregator=|", "-e", "http.response.code"));
        List<Integer> all = resp.lines().filter(l -> !l.isBlank()).flatMap(l -> Arrays.stream(l.trim().split("\\|")))
                .map(Integer::parseInt).sorted().toList();
        List<Integer> finals = all.stream().filter(c -> c >= 200).toList();
        return new HttpCaptureSummary(conversations, List.copyOf(requests), finals, all.size() - finals.size());
    }

    /** Flowscope's view, from the store after an import. */
    public static HttpCaptureSummary flowscope(Connection c, int interimResponses) throws SQLException {
        return flowscope(c, interimResponses, "true");
    }

    /**
     * Flowscope's view of the flows for which {@code flowCondition} (SQL over l4_flow_log's columns) holds, and
     * of the requests they carried.
     */
    public static HttpCaptureSummary flowscope(Connection c, int interimResponses, String flowCondition) throws SQLException {
        int flows;
        List<String> requests = new ArrayList<>();
        List<Integer> responses = new ArrayList<>();
        String ofTheseFlows = " AND flow_id IN (SELECT flow_id FROM flow_log.l4_flow_log WHERE " + flowCondition + ")";
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM flow_log.l4_flow_log WHERE protocol = 6 AND ("
                    + flowCondition + ")")) {
                rs.next();
                flows = rs.getInt(1);
            }
            try (ResultSet rs = s.executeQuery("SELECT request_type || ' ' || request_resource FROM flow_log.l7_flow_log"
                    + " WHERE l7_protocol_str = 'http1' AND type IN (0, 2)" + ofTheseFlows)) {
                while (rs.next()) {
                    requests.add(rs.getString(1));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT response_code FROM flow_log.l7_flow_log"
                    + " WHERE l7_protocol_str = 'http1' AND type IN (1, 2)" + ofTheseFlows)) {
                while (rs.next()) {
                    responses.add(rs.getInt(1));
                }
            }
        }
        return new HttpCaptureSummary(flows, requests.stream().sorted().toList(), responses.stream().sorted().toList(),
                interimResponses);
    }

    /** A small, diff-friendly JSON form (no JSON library needed to read it back). */
    public String toJson() {
        return "{\n  \"tcp_conversations\": " + tcpConversations + ",\n  \"interim_responses\": " + interimResponses
                + ",\n  \"requests\": [\n" + requests.stream().map(r -> "    \"" + r + "\"").collect(Collectors.joining(",\n"))
                + "\n  ],\n  \"responses\": [" + responses.stream().map(String::valueOf).collect(Collectors.joining(", ")) + "]\n}\n";
    }

    public static HttpCaptureSummary readJson(Path file) throws IOException {
        return fromJson(JsonMapper.builder().build().readTree(Files.readString(file)));
    }

    /** The summary {@link #toJson()} wrote, from its JSON tree. */
    public static HttpCaptureSummary fromJson(JsonNode j) {
        List<String> requests = new ArrayList<>();
        j.get("requests").forEach(r -> requests.add(r.asString()));
        List<Integer> responses = new ArrayList<>();
        j.get("responses").forEach(r -> responses.add(r.asInt()));
        return new HttpCaptureSummary(j.get("tcp_conversations").asInt(), List.copyOf(requests), List.copyOf(responses),
                j.get("interim_responses").asInt());
    }
}
