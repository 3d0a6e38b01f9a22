package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.testing.Kafka;
import io.flowscope.platform.testing.KafkaTraffic;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka peer of the protocol tests: a KRaft broker from Maven Central in its own JVM takes the known traffic
 * of {@link KafkaTraffic} (every record sent is read back; the second create of a topic is refused).
 */
class KafkaBrokerTest {

    @TempDir
    Path dir;

    @Test
    void aRealBrokerTakesTheKnownTraffic() throws Exception {
        Map<String, Integer> topics = new LinkedHashMap<>();
        topics.put("orders", 7);
        topics.put("payments", 3);
        try (Kafka kafka = Kafka.start(dir.resolve("kafka"))) {
            KafkaTraffic.Result r = KafkaTraffic.run(kafka.bootstrapServers(), topics);
            assertThat(r.consumed()).as(kafka.logTail()).isEqualTo(10);
            assertThat(r.refusedCreates()).isEqualTo(1);
        }
    }
}
