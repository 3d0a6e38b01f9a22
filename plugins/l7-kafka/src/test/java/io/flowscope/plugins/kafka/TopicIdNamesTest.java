package io.flowscope.plugins.kafka;

import static io.flowscope.plugins.kafka.KafkaBytes.request;
import static io.flowscope.plugins.kafka.KafkaBytes.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * Produce v13+ and Fetch v13+ name their topic by id; the names come from the Metadata (v10+), CreateTopics (v7+)
 * and DescribeTopicPartitions responses of any connection parsed by the same factory, kept per cluster. All bytes
 * are kafka-clients 4.3.1's.
 */
class TopicIdNamesTest {

    private static final Uuid ORDERS = KafkaBytes.topicId(1);
    private static final Uuid PAYMENTS = KafkaBytes.topicId(2);

    private final KafkaParserFactory factory = new KafkaParserFactory();
    private int clientPort = 40000;

    /** A new connection of this factory from the next client port to {@code server}:9092. */
    private Harness connection(String server) {
        return connection(server, 0);
    }

    private Harness connection(String server, long namespace) {
        return new Harness(factory, "10.0.0.1", clientPort++, server, 9092, namespace);
    }

    private static String text(Uuid id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array());
    }

    private static Map<String, Uuid> topics(Object... nameAndId) {
        Map<String, Uuid> m = new LinkedHashMap<>();
        for (int i = 0; i < nameAndId.length; i += 2) {
            m.put((String) nameAndId[i], (Uuid) nameAndId[i + 1]);
        }
        return m;
    }

    /** Metadata v{@code version} asked on {@code h} and answered for {@code cluster}. */
    private static Harness metadata(Harness h, int version, String cluster, Map<String, Uuid> topics, int partitions) {
        return h.client(request(ApiKeys.METADATA, version, 1, "producer-1", KafkaBytes.metadata(topics.keySet().toArray(String[]::new))))
                .server(response(ApiKeys.METADATA, version, 1, KafkaBytes.metadataResponse(cluster, topics, partitions)));
    }

    private static L7Message produce(Harness h, Uuid id, int partition) {
        h.client(request(ApiKeys.PRODUCE, 13, 7, "producer-1",
                KafkaBytes.produce(13, null, id, partition, (short) -1, KafkaBytes.records("v"))));
        return h.requests().get(h.requests().size() - 1);
    }

    @Test
    void aProduceByIdIsNamedByTheMetadataAskedOnAnotherConnection() {
        metadata(connection("10.0.0.2"), 13, "c1", topics("orders", ORDERS, "payments", PAYMENTS), 3);
        Harness producer = connection("10.0.0.2");
        L7Message q = produce(producer, ORDERS, 2);
        assertEquals("orders-2", q.resource());
        assertEquals("orders", q.endpoint());
        assertEquals(Map.of("client_id", "producer-1", "topic_id", text(ORDERS)), q.attributes());
        assertEquals(List.of("client_id", "topic_id"), List.copyOf(q.attributes().keySet()), "in this order");
        // a broker of the same cluster whose address no Metadata came from: one cluster names the id, so it is named
        Harness consumer = connection("10.0.0.3");
        for (int v = 13; v <= 18; v++) {
            consumer.client(request(ApiKeys.FETCH, v, 20 + v, "consumer-1", KafkaBytes.fetch(v, null, PAYMENTS, 0, 1)));
            L7Message f = consumer.last();
            assertEquals("payments", f.resource(), "v" + v + ": two partitions, so the topic alone");
            assertEquals(text(PAYMENTS), f.attributes().get("topic_id"));
            assertNull(f.attributes().get("topic_name_status"));
        }
        assertTrue(producer.problems.isEmpty() && consumer.problems.isEmpty());
    }

    @Test
    void anIdNoResponseNamedSaysSoUntilOneDoes() {
        Harness producer = connection("10.0.0.2");
        L7Message before = produce(producer, ORDERS, 0);
        assertEquals(text(ORDERS) + "-0", before.resource(), "the id, as before, never a guess");
        assertEquals(text(ORDERS), before.endpoint());
        assertEquals("unknown", before.attributes().get("topic_name_status"));
        assertEquals("unknown", produce(producer, ORDERS, 0).attributes().get("topic_name_status"));
        metadata(connection("10.0.0.2"), 12, "c1", topics("orders", ORDERS), 1);
        L7Message after = produce(producer, ORDERS, 0);
        assertEquals("orders-0", after.resource());
        assertNull(after.attributes().get("topic_name_status"));
    }

    @Test
    void everyResponseVersionThatCarriesIdsTeachesThem() {
        for (int v = 10; v <= 13; v++) {
            KafkaParserFactory f = new KafkaParserFactory();
            Harness h = new Harness(f, "10.0.0.1", 1, "10.0.0.2", 9092, 0);
            metadata(h, v, "c1", topics("orders", ORDERS, "payments", PAYMENTS), 2);
            assertEquals(2, f.topicIds().size(), "Metadata v" + v);
            assertEquals("orders-1", produce(h, ORDERS, 1).resource(), "Metadata v" + v);
        }
        Harness old = new Harness(factory, "10.0.0.1", 1, "10.0.0.2", 9092, 0);
        metadata(old, 9, "c1", topics("orders", ORDERS), 2);
        assertEquals(0, factory.topicIds().size(), "Metadata v9 has no topic ids");

        Harness admin = connection("10.0.0.2");
        admin.client(request(ApiKeys.CREATE_TOPICS, 7, 3, "adminclient-1", new CreateTopicsRequestData().setTimeoutMs(30_000)))
                .server(response(ApiKeys.CREATE_TOPICS, 7, 3, KafkaBytes.createTopicsResponse(
                        topics("orders", ORDERS, "payments", PAYMENTS), (short) 0)))
                .client(request(ApiKeys.CREATE_TOPICS, 7, 4, "adminclient-1", new CreateTopicsRequestData().setTimeoutMs(30_000)))
                .server(response(ApiKeys.CREATE_TOPICS, 7, 4, KafkaBytes.createTopicsResponse(
                        topics("refused", KafkaBytes.topicId(3)), Errors.TOPIC_ALREADY_EXISTS.code())));
        assertEquals(2, factory.topicIds().size(), "a refused topic has no id (zero), which is never learned");
        assertEquals("payments-0", produce(connection("10.0.0.2"), PAYMENTS, 0).resource());

        Uuid logs = KafkaBytes.topicId(4);
        admin.client(request(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, 0, 5, "adminclient-1", new DescribeTopicPartitionsRequestData()))
                .server(response(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, 0, 5, KafkaBytes.describeTopicPartitionsResponse(topics("logs", logs))));
        assertEquals("logs-0", produce(connection("10.0.0.2"), logs, 0).resource());
        assertTrue(admin.problems.isEmpty(), admin.problems.toString());
    }

    @Test
    void aLongMetadataResponseTeachesEveryTopicHoweverItIsSplit() {
        Map<String, Uuid> many = new LinkedHashMap<>();
        for (int i = 0; i < 2000; i++) {
            many.put("topic-" + i, KafkaBytes.topicId(100 + i));
        }
        byte[] answer = response(ApiKeys.METADATA, 13, 1, KafkaBytes.metadataResponse("c1", many, 3));
        assertTrue(answer.length > 300_000, "far past the 1 KiB head: " + answer.length);
        byte[] ask = request(ApiKeys.METADATA, 13, 1, "c", KafkaBytes.metadata());
        Random random = new Random(11);
        for (int chunk : new int[] {1, 7, 1500, 65536, -1}) {
            KafkaParserFactory f = new KafkaParserFactory();
            Harness h = new Harness(f, "10.0.0.1", 1, "10.0.0.2", 9092, 0).client(ask);
            for (int at = 0; at < answer.length; ) {
                int n = chunk > 0 ? chunk : 1 + random.nextInt(3000);
                int end = Math.min(answer.length, at + n);
                h.send(Direction.SERVER_TO_CLIENT, Arrays.copyOfRange(answer, at, end));
                at = end;
            }
            assertEquals(2000, f.topicIds().size(), "chunks of " + chunk);
            assertEquals("topic-1999-2", produce(h, KafkaBytes.topicId(2099), 2).resource());
            assertEquals(1, h.responses().size());
            assertTrue(h.problems.isEmpty(), h.problems.toString());
        }
    }

    @Test
    void clustersThatShareAnIdAreNotMixed() {
        // a cloned cluster: the same id, another name
        metadata(connection("10.0.0.2"), 13, "c1", topics("orders", ORDERS), 1);
        metadata(connection("10.0.1.2"), 13, "c2", topics("orders-copy", ORDERS), 1);
        assertEquals("orders-0", produce(connection("10.0.0.2"), ORDERS, 0).resource(), "c1's broker");
        assertEquals("orders-copy-0", produce(connection("10.0.1.2"), ORDERS, 0).resource(), "c2's broker");
        L7Message unknownCluster = produce(connection("10.0.2.2"), ORDERS, 0);
        assertEquals(text(ORDERS) + "-0", unknownCluster.resource(), "two names and no way to choose: none");
        assertEquals("ambiguous", unknownCluster.attributes().get("topic_name_status"));
        // the same address and port in another network namespace (a container's localhost) is another server
        metadata(connection("127.0.0.1", 4026531840L), 13, "c3", topics("audit", PAYMENTS), 1);
        metadata(connection("127.0.0.1", 4026532999L), 13, "c4", topics("billing", PAYMENTS), 1);
        assertEquals("audit-0", produce(connection("127.0.0.1", 4026531840L), PAYMENTS, 0).resource());
        assertEquals("billing-0", produce(connection("127.0.0.1", 4026532999L), PAYMENTS, 0).resource());
        // a cluster that never named the id does not borrow another's name
        metadata(connection("10.0.3.2"), 13, "c5", topics("other", KafkaBytes.topicId(9)), 1);
        assertEquals("unknown", produce(connection("10.0.3.2"), ORDERS, 0).attributes().get("topic_name_status"));
    }

    @Test
    void overTheCapTheLeastRecentlyLearnedAreForgottenAndCounted() {
        int over = 25;
        Map<String, Uuid> first = new LinkedHashMap<>();
        for (int i = 0; i < TopicIds.MAX_IDS; i++) {
            first.put("t" + i, KafkaBytes.topicId(1000 + i));
        }
        Harness a = connection("10.0.0.2");
        metadata(a, 13, "c1", first, 0);
        assertEquals(TopicIds.MAX_IDS, factory.topicIds().size());
        // a client's periodic refresh learns t0 again: it becomes the most recently learned
        metadata(connection("10.0.0.2"), 13, "c1", topics("t0", KafkaBytes.topicId(1000)), 0);
        Map<String, Uuid> more = new LinkedHashMap<>();
        for (int i = 0; i < over; i++) {
            more.put("new" + i, KafkaBytes.topicId(900_000 + i));
        }
        Harness b = connection("10.0.0.2");
        metadata(b, 13, "c1", more, 0);
        assertEquals(TopicIds.MAX_IDS, factory.topicIds().size());
        assertEquals(over, factory.topicIds().evicted());
        assertEquals(over, b.problems.stream().filter("topic_ids_evicted"::equals).count());
        Harness p = connection("10.0.0.2");
        assertEquals("t0-0", produce(p, KafkaBytes.topicId(1000), 0).resource(), "refreshed, so kept");
        assertEquals("unknown", produce(p, KafkaBytes.topicId(1001), 0).attributes().get("topic_name_status"), "the oldest");
        assertEquals("t" + (over + 1) + "-0", produce(p, KafkaBytes.topicId(1000 + over + 1), 0).resource());
        assertEquals("new0-0", produce(p, KafkaBytes.topicId(900_000), 0).resource());
    }

    @Test
    void aGapInsideAMetadataResponseKeepsTheTopicsBeforeIt() {
        Map<String, Uuid> many = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            many.put("topic-" + i, KafkaBytes.topicId(100 + i));
        }
        byte[] answer = response(ApiKeys.METADATA, 13, 1, KafkaBytes.metadataResponse("c1", many, 2));
        Harness h = connection("10.0.0.2").client(request(ApiKeys.METADATA, 13, 1, "c", KafkaBytes.metadata()));
        int half = answer.length / 2;
        h.send(Direction.SERVER_TO_CLIENT, Arrays.copyOf(answer, half));
        h.parser.onGap(Direction.SERVER_TO_CLIENT, 100);
        h.send(Direction.SERVER_TO_CLIENT, Arrays.copyOfRange(answer, half + 100, answer.length));
        int learned = factory.topicIds().size();
        assertTrue(learned > 30 && learned < 60, "the topics before the gap: " + learned);
        assertEquals("incomplete", h.responses().get(0).attributes().get("capture"));
        assertEquals("topic-0-1", produce(h, KafkaBytes.topicId(100), 1).resource());
        assertEquals("unknown", produce(h, KafkaBytes.topicId(199), 1).attributes().get("topic_name_status"));
    }

    @Test
    void impossibleNamesAndMangledResponsesAreReportedNeverThrown() {
        // kafka-clients writes what it is given: a 300-byte name no broker would send
        Harness h = metadata(connection("10.0.0.2"), 13, "c1", topics("x".repeat(300), ORDERS), 1);
        assertEquals(List.of("unreadable_topic_names"), h.problems);
        assertEquals(0, factory.topicIds().size());
        assertEquals(1, h.responses().size());
        // random bytes flipped in a real response: whatever is learned, nothing throws and the next request pairs
        byte[] answer = response(ApiKeys.METADATA, 13, 1,
                KafkaBytes.metadataResponse("c1", topics("orders", ORDERS, "payments", PAYMENTS), 3));
        byte[] second = response(ApiKeys.METADATA, 13, 2, KafkaBytes.metadataResponse("c1", topics("orders", ORDERS), 1));
        Random random = new Random(5);
        for (int i = 0; i < 2000; i++) {
            byte[] mangled = answer.clone();
            for (int k = 0; k < 1 + random.nextInt(4); k++) {
                mangled[8 + random.nextInt(mangled.length - 8)] = (byte) random.nextInt(256);
            }
            Harness m = new Harness(new KafkaParserFactory(), "10.0.0.1", 1, "10.0.0.2", 9092, 0)
                    .client(request(ApiKeys.METADATA, 13, 1, "c", KafkaBytes.metadata()))
                    .server(mangled)
                    .client(request(ApiKeys.METADATA, 13, 2, "c", KafkaBytes.metadata()))
                    .server(second);
            assertEquals(2, m.responses().get(1).streamId(), "round " + i);
        }
    }

    @Test
    void theTableIsSafeToShareBetweenPipelineThreads() throws Exception {
        TopicIds ids = new TopicIds();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    TopicIds.Id probe = new TopicIds.Id();
                    TopicIds.Answer answer = new TopicIds.Answer();
                    for (int i = 0; i < 30_000; i++) {
                        ids.learn("c" + thread % 2, thread, i, "topic-" + i);
                        ids.resolve(probe.set(thread, i), "c" + thread % 2, answer);
                        // another thread may have evicted it since, but no other name is ever given
                        if (answer.name != null && !answer.name.equals("topic-" + i)) {
                            throw new AssertionError(thread + "/" + i + ": " + answer.name + " " + answer.status);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(TopicIds.MAX_IDS, ids.size());
        assertEquals(4 * 30_000 - TopicIds.MAX_IDS, ids.evicted());
    }
}
