package io.flowscope.platform.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Known Kafka traffic from the real Java client: topics made by the admin client (one of them twice, which the
 * broker refuses with TOPIC_ALREADY_EXISTS, error 36), a producer sending a known number of records to each
 * topic, a consumer reading them all back.
 */
public final class KafkaTraffic {

    /** What was sent and read back. */
    public record Result(Map<String, Integer> produced, int consumed, int refusedCreates) {
    }

    private KafkaTraffic() {
    }

    public static Result run(String bootstrap, Map<String, Integer> recordsPerTopic) throws Exception {
        // the clients log every setting at INFO, for each client: only what goes wrong belongs in the test output
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.kafka"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        int refused = 0;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : recordsPerTopic.keySet()) {
                topics.add(new NewTopic(t, 1, (short) 1));
            }
            admin.createTopics(topics).all().get();
            try {
                admin.createTopics(List.of(topics.get(0))).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                refused++;
            }
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "flowscope-test-producer");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (Map.Entry<String, Integer> e : recordsPerTopic.entrySet()) {
                for (int i = 0; i < e.getValue(); i++) {
                    // one record per request: get() waits for each, so the count of Produce requests is known
                    producer.send(new ProducerRecord<>(e.getKey(), "key-" + i, "value-" + i)).get();
                }
            }
        }
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "flowscope-test");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "flowscope-test-consumer");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        int total = recordsPerTopic.values().stream().mapToInt(Integer::intValue).sum();
        int consumed = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.copyOf(recordsPerTopic.keySet()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumed < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    consumed++;
                }
            }
            consumer.commitSync();
        }
        return new Result(Map.copyOf(recordsPerTopic), consumed, refused);
    }
}
