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
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a capture of Kafka traffic contains: the requests the clients sent, by api name (how many of each), and the
 * error code of each response that has one (sorted). The reference is kafka-clients itself: every message of the
 * capture's TCP payloads (as tshark extracts them) is read by the real client library's own request and response
 * classes; tshark's Kafka dissector is the second opinion for the requests. Kept as a golden file
 * ({@code kafka.expected.json}) beside the capture.
 *
 * <p>tshark 4.0 is no reference for errors: it misreads flexible versions' responses (CreateTopics v7 shows 15595
 * for a topic that was made and 0 for one refused with TOPIC_ALREADY_EXISTS; FindCoordinator v6 and JoinGroup v9
 * errors are not shown at all).
 *
 * @param requests api name (kafka-clients' {@code ApiKeys.name}: "Produce", "Metadata" …) → how many requests
 * @param errors   the non-zero error code of each response that has one, sorted
 */
public record KafkaCaptureSummary(Map<String, Integer> requests, List<Integer> errors) {

    public int requestCount() {
        return requests.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** tshark's count of the requests by api name; {@code port} is decoded as Kafka. */
    public static Map<String, Integer> tsharkRequests(Path capture, int port, Path dir) throws IOException, InterruptedException {
        String req = Processes.run(dir, List.of(PrivilegedCondition.which("tshark"), "-n", "-r",
                capture.toAbsolutePath().toString(), "-d", "tcp.port==" + port + ",kafka", "-Y",
                "kafka && tcp.dstport==" + port, "-T", "fields", "-E", "aggregator=|", "-e", "kafka.api_key"));
        Map<String, Integer> requests = new TreeMap<>();
        for (String line : req.lines().filter(l -> !l.isBlank()).toList()) {
            for (String key : line.split("\\|")) {
                requests.merge(ApiKeys.forId(Integer.parseInt(key.trim())).name, 1, Integer::sum);
            }
        }
        return requests;
    }

    /**
     * kafka-clients' view: each connection's bytes each way (tshark's {@code tcp.payload} of every segment, in
     * order; the capture must have lost none), cut into size-prefixed messages, requests read by their header,
     * responses parsed by {@code AbstractResponse.parseResponse} with the version of their request.
     */
    public static KafkaCaptureSummary kafkaClients(Path capture, int port, Path dir) throws IOException, InterruptedException {
        String out = Processes.run(dir, List.of(PrivilegedCondition.which("tshark"), "-n", "-r",
                capture.toAbsolutePath().toString(), "-Y", "tcp.len > 0 && !tcp.analysis.retransmission", "-T", "fields",
                "-e", "tcp.stream", "-e", "tcp.dstport", "-e", "tcp.payload"));
        Map<String, java.io.ByteArrayOutputStream> bytes = new java.util.LinkedHashMap<>();
        for (String line : out.lines().filter(l -> !l.isBlank()).toList()) {
            String[] c = line.split("\t");
            String side = c[0] + (Integer.parseInt(c[1]) == port ? ">" : "<");
            bytes.computeIfAbsent(side, k -> new java.io.ByteArrayOutputStream()).writeBytes(java.util.HexFormat.of().parseHex(c[2]));
        }
        Map<String, Integer> requests = new TreeMap<>();
        List<Integer> errors = new ArrayList<>();
        for (Map.Entry<String, java.io.ByteArrayOutputStream> e : bytes.entrySet()) {
            if (!e.getKey().endsWith(">")) {
                continue;
            }
            String stream = e.getKey().substring(0, e.getKey().length() - 1);
            Map<Integer, short[]> inFlight = new java.util.HashMap<>();
            for (java.nio.ByteBuffer m : messages(e.getValue().toByteArray())) {
                ApiKeys key = ApiKeys.forId(m.getShort(0));
                inFlight.put(m.getInt(4), new short[] {key.id, m.getShort(2)});
                requests.merge(key.name, 1, Integer::sum);
            }
            java.io.ByteArrayOutputStream answers = bytes.get(stream + "<");
            for (java.nio.ByteBuffer m : messages(answers == null ? new byte[0] : answers.toByteArray())) {
                short[] asked = inFlight.remove(m.getInt(0));
                if (asked == null) {
                    throw new IOException("a response to no request in stream " + stream);
                }
                ApiKeys key = ApiKeys.forId(asked[0]);
                m.position(4);
                if (key.responseHeaderVersion(asked[1]) >= 1) {
                    org.apache.kafka.common.utils.ByteUtils.readUnsignedVarint(m); // no tagged fields in these headers
                }
                Map<Errors, Integer> found = new TreeMap<>(AbstractResponse.parseResponse(key,
                        new org.apache.kafka.common.protocol.ByteBufferAccessor(m), asked[1]).errorCounts());
                found.remove(Errors.NONE);
                if (!found.isEmpty()) {
                    errors.add((int) found.keySet().iterator().next().code());
                }
            }
        }
        errors.sort(null);
        return new KafkaCaptureSummary(requests, List.copyOf(errors));
    }

    /** The size-prefixed messages of one direction's bytes. */
    private static List<java.nio.ByteBuffer> messages(byte[] b) throws IOException {
        List<java.nio.ByteBuffer> out = new ArrayList<>();
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
        while (buf.remaining() >= 4) {
            int size = buf.getInt();
            if (size < 0 || size > buf.remaining()) {
                throw new IOException("a message cut short: the capture lost bytes");
            }
            out.add(buf.slice(buf.position(), size));
            buf.position(buf.position() + size);
        }
        return out;
    }

    /** Flowscope's view, from the store after an import: its Kafka requests by name, its responses' error codes. */
    public static KafkaCaptureSummary flowscope(Connection c) throws SQLException {
        Map<String, Integer> requests = new TreeMap<>();
        List<Integer> errors = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT request_type, count(*) FROM flow_log.l7_flow_log"
                    + " WHERE l7_protocol = " + L7_PROTOCOL + " AND type IN (0, 2) GROUP BY request_type")) {
                while (rs.next()) {
                    requests.put(rs.getString(1), rs.getInt(2));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT response_code FROM flow_log.l7_flow_log WHERE l7_protocol = "
                    + L7_PROTOCOL + " AND response_code <> 0 ORDER BY 1")) {
                while (rs.next()) {
                    errors.add(rs.getInt(1));
                }
            }
        }
        return new KafkaCaptureSummary(requests, List.copyOf(errors));
    }

    /**
     * The topics of the Produce and Fetch requests that name theirs by id (v13+, kafka-clients 4.x against a 4.x
     * broker), by {@code "<api> <endpoint>"}: Flowscope names them from the Metadata and CreateTopics responses of
     * the capture's other connections. An id left unnamed counts under {@code "<api> unnamed <status>"}.
     */
    public static Map<String, Integer> topicsById(Connection c) throws SQLException {
        Map<String, Integer> topics = new TreeMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT request_type, endpoint, attributes FROM flow_log.l7_flow_log"
                     + " WHERE l7_protocol = " + L7_PROTOCOL + " AND request_type IN ('Produce', 'Fetch')"
                     + " AND attributes LIKE '%\"topic_id\"%'")) {
            while (rs.next()) {
                String attributes = rs.getString(3);
                java.util.regex.Matcher status = java.util.regex.Pattern.compile("\"topic_name_status\":\"(\\w+)\"")
                        .matcher(attributes);
                String topic = status.find() ? "unnamed " + status.group(1) : rs.getString(2);
                topics.merge(rs.getString(1) + " " + topic, 1, Integer::sum);
            }
        }
        return topics;
    }

    /** DeepFlow's l7_protocol of Kafka. */
    public static final int L7_PROTOCOL = 100;

    /** A small, diff-friendly JSON form. */
    public String toJson() {
        return "{\n  \"requests\": {\n" + requests.entrySet().stream()
                .map(e -> "    \"" + e.getKey() + "\": " + e.getValue()).collect(Collectors.joining(",\n"))
                + "\n  },\n  \"errors\": " + errors + "\n}\n";
    }

    public static KafkaCaptureSummary readJson(Path file) throws IOException {
        JsonNode j = JsonMapper.builder().build().readTree(Files.readString(file));
        Map<String, Integer> requests = new TreeMap<>();
        j.get("requests").properties().forEach(e -> requests.put(e.getKey(), e.getValue().asInt()));
        List<Integer> errors = new ArrayList<>();
        j.get("errors").forEach(e -> errors.add(e.asInt()));
        return new KafkaCaptureSummary(requests, List.copyOf(errors));
    }
}
