package io.flowscope.platform.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a capture of tunnelled HTTP/1 and UDP traffic carries inside its tunnels, part by part, counted by tshark
 * and from Flowscope's tables; kept as golden files ({@code *.expected.json}) beside the captures.
 *
 * <p>A capture that mixes tunnels (two VNIs, tunnelled and plain copies of the same traffic) is looked at one
 * tunnel at a time: tshark keys conversations by addresses and ports only, so it would take the second copy of
 * a conversation for retransmissions of the first. Each part is what a display filter keeps of the capture, saved
 * by tshark as a capture of its own; Flowscope's side of a part is the flows a condition on l4_flow_log selects.
 *
 * @param parts by name, in the order given
 */
public record TunnelCaptureSummary(Map<String, Part> parts) {

    /**
     * One part of a capture.
     *
     * @param name          what the part is ("all", "vni 1" …)
     * @param displayFilter the frames tshark keeps for it (null: the whole capture)
     * @param flowCondition SQL over l4_flow_log columns selecting its flows
     */
    public record PartSpec(String name, String displayFilter, String flowCondition) {
    }

    /**
     * What one part carries.
     *
     * @param http             its TCP conversations and HTTP requests and responses
     * @param udpConversations its UDP conversations, not counting the tunnels' own (VXLAN's, Geneve's UDP)
     */
    public record Part(HttpCaptureSummary http, int udpConversations) {
    }

    /** The UDP ports of tunnels: their conversations are the tunnels', not what they carry. */
    private static final List<String> TUNNEL_PORTS = List.of(":4789 ", ":8472 ", ":6081 ");

    /** tshark's view of each part; {@code port} is decoded as HTTP whatever it is. */
    public static TunnelCaptureSummary tshark(Path capture, int port, List<PartSpec> specs, Path dir)
            throws IOException, InterruptedException {
        String tshark = PrivilegedCondition.which("tshark");
        Map<String, Part> parts = new LinkedHashMap<>();
        int n = 0;
        for (PartSpec spec : specs) {
            Path part = capture.toAbsolutePath();
            if (spec.displayFilter() != null) {
                part = dir.resolve("part-" + n++ + ".pcap").toAbsolutePath();
                Processes.run(dir, List.of(tshark, "-n", "-r", capture.toAbsolutePath().toString(), "-Y", spec.displayFilter(),
                        "-w", part.toString()));
            }
            String conv = Processes.run(dir, List.of(tshark, "-n", "-r", part.toString(), "-q", "-z", "conv,udp"));
            int udp = (int) conv.lines().filter(l -> l.contains("<->"))
                    .filter(l -> TUNNEL_PORTS.stream().noneMatch(l::contains)).count();
            parts.put(spec.name(), new Part(HttpCaptureSummary.tshark(part, port, dir), udp));
        }
        return new TunnelCaptureSummary(parts);
    }

    /** Flowscope's view of each part, from the store after an import; interim responses are taken from {@code expected}. */
    public static TunnelCaptureSummary flowscope(Connection c, List<PartSpec> specs, TunnelCaptureSummary expected)
            throws SQLException {
        Map<String, Part> parts = new LinkedHashMap<>();
        for (PartSpec spec : specs) {
            Part e = expected.parts().get(spec.name());
            int interim = e == null ? 0 : e.http().interimResponses();
            int udp;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM flow_log.l4_flow_log WHERE protocol = 17 AND ("
                         + spec.flowCondition() + ")")) {
                rs.next();
                udp = rs.getInt(1);
            }
            parts.put(spec.name(), new Part(HttpCaptureSummary.flowscope(c, interim, spec.flowCondition()), udp));
        }
        return new TunnelCaptureSummary(parts);
    }

    /** Diff-friendly JSON: each part's UDP count, then its HTTP summary as {@link HttpCaptureSummary#toJson()} writes it. */
    public String toJson() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Part> e : parts.entrySet()) {
            String http = e.getValue().http().toJson().strip().replace("\n", "\n    ");
            out.add("  \"" + e.getKey() + "\": {\n    \"udp_conversations\": " + e.getValue().udpConversations()
                    + ",\n    \"http\": " + http + "\n  }");
        }
        return "{\n" + out.stream().collect(Collectors.joining(",\n")) + "\n}\n";
    }

    public static TunnelCaptureSummary readJson(Path file) throws IOException {
        JsonNode j = JsonMapper.builder().build().readTree(Files.readString(file));
        Map<String, Part> parts = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : j.properties()) {
            parts.put(e.getKey(), new Part(HttpCaptureSummary.fromJson(e.getValue().get("http")),
                    e.getValue().get("udp_conversations").asInt()));
        }
        return new TunnelCaptureSummary(parts);
    }
}
