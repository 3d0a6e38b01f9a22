package io.flowscope.plugins.kafka;

import static io.flowscope.plugins.kafka.KafkaBytes.concat;
import static io.flowscope.plugins.kafka.KafkaBytes.request;
import static io.flowscope.plugins.kafka.KafkaBytes.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowscope.api.Detection;
import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.ResponseStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** The parser on bytes written by kafka-clients 4.3.1, every version of the four apis it reads bodies of. */
class KafkaParserTest {

    private static final String TOPIC_ID = Base64.getUrlEncoder().withoutPadding().encodeToString(
            ByteBuffer.allocate(16).putLong(KafkaBytes.TOPIC_ID.getMostSignificantBits())
                    .putLong(KafkaBytes.TOPIC_ID.getLeastSignificantBits()).array());

    @Test
    void produceOfEveryVersionNamesTopicAndPartitionAndItsErrorIsFound() {
        for (int v = 3; v <= 13; v++) {
            Harness h = new Harness()
                    .client(request(ApiKeys.PRODUCE, v, 41, "producer-1",
                            KafkaBytes.produce(v, "orders", 2, (short) -1, KafkaBytes.records("v".repeat(3000)))))
                    .server(response(ApiKeys.PRODUCE, v, 41, KafkaBytes.produceResponse(v, "orders",
                            (short) 0, Errors.UNKNOWN_TOPIC_OR_PARTITION.code())));
            String topic = v >= 13 ? TOPIC_ID : "orders";
            L7Message q = h.requests().get(0);
            assertEquals("Produce", q.operation(), "v" + v);
            assertEquals(topic + "-2", q.resource(), "v" + v);
            assertEquals(topic, q.endpoint(), "v" + v);
            assertEquals(Integer.toString(v), q.version());
            assertEquals(41, q.streamId());
            // no Metadata named the id: said so, the id kept as the topic
            assertEquals(v >= 13 ? Map.of("client_id", "producer-1", "topic_id", TOPIC_ID, "topic_name_status", "unknown")
                    : Map.of("client_id", "producer-1"), q.attributes(), "v" + v);
            assertTrue(q.expectsResponse());
            assertTrue(q.bytes() > 3000);
            L7Message r = h.responses().get(0);
            assertEquals(41, r.streamId());
            assertEquals(3, r.statusCode(), "v" + v);
            assertEquals("UNKNOWN_TOPIC_OR_PARTITION", r.exception());
            assertEquals(ResponseStatus.SERVER_ERROR, r.status());
            assertEquals(Integer.toString(v), r.version());
            assertTrue(h.problems.isEmpty(), h.problems.toString());
        }
    }

    @Test
    void produceWithAcksZeroExpectsNoResponseAndTheNextPairs() {
        Harness h = new Harness()
                .client(request(ApiKeys.PRODUCE, 9, 1, "p", KafkaBytes.produce(9, "logs", 0, (short) 0, KafkaBytes.records("x"))))
                .client(request(ApiKeys.PRODUCE, 9, 2, "p", KafkaBytes.produce(9, "logs", 0, (short) 1, KafkaBytes.records("y"))))
                .server(response(ApiKeys.PRODUCE, 9, 2, KafkaBytes.produceResponse(9, "logs", (short) 0)));
        assertFalse(h.requests().get(0).expectsResponse());
        assertTrue(h.requests().get(1).expectsResponse());
        L7Message r = h.responses().get(0);
        assertEquals(2, r.streamId());
        assertEquals(0, r.statusCode());
        assertEquals(ResponseStatus.OK, r.status());
        assertNull(r.exception());
    }

    @Test
    void fetchOfEveryVersionNamesItsTopicAndFindsTheFirstPartitionError() {
        for (int v = 4; v <= 18; v++) {
            Harness h = new Harness()
                    .client(request(ApiKeys.FETCH, v, 9, "consumer-g-1", KafkaBytes.fetch(v, "orders", 0, 1)))
                    .server(response(ApiKeys.FETCH, v, 9, KafkaBytes.fetchResponse(v, "orders", (short) 0,
                            KafkaBytes.records("r"), (short) 0, Errors.NOT_LEADER_OR_FOLLOWER.code())));
            String topic = v >= 13 ? TOPIC_ID : "orders";
            L7Message q = h.requests().get(0);
            assertEquals("Fetch", q.operation());
            assertEquals(topic, q.resource(), "v" + v + ": two partitions, so the topic alone");
            assertEquals(v >= 13 ? "unknown" : null, q.attributes().get("topic_name_status"), "v" + v);
            L7Message r = h.responses().get(0);
            assertEquals(6, r.statusCode(), "v" + v);
            assertEquals("NOT_LEADER_OR_FOLLOWER", r.exception());
        }
    }

