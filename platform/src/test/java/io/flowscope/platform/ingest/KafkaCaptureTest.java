package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.testing.Kafka;
import io.flowscope.platform.testing.KafkaCaptureSummary;
import io.flowscope.platform.testing.KafkaTraffic;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.Tcpdump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live: a KRaft broker from Maven Central ({@link Kafka}) on a random loopback port, driven by kafka-clients'
 * admin client, producer and consumer ({@link KafkaTraffic}), captured by tcpdump and dissected by tshark: the
 * capture holds one Produce request per record sent (the producer waits for each) and the two CreateTopics, the
 * second refused by the broker with TOPIC_ALREADY_EXISTS (36).
 *
 * <p>With {@code -Dflowscope.golden.update=true} the capture, its port and tshark's view are saved as golden files.
 */
@Privileged(programs = {"tcpdump", "tshark"})
class KafkaCaptureTest {

    static final int PRODUCE = 0;
    static final int CREATE_TOPICS = 19;

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
        KafkaCaptureSummary tshark = KafkaCaptureSummary.tshark(capture, port, dir);
        assertThat(tshark.requests()).as(tshark.toJson()).containsEntry(PRODUCE, 10).containsEntry(CREATE_TOPICS, 2);
        // tshark 4.0 misreads the CreateTopics v7 answer (KafkaCaptureSummary): the refusal is the client's word
        assertThat(sent.refusedCreates()).isEqualTo(1);

        if (Boolean.getBoolean("flowscope.golden.update")) {
            Path golden = Path.of("src/test/resources/captures");
            Files.copy(capture, golden.resolve("kafka.pcap"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(golden.resolve("kafka.expected.json"), tshark.toJson());
            Files.writeString(golden.resolve("kafka.port"), port + "\n");
        }
    }
}
