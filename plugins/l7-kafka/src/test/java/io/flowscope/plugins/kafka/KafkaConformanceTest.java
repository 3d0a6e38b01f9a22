package io.flowscope.plugins.kafka;

import static io.flowscope.plugins.kafka.KafkaBytes.concat;
import static io.flowscope.plugins.kafka.KafkaBytes.request;
import static io.flowscope.plugins.kafka.KafkaBytes.response;

import io.flowscope.api.Direction;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.testkit.ParserConformanceKit;
import io.flowscope.api.testkit.RecordedSession;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * Kafka against the conformance kit, on sessions whose bytes kafka-clients 4.3.1 writes: a Java producer's start
 * (ApiVersions, Metadata, Produce), a consumer with several requests in flight on one connection answered in one
 * segment, fire-and-forget produces (acks=0), errors of each kind the parser reads, and an older client's
 * non-flexible versions.
 */
class KafkaConformanceTest extends ParserConformanceKit {

    @Override
    protected ProtocolParserFactory factory() {
        return new KafkaParserFactory();
    }

    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.of(Capability.STREAM, Capability.MULTIPLEXED);
    }

    @Override
    protected byte[] unterminatedMessagePrefix() {
        byte[] produce = request(ApiKeys.PRODUCE, 9, 1, "producer-1",
                KafkaBytes.produce(9, "orders", 0, (short) -1, KafkaBytes.records("v")));
        byte[] head = java.util.Arrays.copyOf(produce, 40);
        ByteBuffer.wrap(head).putInt(0, Integer.MAX_VALUE); // a 2 GB request: never ends
        return head;
    }

    @Override
    protected List<RecordedSession> sessions() {
        return List.of(producerStart(), consumerInFlight(), fireAndForget(), errors(), olderClient(), traced(), byTopicId());
    }

    private static ApiVersionsRequestData apiVersions() {
        return new ApiVersionsRequestData().setClientSoftwareName("apache-kafka-java").setClientSoftwareVersion("4.3.1");
    }

    private static RecordedSession producerStart() {
        return RecordedSession.named("java producer: ApiVersions, Metadata, Produce")
                .segment(Direction.CLIENT_TO_SERVER, request(ApiKeys.API_VERSIONS, 4, 0, "producer-1", apiVersions()))
                .segment(Direction.SERVER_TO_CLIENT, response(ApiKeys.API_VERSIONS, 4, 0, new ApiVersionsResponseData()))
                .segment(Direction.CLIENT_TO_SERVER, request(ApiKeys.METADATA, 12, 1, "producer-1", KafkaBytes.metadata("orders")))
                .segment(Direction.SERVER_TO_CLIENT, response(ApiKeys.METADATA, 12, 1, KafkaBytes.metadataResponse("orders", (short) 0, (short) 0)))
                .segment(Direction.CLIENT_TO_SERVER, request(ApiKeys.PRODUCE, 11, 2, "producer-1",
                        KafkaBytes.produce(11, "orders", 0, (short) -1, KafkaBytes.records("hello"))))
                .segment(Direction.SERVER_TO_CLIENT, response(ApiKeys.PRODUCE, 11, 2, KafkaBytes.produceResponse(11, "orders", (short) 0)))
                .expect("REQUEST stream=0 ApiVersions UNKNOWN bytes=50 version=4 attrs={client_id=producer-1} t=+0..+0")
                .expect("RESPONSE stream=0 0 OK bytes=16 version=4 t=+1000..+1000")
                .expect("REQUEST stream=1 Metadata orders UNKNOWN bytes=53 version=12 endpoint=orders attrs={client_id=producer-1} t=+2000..+2000")
                .expect("RESPONSE stream=1 0 OK bytes=108 version=12 t=+3000..+3000")
                .expect("REQUEST stream=2 Produce orders-0 UNKNOWN bytes=123 version=11 endpoint=orders attrs={client_id=producer-1} t=+4000..+4000")
                .expect("RESPONSE stream=2 0 OK bytes=57 version=11 t=+5000..+5000")
                .build();
    }

    private static RecordedSession consumerInFlight() {
        OffsetFetchRequestData offsets = new OffsetFetchRequestData().setGroupId("g1").setTopics(List.of(
                new OffsetFetchRequestData.OffsetFetchRequestTopic().setName("orders").setPartitionIndexes(List.of(0))));
        OffsetFetchResponseData offsetsAnswer = new OffsetFetchResponseData().setTopics(List.of(
                new OffsetFetchResponseData.OffsetFetchResponseTopic().setName("orders").setPartitions(List.of(
                        new OffsetFetchResponseData.OffsetFetchResponsePartition().setPartitionIndex(0)
                                .setCommittedOffset(5)))));
        return RecordedSession.named("consumer: four requests in flight, answered in one segment")
                .segment(Direction.CLIENT_TO_SERVER, concat(
                        request(ApiKeys.FETCH, 12, 10, "consumer-g1-1", KafkaBytes.fetch(12, "orders", 0, 1)),
                        request(ApiKeys.HEARTBEAT, 4, 11, "consumer-g1-1", new HeartbeatRequestData().setGroupId("g1")),
                        request(ApiKeys.OFFSET_FETCH, 7, 12, "consumer-g1-1", offsets),
                        request(ApiKeys.LIST_OFFSETS, 7, 13, "consumer-g1-1", KafkaBytes.listOffsets("orders", 1))))
                .segment(Direction.SERVER_TO_CLIENT, concat(
                        response(ApiKeys.FETCH, 12, 10, KafkaBytes.fetchResponse(12, "orders", (short) 0,
                                KafkaBytes.records("m"), (short) 0, (short) 0)),
                        response(ApiKeys.HEARTBEAT, 4, 11, new HeartbeatResponseData()
                                .setErrorCode(Errors.REBALANCE_IN_PROGRESS.code())),
                        response(ApiKeys.OFFSET_FETCH, 7, 12, offsetsAnswer),
                        response(ApiKeys.LIST_OFFSETS, 7, 13, KafkaBytes.listOffsetsResponse("orders", (short) 0))))
                .expect("REQUEST stream=10 Fetch orders UNKNOWN bytes=132 version=12 endpoint=orders attrs={client_id=consumer-g1-1} t=+0..+0")
                .expect("REQUEST stream=11 Heartbeat UNKNOWN bytes=38 version=4 attrs={client_id=consumer-g1-1} t=+0..+0")
                .expect("REQUEST stream=12 OffsetFetch UNKNOWN bytes=47 version=7 attrs={client_id=consumer-g1-1} t=+0..+0")
                .expect("REQUEST stream=13 ListOffsets orders-1 UNKNOWN bytes=61 version=7 endpoint=orders attrs={client_id=consumer-g1-1} t=+0..+0")
                .expect("RESPONSE stream=10 0 OK bytes=244 version=12 t=+1000..+1000")
                .expect("RESPONSE stream=11 27 SERVER_ERROR bytes=16 version=4 exception=REBALANCE_IN_PROGRESS t=+1000..+1000")
                .expect("RESPONSE stream=12 0 OK bytes=46 version=7 t=+1000..+1000")
                .expect("RESPONSE stream=13 0 OK bytes=51 version=7 t=+1000..+1000")
                .build();
    }

    private static RecordedSession fireAndForget() {
        return RecordedSession.named("acks=0 produces expect no response")
                .segment(Direction.CLIENT_TO_SERVER, request(ApiKeys.PRODUCE, 9, 20, "fire",
                        KafkaBytes.produce(9, "metrics", 3, (short) 0, KafkaBytes.records("a"))))
                .segment(Direction.CLIENT_TO_SERVER, request(ApiKeys.PRODUCE, 9, 21, "fire",
                        KafkaBytes.produce(9, "metrics", 4, (short) 0, KafkaBytes.records("b"))))
                .segment(Direction.CLIENT_TO_SERVER, request(ApiKeys.METADATA, 9, 22, "fire", KafkaBytes.metadata()))
                .segment(Direction.SERVER_TO_CLIENT, response(ApiKeys.METADATA, 9, 22, KafkaBytes.metadataResponse("metrics", (short) 0, (short) 0)))
                .expect("REQUEST stream=20 Produce metrics-3 UNKNOWN bytes=114 version=9 endpoint=metrics attrs={client_id=fire} noresponse t=+0..+0")
                .expect("REQUEST stream=21 Produce metrics-4 UNKNOWN bytes=114 version=9 endpoint=metrics attrs={client_id=fire} noresponse t=+1000..+1000")
                .expect("REQUEST stream=22 Metadata UNKNOWN bytes=24 version=9 attrs={client_id=fire} t=+2000..+2000")
                .expect("RESPONSE stream=22 0 OK bytes=97 version=9 t=+3000..+3000")
                .build();
    }

    private static RecordedSession errors() {
        return RecordedSession.named("errors: partition, topic and top-level")
                .segment(Direction.CLIENT_TO_SERVER, request(ApiKeys.PRODUCE, 10, 30, "producer-2",
                        KafkaBytes.produce(10, "missing", 0, (short) 1, KafkaBytes.records("x"))))
                .segment(Direction.SERVER_TO_CLIENT, response(ApiKeys.PRODUCE, 10, 30, KafkaBytes.produceResponse(10, "missing",
                        Errors.UNKNOWN_TOPIC_OR_PARTITION.code())))
                .segment(Direction.CLIENT_TO_SERVER, request(ApiKeys.METADATA, 12, 31, "producer-2", KafkaBytes.metadata("secret")))
                .segment(Direction.SERVER_TO_CLIENT, response(ApiKeys.METADATA, 12, 31, KafkaBytes.metadataResponse("secret",
                        Errors.TOPIC_AUTHORIZATION_FAILED.code(), (short) 0)))
                .segment(Direction.CLIENT_TO_SERVER, request(ApiKeys.API_VERSIONS, 5, 32, "producer-2", apiVersions()))
                .segment(Direction.SERVER_TO_CLIENT, response(ApiKeys.API_VERSIONS, 0, 32, new ApiVersionsResponseData()
                        .setErrorCode(Errors.UNSUPPORTED_VERSION.code())))
                .expect("REQUEST stream=30 Produce missing-0 UNKNOWN bytes=120 version=10 endpoint=missing attrs={client_id=producer-2} t=+0..+0")
                .expect("RESPONSE stream=30 3 SERVER_ERROR bytes=58 version=10 exception=UNKNOWN_TOPIC_OR_PARTITION t=+1000..+1000")
                .expect("REQUEST stream=31 Metadata secret UNKNOWN bytes=53 version=12 endpoint=secret attrs={client_id=producer-2} t=+2000..+2000")
                .expect("RESPONSE stream=31 29 SERVER_ERROR bytes=108 version=12 exception=TOPIC_AUTHORIZATION_FAILED t=+3000..+3000")
                .expect("REQUEST stream=32 ApiVersions UNKNOWN bytes=50 version=5 attrs={client_id=producer-2} t=+4000..+4000")
                .expect("RESPONSE stream=32 35 SERVER_ERROR bytes=14 version=5 exception=UNSUPPORTED_VERSION t=+5000..+5000")
                .build();
    }

    private static RecordedSession olderClient() {
        return RecordedSession.named("older client: non-flexible Produce v3, Fetch v4, ListOffsets v1")
                .segment(Direction.CLIENT_TO_SERVER, request(ApiKeys.PRODUCE, 3, 1, "rdkafka",
                        KafkaBytes.produce(3, "events", 7, (short) 1, KafkaBytes.records("old"))))
                .segment(Direction.SERVER_TO_CLIENT, response(ApiKeys.PRODUCE, 3, 1, KafkaBytes.produceResponse(3, "events", (short) 0)))
                .segment(Direction.CLIENT_TO_SERVER, request(ApiKeys.FETCH, 4, 2, "rdkafka", KafkaBytes.fetch(4, "events", 7)))
                .segment(Direction.SERVER_TO_CLIENT, response(ApiKeys.FETCH, 4, 2, KafkaBytes.fetchResponse(4, "events", (short) 0,
                        KafkaBytes.records("old"), Errors.OFFSET_OUT_OF_RANGE.code())))
                .segment(Direction.CLIENT_TO_SERVER, request(ApiKeys.LIST_OFFSETS, 1, 3, "rdkafka", KafkaBytes.listOffsets("events", 7)))
                .segment(Direction.SERVER_TO_CLIENT, response(ApiKeys.LIST_OFFSETS, 1, 3, KafkaBytes.listOffsetsResponse("events", (short) 0)))
                .expect("REQUEST stream=1 Produce events-7 UNKNOWN bytes=125 version=3 endpoint=events attrs={client_id=rdkafka} t=+0..+0")
                .expect("RESPONSE stream=1 0 OK bytes=50 version=3 t=+1000..+1000")
                .expect("REQUEST stream=2 Fetch events-7 UNKNOWN bytes=70 version=4 endpoint=events attrs={client_id=rdkafka} t=+2000..+2000")
                .expect("RESPONSE stream=2 1 SERVER_ERROR bytes=130 version=4 exception=OFFSET_OUT_OF_RANGE t=+3000..+3000")
                .expect("REQUEST stream=3 ListOffsets events-7 UNKNOWN bytes=53 version=1 endpoint=events attrs={client_id=rdkafka} t=+4000..+4000")
                .expect("RESPONSE stream=3 0 OK bytes=46 version=1 t=+5000..+5000")
                .build();
    }

    private static RecordedSession traced() {
        RecordHeader traceparent = new RecordHeader("traceparent",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(StandardCharsets.US_ASCII));
        return RecordedSession.named("a traced produce: W3C traceparent in the record's headers")
                .segment(Direction.CLIENT_TO_SERVER, request(ApiKeys.PRODUCE, 12, 5, "producer-1",
                        KafkaBytes.produce(12, "orders", 1, (short) -1, KafkaBytes.records("{\"id\":1}", traceparent))))
                .segment(Direction.SERVER_TO_CLIENT, response(ApiKeys.PRODUCE, 12, 5, KafkaBytes.produceResponse(12, "orders", (short) 0)))
                .expect("REQUEST stream=5 Produce orders-1 UNKNOWN bytes=196 version=12 endpoint=orders trace=4bf92f3577b34da6a3ce929d0e0e4736 span=00f067aa0ba902b7 attrs={client_id=producer-1} t=+0..+0")
                .expect("RESPONSE stream=5 0 OK bytes=57 version=12 t=+1000..+1000")
                .build();
    }

    /** Kafka 4.1's producer: Metadata v13 names the topic's id, Produce v13 gives only the id (and is named). */
    private static RecordedSession byTopicId() {
        java.util.Map<String, org.apache.kafka.common.Uuid> orders = java.util.Map.of("orders", KafkaBytes.TOPIC_ID);
        return RecordedSession.named("a producer by topic id: Metadata v13, then Produce v13 named from it")
                .segment(Direction.CLIENT_TO_SERVER, request(ApiKeys.METADATA, 13, 1, "producer-1", KafkaBytes.metadata("orders")))
                .segment(Direction.SERVER_TO_CLIENT, response(ApiKeys.METADATA, 13, 1, KafkaBytes.metadataResponse("c1", orders, 3)))
                .segment(Direction.CLIENT_TO_SERVER, request(ApiKeys.PRODUCE, 13, 2, "producer-1",
                        KafkaBytes.produce(13, null, 2, (short) -1, KafkaBytes.records("hello"))))
                .segment(Direction.SERVER_TO_CLIENT, response(ApiKeys.PRODUCE, 13, 2, KafkaBytes.produceResponse(13, null, (short) 0)))
                .expect("REQUEST stream=1 Metadata orders UNKNOWN bytes=53 version=13 endpoint=orders attrs={client_id=producer-1} t=+0..+0")
                .expect("RESPONSE stream=1 0 OK bytes=282 version=13 t=+1000..+1000")
                .expect("REQUEST stream=2 Produce orders-2 UNKNOWN bytes=132 version=13 endpoint=orders"
                        + " attrs={client_id=producer-1, topic_id=EjRWeJq83vAP7cuph2VDIQ} t=+2000..+2000")
                .expect("RESPONSE stream=2 0 OK bytes=66 version=13 t=+3000..+3000")
                .build();
    }
}