    @Test
    void findCoordinatorFromVersion4AnswersPerKeyAndItsErrorIsFound() {
        for (int v = 4; v <= 6; v++) {
            Harness h = new Harness()
                    .client(request(ApiKeys.FIND_COORDINATOR, v, 5, "c",
                            new FindCoordinatorRequestData().setCoordinatorKeys(java.util.List.of("g1", "g2"))))
                    .server(response(ApiKeys.FIND_COORDINATOR, v, 5, new FindCoordinatorResponseData().setCoordinators(
                            java.util.List.of(new FindCoordinatorResponseData.Coordinator().setKey("g1").setHost("h"),
                                    new FindCoordinatorResponseData.Coordinator().setKey("g2").setHost("h")
                                            .setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                                            .setErrorMessage("not yet")))));
            assertEquals(15, h.responses().get(0).statusCode(), "v" + v);
            assertEquals("COORDINATOR_NOT_AVAILABLE", h.responses().get(0).exception(), "v" + v);
        }
    }

    @Test
    void createTopicsOfEveryVersionFindsTheFirstTopicError() {
        for (int v = 2; v <= 7; v++) {
            var ok = new org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult().setName("a")
                    .setNumPartitions(1).setReplicationFactor((short) 1);
            var refused = new org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult().setName("b")
                    .setErrorCode(Errors.TOPIC_ALREADY_EXISTS.code()).setErrorMessage("Topic 'b' already exists.");
            var topics = new org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResultCollection();
            topics.add(ok);
            topics.add(refused);
            Harness h = new Harness()
                    .client(request(ApiKeys.CREATE_TOPICS, v, 8, "admin", new org.apache.kafka.common.message.CreateTopicsRequestData()))
                    .server(response(ApiKeys.CREATE_TOPICS, v, 8,
                            new org.apache.kafka.common.message.CreateTopicsResponseData().setTopics(topics)));
            assertEquals(36, h.responses().get(0).statusCode(), "v" + v);
            assertEquals("TOPIC_ALREADY_EXISTS", h.responses().get(0).exception(), "v" + v);
        }
    }

    @Test
    void aFetchSessionErrorIsTheTopLevelOne() {
        Harness h = new Harness()
                .client(request(ApiKeys.FETCH, 12, 3, "c", KafkaBytes.fetch(12, "orders", 0)))
                .server(response(ApiKeys.FETCH, 12, 3, KafkaBytes.fetchResponse(12, "orders",
                        Errors.FETCH_SESSION_ID_NOT_FOUND.code(), null)));
        assertEquals("orders-0", h.requests().get(0).resource());
        assertEquals(70, h.responses().get(0).statusCode());
        assertEquals("FETCH_SESSION_ID_NOT_FOUND", h.responses().get(0).exception());
    }

    @Test
    void aFetchResponseWhoseRecordsPassTheHeadIsOkWithoutCode() {
        Harness h = new Harness()
                .client(request(ApiKeys.FETCH, 11, 3, "c", KafkaBytes.fetch(11, "orders", 0, 1)))
                .server(response(ApiKeys.FETCH, 11, 3, KafkaBytes.fetchResponse(11, "orders", (short) 0,
                        KafkaBytes.records("z".repeat(5000)), (short) 0, Errors.NOT_LEADER_OR_FOLLOWER.code())));
        // the second partition's error lies behind 5 KB of records, beyond the head: not seen, the top-level 0 is
        assertEquals(0, h.responses().get(0).statusCode());
        assertEquals(ResponseStatus.OK, h.responses().get(0).status());
    }

