package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Kafka;
import io.flowscope.platform.testing.KafkaCaptureSummary;
import io.flowscope.platform.testing.KafkaTraffic;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.Tcpdump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live: a KRaft broker from Maven Central ({@link Kafka}) on a random loopback port, driven by kafka-clients'
 * admin client, producer and consumer ({@link KafkaTraffic}), captured by tcpdump, read back by kafka-clients
 * ({@link KafkaCaptureSummary}; tshark agrees on the requests) and imported by Flowscope, which sees the same
 * requests by api and the same error codes. The capture holds one Produce request per record sent (the producer
 * waits for each) and the two CreateTopics, the second refused with TOPIC_ALREADY_EXISTS (36).
 *
 * <p>With {@code -Dflowscope.golden.update=true} the capture, its port and kafka-clients' view are saved as golden files.
 */
@Privileged(programs = {"tcpdump", "tshark"})
class KafkaCaptureTest {


    @TempDir
    Path dir;

    @Test
    void theCaptureHoldsTheKnownTrafficAsTsharkSeesIt() throws Exception {
        Path capture = dir.resolve("kafka.pcap");
        Map<String, Integer> topics = new LinkedHashMap<>();
        topics.put("orders", 7);
        topics.put("payments", 3);
        int port;
        KafkaTraffic.Result sent;
        try (Kafka kafka = Kafka.start(dir.resolve("kafka"))) {
            port = kafka.port();
            try (Tcpdump tcpdump = Tcpdump.start(capture, "tcp port " + port)) {
                sent = KafkaTraffic.run(kafka.bootstrapServers(), topics);
            }
        }
        assertThat(sent.consumed()).isEqualTo(10);
        assertThat(sent.refusedCreates()).isEqualTo(1);
        KafkaCaptureSummary clients = KafkaCaptureSummary.kafkaClients(capture, port, dir);
        assertThat(clients.requests()).as(clients.toJson()).containsEntry("Produce", 10).containsEntry("CreateTopics", 2);
        assertThat(clients.errors()).contains(36); // TOPIC_ALREADY_EXISTS
        assertThat(KafkaCaptureSummary.tsharkRequests(capture, port, dir)).isEqualTo(clients.requests());
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            FileSummary summary = Importing.importFile(store, capture);
            assertThat(summary.fault()).isNull();
            assertThat(summary.errors()).isEmpty();
            try (Connection c = store.connection()) {
                assertThat(KafkaCaptureSummary.flowscope(c)).isEqualTo(clients);
                // Produce v13 and Fetch v13+ give topic ids: every one is named from the capture's Metadata and
                // CreateTopics responses (one Produce per record sent)
                Map<String, Integer> byId = KafkaCaptureSummary.topicsById(c);
                assertThat(byId).containsEntry("Produce orders", 7).containsEntry("Produce payments", 3);
                assertThat(byId.keySet()).allMatch(k -> k.endsWith(" orders") || k.endsWith(" payments"), "no id left unnamed");
            }
        }

        if (Boolean.getBoolean("flowscope.golden.update")) {
            Path golden = Path.of("src/test/resources/captures");
            Files.copy(capture, golden.resolve("kafka.pcap"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(golden.resolve("kafka.expected.json"), clients.toJson());
            Files.writeString(golden.resolve("kafka.port"), port + "\n");
        }
    }
}
