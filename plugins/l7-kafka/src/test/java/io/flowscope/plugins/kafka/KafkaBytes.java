package io.flowscope.plugins.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Exact Kafka bytes from the real client library (kafka-clients 4.3.1): its generated message classes write the
 * request and response headers and bodies as a client and a broker put them on the wire.
 */
final class KafkaBytes {

    static final Uuid TOPIC_ID = new Uuid(0x1234_5678_9abc_def0L, 0x0fed_cba9_8765_4321L);

    private KafkaBytes() {
    }

    /** A request as a client sends it: size, header (the version Kafka uses for this api version), body. */
    static byte[] request(ApiKeys key, int version, int correlationId, String clientId, ApiMessage body) {
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(key.id).setRequestApiVersion((short) version)
                .setCorrelationId(correlationId).setClientId(clientId);
        return frame(header, key.requestHeaderVersion((short) version), body, version);
    }

    /** A response as a broker sends it. */
    static byte[] response(ApiKeys key, int version, int correlationId, ApiMessage body) {
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        return frame(header, key.responseHeaderVersion((short) version), body, version);
    }

    private static byte[] frame(Message header, short headerVersion, Message body, int version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.size(cache, headerVersion) + body.size(cache, (short) version);
        ByteBuffer b = ByteBuffer.allocate(4 + size);
        b.putInt(size);
        ByteBufferAccessor w = new ByteBufferAccessor(b);
        header.write(w, cache, headerVersion);
        body.write(w, cache, (short) version);
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    static MemoryRecords records(String value, RecordHeader... headers) {
        return MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(1_700_000_000_000L, "k".getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8), headers));
    }

    static ProduceRequestData produce(int version, String topic, int partition, short acks, MemoryRecords records) {
        return produce(version, topic, TOPIC_ID, partition, acks, records);
    }

    /** A Produce naming its topic by {@code id} from v13 on. */
    static ProduceRequestData produce(int version, String topic, Uuid id, int partition, short acks, MemoryRecords records) {
        ProduceRequestData.TopicProduceData t = new ProduceRequestData.TopicProduceData();
        if (version >= 13) {
            t.setTopicId(id);
        } else {
            t.setName(topic);
        }
        t.setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(records)));
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(t);
        return new ProduceRequestData().setAcks(acks).setTimeoutMs(30_000).setTopicData(topics);
    }

    static ProduceResponseData produceResponse(int version, String topic, short... partitionErrors) {
        ProduceResponseData.TopicProduceResponse t = new ProduceResponseData.TopicProduceResponse();
        if (version >= 13) {
            t.setTopicId(TOPIC_ID);
        } else {
            t.setName(topic);
        }
        for (int p = 0; p < partitionErrors.length; p++) {
            t.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse().setIndex(p)
                    .setErrorCode(partitionErrors[p]).setBaseOffset(42));
        }
        ProduceResponseData.TopicProduceResponseCollection c = new ProduceResponseData.TopicProduceResponseCollection();
        c.add(t);
        return new ProduceResponseData().setResponses(c);
    }

    static FetchRequestData fetch(int version, String topic, int... partitions) {
        return fetch(version, topic, TOPIC_ID, partitions);
    }

    /** A Fetch naming its topic by {@code id} from v13 on. */
    static FetchRequestData fetch(int version, String topic, Uuid id, int... partitions) {
        FetchRequestData.FetchTopic t = new FetchRequestData.FetchTopic();
        if (version >= 13) {
            t.setTopicId(id);
        } else {
            t.setTopic(topic);
        }
        for (int p : partitions) {
            t.partitions().add(new FetchRequestData.FetchPartition().setPartition(p).setFetchOffset(100)
                    .setPartitionMaxBytes(1 << 20));
        }
        return new FetchRequestData().setReplicaId(-1).setMaxWaitMs(500).setMinBytes(1).setMaxBytes(50 << 20)
                .setSessionEpoch(-1).setTopics(List.of(t));
    }

    /** A fetch response: one topic, partitions with these errors, each holding {@code records}. */
    static FetchResponseData fetchResponse(int version, String topic, short topError, MemoryRecords records,
                                           short... partitionErrors) {
        FetchResponseData.FetchableTopicResponse t = new FetchResponseData.FetchableTopicResponse();
        if (version >= 13) {
            t.setTopicId(TOPIC_ID);
        } else {
            t.setTopic(topic);
        }
        for (int p = 0; p < partitionErrors.length; p++) {
            t.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(p)
                    .setErrorCode(partitionErrors[p]).setHighWatermark(1000).setRecords(records));
        }
        return new FetchResponseData().setErrorCode(topError).setResponses(List.of(t));
    }

    static ListOffsetsRequestData listOffsets(String topic, int partition) {
        return new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(new ListOffsetsRequestData.ListOffsetsTopic()
                .setName(topic).setPartitions(List.of(new ListOffsetsRequestData.ListOffsetsPartition()
                        .setPartitionIndex(partition).setTimestamp(-1)))));
    }

    static ListOffsetsResponseData listOffsetsResponse(String topic, short error) {
        return new ListOffsetsResponseData().setTopics(List.of(new ListOffsetsResponseData.ListOffsetsTopicResponse()
                .setName(topic).setPartitions(List.of(new ListOffsetsResponseData.ListOffsetsPartitionResponse()
                        .setPartitionIndex(0).setErrorCode(error).setOffset(7)))));
    }

    /** Metadata for these topics; none: every topic (null). */
    static MetadataRequestData metadata(String... topics) {
        MetadataRequestData m = new MetadataRequestData().setAllowAutoTopicCreation(true);
        if (topics.length == 0) {
            return m.setTopics(null);
        }
        for (String t : topics) {
            m.topics().add(new MetadataRequestData.MetadataRequestTopic().setName(t));
        }
        return m;
    }

    /** A metadata response of one broker and one topic with this error (its one partition with {@code partitionError}). */
    static MetadataResponseData metadataResponse(String topic, short topicError, short partitionError) {
        MetadataResponseData m = new MetadataResponseData().setClusterId("c1").setControllerId(1);
        m.brokers().add(new MetadataResponseData.MetadataResponseBroker().setNodeId(1).setHost("broker-1.example").setPort(9092));
        MetadataResponseData.MetadataResponseTopic t = new MetadataResponseData.MetadataResponseTopic().setName(topic)
                .setErrorCode(topicError);
        t.partitions().add(new MetadataResponseData.MetadataResponsePartition().setErrorCode(partitionError)
                .setPartitionIndex(0).setLeaderId(1).setReplicaNodes(List.of(1)).setIsrNodes(List.of(1)));
        m.topics().add(t);
        return m;
    }

    /** A topic id made from a number, as Kafka prints it in its tests' fixtures: distinct, never a reserved one. */
    static Uuid topicId(int n) {
        return new Uuid(0x5eed_0000_0000_0000L | n, 0x7a11_0000_0000_0000L | n);
    }

    /**
     * A Metadata response of {@code cluster} (three brokers) naming these topics with these ids, each with
     * {@code partitions} partitions on three replicas.
     */
    static MetadataResponseData metadataResponse(String cluster, java.util.Map<String, Uuid> topics, int partitions) {
        MetadataResponseData m = new MetadataResponseData().setClusterId(cluster).setControllerId(1);
        for (int b = 1; b <= 3; b++) {
            m.brokers().add(new MetadataResponseData.MetadataResponseBroker().setNodeId(b).setHost("broker-" + b + ".example")
                    .setPort(9092).setRack("rack-" + b));
        }
        topics.forEach((name, id) -> {
            MetadataResponseData.MetadataResponseTopic t = new MetadataResponseData.MetadataResponseTopic().setName(name)
                    .setTopicId(id).setTopicAuthorizedOperations(0x0ff8);
            for (int p = 0; p < partitions; p++) {
                t.partitions().add(new MetadataResponseData.MetadataResponsePartition().setPartitionIndex(p)
                        .setLeaderId(1 + p % 3).setLeaderEpoch(4).setReplicaNodes(List.of(1, 2, 3))
                        .setIsrNodes(List.of(1, 2, 3)).setOfflineReplicas(List.of()));
            }
            m.topics().add(t);
        });
        return m;
    }

    /** A CreateTopics response: each topic made (its id, its configs as a broker lists them) or refused with {@code error}. */
    static CreateTopicsResponseData createTopicsResponse(java.util.Map<String, Uuid> topics, short error) {
        CreateTopicsResponseData r = new CreateTopicsResponseData();
        topics.forEach((name, id) -> {
            CreateTopicsResponseData.CreatableTopicResult t = new CreateTopicsResponseData.CreatableTopicResult()
                    .setName(name).setErrorCode(error);
            if (error == 0) {
                t.setTopicId(id).setNumPartitions(3).setReplicationFactor((short) 1);
                for (String c : List.of("cleanup.policy", "compression.type", "retention.ms", "segment.bytes")) {
                    t.configs().add(new CreateTopicsResponseData.CreatableTopicConfigs().setName(c).setValue("v")
                            .setConfigSource((byte) 5));
                }
            } else {
                t.setErrorMessage("Topic '" + name + "' already exists.").setTopicConfigErrorCode(error);
            }
            r.topics().add(t);
        });
        return r;
    }

    /** A DescribeTopicPartitions response naming these topics, one partition each. */
    static DescribeTopicPartitionsResponseData describeTopicPartitionsResponse(java.util.Map<String, Uuid> topics) {
        DescribeTopicPartitionsResponseData r = new DescribeTopicPartitionsResponseData();
        topics.forEach((name, id) -> {
            DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic t =
                    new DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic().setName(name).setTopicId(id);
            t.partitions().add(new DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition()
                    .setPartitionIndex(0).setLeaderId(1).setReplicaNodes(List.of(1)).setIsrNodes(List.of(1))
                    .setEligibleLeaderReplicas(List.of(1)).setLastKnownElr(null));
            r.topics().add(t);
        });
        return r;
    }
}
