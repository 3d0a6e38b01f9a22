package io.flowscope.platform.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a capture of DNS traffic holds, counted two ways: by tshark's DNS dissector ({@code dns.id},
 * {@code dns.qry.name}, {@code dns.qry.type}, {@code dns.flags.rcode}) and from Flowscope's l7_flow_log. Kept as a
 * golden file ({@code *.expected.json}) beside the recorded capture.
 *
 * @param queries   "transport id name type" of every query, sorted (type as its number, as tshark gives it)
 * @param responses "transport id name type rcode" of every response, sorted
 */
public record DnsCaptureSummary(List<String> queries, List<String> responses) {

    /** Types of the capture by mnemonic, to compare with tshark's numbers. */
    private static final Map<String, Integer> TYPES = Map.of("A", 1, "NS", 2, "CNAME", 5, "SOA", 6, "PTR", 12,
            "MX", 15, "TXT", 16, "AAAA", 28, "SRV", 33);

    /** tshark's view; {@code port} is decoded as DNS over UDP and TCP. */
    public static DnsCaptureSummary tshark(Path capture, int port, Path dir) throws IOException, InterruptedException {
        String tshark = PrivilegedCondition.which("tshark");
        String out = Processes.run(dir, List.of(tshark, "-n", "-r", capture.toAbsolutePath().toString(),
                "-d", "udp.port==" + port + ",dns", "-d", "tcp.port==" + port + ",dns", "-Y", "dns",
                "-T", "fields", "-E", "aggregator=|", "-e", "ip.proto", "-e", "dns.flags.response", "-e", "dns.id",
                "-e", "dns.qry.name", "-e", "dns.qry.type", "-e", "dns.flags.rcode"));
        List<String> queries = new ArrayList<>();
        List<String> responses = new ArrayList<>();
        for (String line : out.lines().filter(l -> !l.isBlank()).toList()) {
            String[] c = line.split("\t", -1);
            // several DNS messages in one TCP segment: tshark lists each field's values joined, in order
            String[] resp = c[1].split("\\|");
            String[] ids = c[2].split("\\|");
            String[] names = c[3].split("\\|");
            String[] types = c[4].split("\\|");
            String[] rcodes = c[5].split("\\|", -1);
            String transport = c[0].equals("6") ? "tcp" : "udp";
            int r = 0;
            for (int i = 0; i < resp.length; i++) {
                String q = transport + " " + Long.decode(ids[i]) + " " + names[i] + " " + types[i];
                if (resp[i].equals("1") || resp[i].equals("True")) {
                    responses.add(q + " " + rcodes[Math.min(r++, rcodes.length - 1)]);
                } else {
                    queries.add(q);
                }
            }
        }
        queries.sort(null);
        responses.sort(null);
        return new DnsCaptureSummary(List.copyOf(queries), List.copyOf(responses));
    }

    /** Flowscope's view, from the store after an import. */
    public static DnsCaptureSummary flowscope(Connection c) throws SQLException {
        List<String> queries = new ArrayList<>();
        List<String> responses = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT l7_protocol_str, type, request_id,"
                + " request_resource, request_type, response_code FROM flow_log.l7_flow_log WHERE l7_protocol = 120")) {
            while (rs.next()) {
                String transport = rs.getString(1).equals("dns-tcp") ? "tcp" : "udp";
                int type = rs.getInt(2);
                String q = transport + " " + rs.getLong(3) + " " + rs.getString(4) + " " + TYPES.get(rs.getString(5));
                if (type != 1) {
                    queries.add(q);
                }
                if (type != 0) {
                    responses.add(q + " " + rs.getInt(6));
                }
            }
        }
        queries.sort(null);
        responses.sort(null);
        return new DnsCaptureSummary(List.copyOf(queries), List.copyOf(responses));
    }

    /** A small, diff-friendly JSON form. */
    public String toJson() {
        return "{\n  \"queries\": [\n" + queries.stream().map(r -> "    \"" + r + "\"").collect(Collectors.joining(",\n"))
                + "\n  ],\n  \"responses\": [\n" + responses.stream().map(r -> "    \"" + r + "\"")
                .collect(Collectors.joining(",\n")) + "\n  ]\n}\n";
    }

    public static DnsCaptureSummary readJson(Path file) throws IOException {
        tools.jackson.databind.JsonNode n = tools.jackson.databind.json.JsonMapper.builder().build().readTree(Files.readString(file));
        List<String> q = new ArrayList<>();
        n.get("queries").forEach(x -> q.add(x.asString()));
        List<String> r = new ArrayList<>();
        n.get("responses").forEach(x -> r.add(x.asString()));
        return new DnsCaptureSummary(List.copyOf(q), List.copyOf(r));
    }
}
