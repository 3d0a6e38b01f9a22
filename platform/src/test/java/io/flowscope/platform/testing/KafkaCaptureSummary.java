package io.flowscope.platform.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a capture of Kafka traffic contains, counted by tshark's Kafka dissector: the requests the clients sent, by
 * api key (how many of each), and the non-zero error codes the broker answered with (each as often as tshark
 * shows it, sorted). Kept as a golden file ({@code kafka.expected.json}) beside the capture.
 *
 * <p>tshark 4.0 misreads CreateTopics v7 responses (flexible versions): it shows error 15595 for a topic that was
 * made and 0 for one the broker refused with TOPIC_ALREADY_EXISTS (36); their errors are left out of its view.
 *
 * @param requests api key → how many requests of it
 * @param errors   the non-zero error codes of the responses, sorted
 */
public record KafkaCaptureSummary(Map<Integer, Integer> requests, List<Integer> errors) {

    public int requestCount() {
        return requests.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** tshark's view; {@code port} is decoded as Kafka. */
    public static KafkaCaptureSummary tshark(Path capture, int port, Path dir) throws IOException, InterruptedException {
        String tshark = PrivilegedCondition.which("tshark");
        String file = capture.toAbsolutePath().toString();
        String decodeAs = "tcp.port==" + port + ",kafka";
        String req = Processes.run(dir, List.of(tshark, "-n", "-r", file, "-d", decodeAs, "-Y",
                "kafka && tcp.dstport==" + port, "-T", "fields", "-E", "aggregator=|", "-e", "kafka.api_key"));
        Map<Integer, Integer> requests = new TreeMap<>();
        for (String line : req.lines().filter(l -> !l.isBlank()).toList()) {
            for (String key : line.split("\\|")) {
                requests.merge(Integer.parseInt(key.trim()), 1, Integer::sum);
            }
        }
        String err = Processes.run(dir, List.of(tshark, "-n", "-r", file, "-d", decodeAs, "-Y",
                "kafka.error != 0 && !(kafka.api_key == 19) && tcp.srcport==" + port, "-T", "fields", "-E", "aggregator=|", "-e", "kafka.error"));
        List<Integer> errors = new ArrayList<>();
        for (String line : err.lines().filter(l -> !l.isBlank()).toList()) {
            for (String code : line.split("\\|")) {
                int c = Integer.parseInt(code.trim());
                if (c != 0) {
                    errors.add(c);
                }
            }
        }
        errors.sort(null);
        return new KafkaCaptureSummary(requests, List.copyOf(errors));
    }

    /** A small, diff-friendly JSON form. */
    public String toJson() {
        return "{\n  \"requests\": {\n" + requests.entrySet().stream()
                .map(e -> "    \"" + e.getKey() + "\": " + e.getValue()).collect(Collectors.joining(",\n"))
                + "\n  },\n  \"errors\": " + errors + "\n}\n";
    }

    public static KafkaCaptureSummary readJson(Path file) throws IOException {
        JsonNode j = JsonMapper.builder().build().readTree(Files.readString(file));
        Map<Integer, Integer> requests = new TreeMap<>();
        j.get("requests").properties().forEach(e -> requests.put(Integer.parseInt(e.getKey()), e.getValue().asInt()));
        List<Integer> errors = new ArrayList<>();
        j.get("errors").forEach(e -> errors.add(e.asInt()));
        return new KafkaCaptureSummary(requests, List.copyOf(errors));
    }
}