    @Test
    void listOffsetsAndMetadataOfEveryVersion() {
        for (int v = 1; v <= 11; v++) {
            Harness h = new Harness()
                    .client(request(ApiKeys.LIST_OFFSETS, v, 5, "c", KafkaBytes.listOffsets("orders", 3)))
                    .server(response(ApiKeys.LIST_OFFSETS, v, 5, KafkaBytes.listOffsetsResponse("orders",
                            Errors.OFFSET_NOT_AVAILABLE.code())));
            assertEquals("ListOffsets", h.requests().get(0).operation());
            assertEquals("orders-3", h.requests().get(0).resource(), "v" + v);
            assertEquals(78, h.responses().get(0).statusCode(), "v" + v);
        }
        for (int v = 0; v <= 13; v++) {
            Harness h = new Harness()
                    .client(request(ApiKeys.METADATA, v, 6, "c", KafkaBytes.metadata("orders", "payments")))
                    .server(response(ApiKeys.METADATA, v, 6, KafkaBytes.metadataResponse("orders",
                            (short) 0, Errors.LEADER_NOT_AVAILABLE.code())));
            assertEquals("Metadata", h.requests().get(0).operation());
            assertEquals("orders", h.requests().get(0).resource(), "v" + v);
            assertEquals(5, h.responses().get(0).statusCode(), "v" + v);
            assertEquals("LEADER_NOT_AVAILABLE", h.responses().get(0).exception());
            Harness all = new Harness()
                    .client(request(ApiKeys.METADATA, v, 7, "c", v == 0 ? KafkaBytes.metadata("t") : KafkaBytes.metadata()))
                    .server(response(ApiKeys.METADATA, v, 7, KafkaBytes.metadataResponse("t",
                            Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), (short) 0)));
            assertEquals(v == 0 ? "t" : null, all.requests().get(0).resource(), "v" + v + ": null topics are every topic");
            assertEquals(3, all.responses().get(0).statusCode(), "v" + v);
        }
    }

    @Test
    void manyRequestsInFlightPairByCorrelationIdAndKeepTheirVersions() {
        Harness h = new Harness();
        byte[][] answers = new byte[60][];
        for (int i = 0; i < 60; i++) {
            int corr = 1000 + i;
            switch (i % 3) {
                case 0 -> {
                    h.client(request(ApiKeys.HEARTBEAT, i % 5, corr, "c", new HeartbeatRequestData().setGroupId("g")));
                    answers[i] = response(ApiKeys.HEARTBEAT, i % 5, corr,
                            new HeartbeatResponseData().setErrorCode(Errors.REBALANCE_IN_PROGRESS.code()));
                }
                case 1 -> {
                    h.client(request(ApiKeys.API_VERSIONS, 3, corr, "c", new ApiVersionsRequestData()
                            .setClientSoftwareName("apache-kafka-java").setClientSoftwareVersion("4.3.1")));
                    answers[i] = response(ApiKeys.API_VERSIONS, 3, corr, new ApiVersionsResponseData());
                }
                default -> {
                    h.client(request(ApiKeys.FIND_COORDINATOR, 2, corr, "c", new FindCoordinatorRequestData().setKey("g")));
                    answers[i] = response(ApiKeys.FIND_COORDINATOR, 2, corr,
                            new FindCoordinatorResponseData().setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()));
                }
            }
        }
        h.server(concat(answers));
        List<L7Message> responses = h.responses();
        assertEquals(60, responses.size());
        for (int i = 0; i < 60; i++) {
            L7Message r = responses.get(i);
            assertEquals(1000 + i, r.streamId());
            int expected = switch (i % 3) {
                case 0 -> 27;
                case 1 -> 0;
                default -> 15;
            };
            assertEquals(expected, r.statusCode(), "response " + i);
            assertEquals(h.requests().get(i).version(), r.version());
        }
        assertTrue(h.problems.isEmpty());
    }

    @Test
    void aLargeProduceIsSkippedByItsLengthWithinTheStateBound() {
        byte[] big = request(ApiKeys.PRODUCE, 11, 77, "p", KafkaBytes.produce(11, "blobs", 0, (short) -1,
                KafkaBytes.records("b".repeat(8 << 20))));
        Harness h = new Harness();
        for (int from = 0; from < big.length; from += 65_536) {
            h.send(Direction.CLIENT_TO_SERVER, Arrays.copyOfRange(big, from, Math.min(big.length, from + 65_536)));
            assertTrue(h.parser.retainedBytes() <= KafkaParser.MAX_STATE_BYTES);
        }
        h.server(response(ApiKeys.PRODUCE, 11, 77, KafkaBytes.produceResponse(11, "blobs", (short) 0)));
        assertEquals(1, h.requests().size());
        assertEquals(big.length, h.requests().get(0).bytes());
        assertEquals("blobs-0", h.requests().get(0).resource());
        assertEquals(0, h.responses().get(0).statusCode());
    }

    @Test
    void atMostMaxPendingRequestsWaitTheOldestAreDropped() {
        Harness h = new Harness();
        String topic = "t".repeat(249); // Kafka's longest topic name
        String client = "c".repeat(300);
        for (int i = 0; i < Pending.MAX + 500; i++) {
            h.client(request(ApiKeys.LIST_OFFSETS, 7, i, client + i, KafkaBytes.listOffsets(topic + (i % 10), 0)));
            assertTrue(h.parser.retainedBytes() <= KafkaParser.MAX_STATE_BYTES);
        }
        assertEquals(KafkaParser.MAX_NAME, h.requests().get(0).attributes().get("client_id").length(), "client ids are cut");
        h.server(response(ApiKeys.LIST_OFFSETS, 7, 10, KafkaBytes.listOffsetsResponse(topic, (short) 0)));
        assertEquals(ResponseStatus.UNKNOWN, h.last().status(), "dropped: its layout is no longer known");
        h.server(response(ApiKeys.LIST_OFFSETS, 7, Pending.MAX + 499, KafkaBytes.listOffsetsResponse(topic, (short) 3)));
        assertEquals(3, h.last().statusCode());
    }

    @Test
    void garbageIsReportedOnceAndTheNextRequestFound() {
        byte[] junk = "\u0000\u0000\u0000\u0010this is no kafka at all".getBytes(StandardCharsets.ISO_8859_1);
        Harness h = new Harness()
                .client(concat(junk, request(ApiKeys.METADATA, 12, 8, "adminclient-1", KafkaBytes.metadata("orders"))));
        assertEquals(List.of("malformed_request"), h.problems);
        assertEquals(1, h.requests().size());
        assertEquals("orders", h.requests().get(0).resource());
    }

    @Test
    void aGapInsideARecordBatchKeepsTheRequestAndMarksIt() {
        byte[] produce = request(ApiKeys.PRODUCE, 9, 4, "p", KafkaBytes.produce(9, "t", 0, (short) 1,
                KafkaBytes.records("v".repeat(4000))));
        Harness h = new Harness().client(Arrays.copyOfRange(produce, 0, 2000));
        h.parser.onGap(Direction.CLIENT_TO_SERVER, 1000);
        h.client(Arrays.copyOfRange(produce, 3000, produce.length))
                .client(request(ApiKeys.METADATA, 9, 5, "p", KafkaBytes.metadata("u")));
        assertEquals(2, h.requests().size());
        assertEquals("t-0", h.requests().get(0).resource());
        assertEquals("incomplete", h.requests().get(0).attributes().get("capture"));
        assertEquals("u", h.requests().get(1).resource());
    }

    @Test
    void traceContextOfTheFirstRecordsHeadersIsTaken() {
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String span = "00f067aa0ba902b7";
        String sw8Trace = "a1b2c3d4e5f6.1.17000000000000001";
        String sw8 = "1-" + b64(sw8Trace) + "-" + b64("segment-1") + "-3-" + b64("svc") + "-" + b64("inst") + "-" + b64("/op") + "-" + b64("broker:9092");
        Object[][] cases = {
                {header("traceparent", "00-" + trace + "-" + span + "-01"), trace, span},
                {header("b3", trace + "-" + span + "-1"), trace, span},
                {header("uber-trace-id", trace + ":" + span + ":0:1"), trace, span},
                {header("sw8", sw8), sw8Trace, null},
                // traceparent is preferred whatever the order
                {new org.apache.kafka.common.header.internals.RecordHeader[] {
                        header("b3", "1111111111111111-2222222222222222")[0],
                        header("traceparent", "00-" + trace + "-" + span + "-01")[0]}, trace, span},
                {header("other", "x"), null, null},
        };
        for (Object[] c : cases) {
            org.apache.kafka.common.header.internals.RecordHeader[] headers = (org.apache.kafka.common.header.internals.RecordHeader[]) c[0];
            for (int v : new int[] {3, 9, 13}) {
                Harness h = new Harness().client(request(ApiKeys.PRODUCE, v, 1, "p",
                        KafkaBytes.produce(v, "traced", 0, (short) 1, KafkaBytes.records("{\"order\":1}", headers))));
                assertEquals(c[1], h.requests().get(0).traceId(), headers[0].key() + " v" + v);
                assertEquals(c[2], h.requests().get(0).spanId(), headers[0].key() + " v" + v);
            }
        }
        // headers behind a value longer than the head are not seen
        Harness h = new Harness().client(request(ApiKeys.PRODUCE, 9, 1, "p", KafkaBytes.produce(9, "traced", 0, (short) 1,
                KafkaBytes.records("v".repeat(2000), header("traceparent", "00-" + trace + "-" + span + "-01")))));
        assertNull(h.requests().get(0).traceId());
    }

    private static org.apache.kafka.common.header.internals.RecordHeader[] header(String key, String value) {
        return new org.apache.kafka.common.header.internals.RecordHeader[] {
                new org.apache.kafka.common.header.internals.RecordHeader(key, value.getBytes(StandardCharsets.UTF_8))};
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void controlledShutdownV0HasTheHeaderWithoutClientId() {
        // Kafka 0.8's broker-to-controller request: header v0 (api key, version, correlation id), then broker_id
        byte[] request = ByteBuffer.allocate(16).putInt(12).putShort((short) 7).putShort((short) 0).putInt(5).putInt(1).array();
        byte[] response = ByteBuffer.allocate(14).putInt(10).putInt(5).putShort(Errors.NOT_CONTROLLER.code()).putInt(0).array();
        Harness h = new Harness().client(request).server(response);
        assertEquals("ControlledShutdown", h.requests().get(0).operation());
        assertTrue(h.requests().get(0).attributes().isEmpty());
        assertEquals(41, h.responses().get(0).statusCode());
        assertEquals("NOT_CONTROLLER", h.responses().get(0).exception());
        assertTrue(h.problems.isEmpty(), h.problems.toString());
    }

    @Test
    void aResponseWhoseRequestWasNotSeenIsUnknown() {
        Harness h = new Harness().server(response(ApiKeys.HEARTBEAT, 4, 12, new HeartbeatResponseData()));
        assertEquals(ResponseStatus.UNKNOWN, h.last().status());
        assertEquals(12, h.last().streamId());
    }

    @Test
    void detectionNeedsAPlausibleRequestHeader() {
        KafkaParserFactory f = new KafkaParserFactory();
        byte[] apiVersions = request(ApiKeys.API_VERSIONS, 4, 0, "producer-1", new ApiVersionsRequestData()
                .setClientSoftwareName("apache-kafka-java").setClientSoftwareVersion("4.3.1"));
        assertEquals(Detection.MATCH, detect(f, apiVersions, Direction.CLIENT_TO_SERVER));
        assertEquals(Detection.NO_MATCH, detect(f, apiVersions, Direction.SERVER_TO_CLIENT));
        for (int n = 0; n < 14 + "producer-1".length(); n++) {
            assertEquals(Detection.NEED_MORE_DATA, detect(f, Arrays.copyOf(apiVersions, n), Direction.CLIENT_TO_SERVER), "first " + n);
        }
        // no client id: a whole request only
        byte[] anonymous = request(ApiKeys.METADATA, 1, 3, null, KafkaBytes.metadata("t"));
        assertEquals(Detection.MATCH, detect(f, anonymous, Direction.CLIENT_TO_SERVER));
        assertEquals(Detection.NEED_MORE_DATA, detect(f, Arrays.copyOf(anonymous, anonymous.length - 1), Direction.CLIENT_TO_SERVER));
        assertEquals(Detection.NO_MATCH, detect(f, "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII), Direction.CLIENT_TO_SERVER));
        assertEquals(Detection.NO_MATCH, detect(f, new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03, 0, 0, 0, 0, 0}, Direction.CLIENT_TO_SERVER));
        assertEquals(Detection.NO_MATCH, detect(f, "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII), Direction.CLIENT_TO_SERVER));
        for (String params : new String[] {"user\0alice\0database\0shop\0\0", "user\0postgres\0\0",
                "user\0u\0database\0d\0application_name\0psql\0client_encoding\0UTF8\0\0"}) {
            byte[] p = params.getBytes(StandardCharsets.US_ASCII);
            byte[] startup = ByteBuffer.allocate(8 + p.length).putInt(8 + p.length).putInt(196608).put(p).array();
            assertEquals(Detection.NO_MATCH, detect(f, startup, Direction.CLIENT_TO_SERVER), "a PostgreSQL startup message");
        }
        Random random = new Random(11);
        int matched = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] b = new byte[64];
            random.nextBytes(b);
            matched += detect(f, b, Direction.CLIENT_TO_SERVER) == Detection.MATCH ? 1 : 0;
        }
        assertEquals(0, matched, "random bytes taken for Kafka");
    }

    private static Detection detect(KafkaParserFactory f, byte[] b, Direction d) {
        return f.detect(ByteBuffer.wrap(b).asReadOnlyBuffer(), d, null);
    }
}
