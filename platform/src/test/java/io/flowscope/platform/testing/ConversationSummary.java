package io.flowscope.platform.testing;

import io.flowscope.platform.store.Addresses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The TCP and UDP conversations of a capture, with the transport payload bytes of each, and its HTTP/1
 * requests and responses, counted two ways: by tshark (conv,tcp, conv,udp and per-packet fields), and
 * from Flowscope's tables. Kept as golden files ({@code *.expected.json}) beside captures whose packets
 * are framed or fragmented in ways the plain {@link HttpCaptureSummary} captures are not: the payload
 * bytes per conversation show that what was fragmented arrived whole.
 *
 * @param tcpConversations tshark's conv,tcp rows (a reused port pair is a second one); Flowscope: TCP flows
 * @param udpConversations the same for UDP
 * @param conversations    "tcp|udp A:port <-> B:port payload N" (endpoints in text order; all the
 *                         conversations of one pair together), sorted
 * @param http             the HTTP/1 requests and responses, as {@link HttpCaptureSummary} counts them
 */
public record ConversationSummary(int tcpConversations, int udpConversations, List<String> conversations,
                                  HttpCaptureSummary http) {

    /** tshark's view; {@code port} is decoded as HTTP whatever it is. */
    public static ConversationSummary tshark(Path capture, int port, Path dir) throws IOException, InterruptedException {
        String tshark = PrivilegedCondition.which("tshark");
        String file = capture.toAbsolutePath().toString();
        int tcp = (int) Processes.run(dir, List.of(tshark, "-n", "-r", file, "-q", "-z", "conv,tcp")).lines()
                .filter(l -> l.contains("<->")).count();
        int udp = (int) Processes.run(dir, List.of(tshark, "-n", "-r", file, "-q", "-z", "conv,udp")).lines()
                .filter(l -> l.contains("<->")).count();
        TreeMap<String, Long> payload = new TreeMap<>();
        for (String proto : List.of("tcp", "udp")) {
            String len = proto.equals("tcp") ? "tcp.len" : "udp.length";
            String out = Processes.run(dir, List.of(tshark, "-n", "-r", file, "-Y", proto, "-T", "fields",
                    "-e", "ip.src", "-e", "ipv6.src", "-e", proto + ".srcport", "-e", "ip.dst", "-e", "ipv6.dst",
                    "-e", proto + ".dstport", "-e", len));
            for (String line : out.lines().filter(l -> !l.isBlank()).toList()) {
                String[] c = line.split("\t", -1);
                String a = (c[0].isEmpty() ? c[1] : c[0]) + ":" + c[2];
                String b = (c[3].isEmpty() ? c[4] : c[3]) + ":" + c[5];
                long bytes = Long.parseLong(c[6]) - (proto.equals("udp") ? 8 : 0);
                payload.merge(key(proto, a, b), bytes, Long::sum);
            }
        }
        return new ConversationSummary(tcp, udp, lines(payload), HttpCaptureSummary.tshark(capture, port, dir));
    }

    /** Flowscope's view, from the store after an import. */
    public static ConversationSummary flowscope(Connection c, int interimResponses) throws SQLException {
        TreeMap<String, Long> payload = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT protocol, is_ipv4, ip4_0, ip6_0,"
                + " client_port, ip4_1, ip6_1, server_port, l4_byte_tx + l4_byte_rx FROM flow_log.l4_flow_log"
                + " WHERE protocol IN (6, 17)")) {
            while (rs.next()) {
                boolean v4 = rs.getInt(2) == 1;
                String a = (v4 ? Addresses.ipv4(rs.getLong(3)) : rs.getString(4)) + ":" + rs.getInt(5);
                String b = (v4 ? Addresses.ipv4(rs.getLong(6)) : rs.getString(7)) + ":" + rs.getInt(8);
                payload.merge(key(rs.getInt(1) == 6 ? "tcp" : "udp", a, b), rs.getLong(9), Long::sum);
            }
        }
        int tcp;
        int udp;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(DISTINCT flow_id) FILTER (WHERE"
                + " protocol = 6), count(DISTINCT flow_id) FILTER (WHERE protocol = 17) FROM flow_log.l4_flow_log")) {
            rs.next();
            tcp = rs.getInt(1);
            udp = rs.getInt(2);
        }
        return new ConversationSummary(tcp, udp, lines(payload),
                HttpCaptureSummary.flowscope(c, interimResponses));
    }

    private static String key(String proto, String a, String b) {
        return proto + " " + (a.compareTo(b) <= 0 ? a + " <-> " + b : b + " <-> " + a);
    }

    private static List<String> lines(TreeMap<String, Long> payload) {
        List<String> l = new ArrayList<>();
        payload.forEach((k, v) -> l.add(k + " payload " + v));
        return List.copyOf(l);
    }

    /** A small, diff-friendly JSON form. */
    public String toJson() {
        String h = http.toJson().trim();
        return "{\n  \"tcp_conversations\": " + tcpConversations + ",\n  \"udp_conversations\": " + udpConversations
                + ",\n  \"conversations\": [\n" + conversations.stream().map(r -> "    \"" + r + "\"").collect(Collectors.joining(",\n"))
                + "\n  ],\n  \"http\": " + h.replace("\n", "\n  ") + "\n}\n";
    }

    public static ConversationSummary readJson(Path file) throws IOException {
        JsonNode j = JsonMapper.builder().build().readTree(Files.readString(file));
        List<String> conversations = new ArrayList<>();
        j.get("conversations").forEach(r -> conversations.add(r.asString()));
        JsonNode h = j.get("http");
        List<String> requests = new ArrayList<>();
        h.get("requests").forEach(r -> requests.add(r.asString()));
        List<Integer> responses = new ArrayList<>();
        h.get("responses").forEach(r -> responses.add(r.asInt()));
        return new ConversationSummary(j.get("tcp_conversations").asInt(), j.get("udp_conversations").asInt(),
                List.copyOf(conversations), new HttpCaptureSummary(h.get("tcp_conversations").asInt(), List.copyOf(requests),
                List.copyOf(responses), h.get("interim_responses").asInt()));
    }
}
