package io.flowscope.plugins.kafka;

/**
 * Every api key up to Kafka 4.3: its name, the highest version Kafka 4.3 defines, the first version whose
 * messages are flexible (compact strings and arrays, tagged fields; request header v2, response header v1) and
 * where the response's top-level {@code error_code} sits. Read from the message definitions in kafka-clients
 * 4.3.1 ({@code org/apache/kafka/common/message/*Request.json}, {@code *Response.json}); the four inter-broker
 * APIs Kafka 4.0 removed (4-7) are kept from Kafka 3.9's definitions, since older brokers still speak them.
 * Versions below a key's lowest in 4.x (removed in 4.0) are accepted: older clients send them.
 */
final class ApiKeys {

    /** A version that is never flexible (SaslHandshake, OffsetDelete). */
    static final int NEVER = Integer.MAX_VALUE;
    /** No top-level error code in this version's response. */
    static final int NO_ERROR_FIELD = -1;
    /** Versions above a key's highest known are accepted this far (a newer client), taken as its highest. */
    static final int NEWER_VERSIONS = 3;
    static final int MAX_VERSIONS = 32;

    static final int PRODUCE = 0;
    static final int FETCH = 1;
    static final int LIST_OFFSETS = 2;
    static final int METADATA = 3;
    static final int CONTROLLED_SHUTDOWN = 7;
    static final int OFFSET_FETCH = 9;
    static final int FIND_COORDINATOR = 10;
    static final int CREATE_TOPICS = 19;
    static final int API_VERSIONS = 18;
    static final int ENVELOPE = 58;
    static final int DESCRIBE_TOPIC_PARTITIONS = 75;

    private static final int COUNT = 93;
    private static final String[] NAMES = new String[COUNT];
    private static final int[] MAX_VERSION = new int[COUNT];
    private static final int[] FIRST_FLEXIBLE = new int[COUNT];
    /** Per key and version: the byte offset of error_code after the response header, or NO_ERROR_FIELD. */
    private static final byte[][] ERROR_OFFSET = new byte[COUNT][];

    static {
        api(0, "Produce", 13, 9, "0:-");
        api(1, "Fetch", 18, 12, "0:-,7:4");
        api(2, "ListOffsets", 11, 6, "0:-");
        api(3, "Metadata", 13, 9, "0:-");
        api(4, "LeaderAndIsr", 7, 4, "0:0");
        api(5, "StopReplica", 4, 2, "0:0");
        api(6, "UpdateMetadata", 8, 6, "0:0");
        api(7, "ControlledShutdown", 3, 3, "0:0");
        api(8, "OffsetCommit", 10, 8, "0:-");
        api(9, "OffsetFetch", 10, 6, "0:-");
        api(10, "FindCoordinator", 6, 3, "0:0,1:4,4:-");
        api(11, "JoinGroup", 9, 6, "0:0,2:4");
        api(12, "Heartbeat", 4, 4, "0:0,1:4");
        api(13, "LeaveGroup", 5, 4, "0:0,1:4");
        api(14, "SyncGroup", 5, 4, "0:0,1:4");
        api(15, "DescribeGroups", 6, 5, "0:-");
        api(16, "ListGroups", 5, 3, "0:0,1:4");
        api(17, "SaslHandshake", 1, NEVER, "0:0");
        api(18, "ApiVersions", 4, 3, "0:0");
        api(19, "CreateTopics", 7, 5, "0:-");
        api(20, "DeleteTopics", 6, 4, "0:-");
        api(21, "DeleteRecords", 2, 2, "0:-");
        api(22, "InitProducerId", 6, 2, "0:4");
        api(23, "OffsetForLeaderEpoch", 4, 4, "0:-");
        api(24, "AddPartitionsToTxn", 5, 3, "0:-,4:4");
        api(25, "AddOffsetsToTxn", 4, 3, "0:4");
        api(26, "EndTxn", 5, 3, "0:4");
        api(27, "WriteTxnMarkers", 2, 1, "0:-");
        api(28, "TxnOffsetCommit", 5, 3, "0:-");
        api(29, "DescribeAcls", 3, 2, "0:4");
        api(30, "CreateAcls", 3, 2, "0:-");
        api(31, "DeleteAcls", 3, 2, "0:-");
        api(32, "DescribeConfigs", 4, 4, "0:-");
        api(33, "AlterConfigs", 2, 2, "0:-");
        api(34, "AlterReplicaLogDirs", 2, 2, "0:-");
        api(35, "DescribeLogDirs", 5, 2, "0:-,3:4");
        api(36, "SaslAuthenticate", 2, 2, "0:0");
        api(37, "CreatePartitions", 3, 2, "0:-");
        api(38, "CreateDelegationToken", 3, 2, "0:0");
        api(39, "RenewDelegationToken", 2, 2, "0:0");
        api(40, "ExpireDelegationToken", 2, 2, "0:0");
        api(41, "DescribeDelegationToken", 3, 2, "0:0");
        api(42, "DeleteGroups", 2, 2, "0:-");
        api(43, "ElectLeaders", 2, 2, "0:-,1:4");
        api(44, "IncrementalAlterConfigs", 1, 1, "0:-");
        api(45, "AlterPartitionReassignments", 1, 0, "0:4,1:5");
        api(46, "ListPartitionReassignments", 0, 0, "0:4");
        api(47, "OffsetDelete", 0, NEVER, "0:0");
        api(48, "DescribeClientQuotas", 1, 1, "0:4");
        api(49, "AlterClientQuotas", 1, 1, "0:-");
        api(50, "DescribeUserScramCredentials", 0, 0, "0:4");
        api(51, "AlterUserScramCredentials", 0, 0, "0:-");
        api(52, "Vote", 2, 0, "0:0");
        api(53, "BeginQuorumEpoch", 1, 1, "0:0");
        api(54, "EndQuorumEpoch", 1, 1, "0:0");
        api(55, "DescribeQuorum", 2, 0, "0:0");
        api(56, "AlterPartition", 3, 0, "0:4");
        api(57, "UpdateFeatures", 2, 0, "0:4");
        api(58, "Envelope", 0, 0, "0:-");
        api(59, "FetchSnapshot", 1, 0, "0:4");
        api(60, "DescribeCluster", 2, 0, "0:4");
        api(61, "DescribeProducers", 0, 0, "0:-");
        api(62, "BrokerRegistration", 4, 0, "0:4");
        api(63, "BrokerHeartbeat", 2, 0, "0:4");
        api(64, "UnregisterBroker", 0, 0, "0:4");
        api(65, "DescribeTransactions", 0, 0, "0:-");
        api(66, "ListTransactions", 2, 0, "0:4");
        api(67, "AllocateProducerIds", 0, 0, "0:4");
        api(68, "ConsumerGroupHeartbeat", 1, 0, "0:4");
        api(69, "ConsumerGroupDescribe", 1, 0, "0:-");
        api(70, "ControllerRegistration", 0, 0, "0:4");
        api(71, "GetTelemetrySubscriptions", 0, 0, "0:4");
        api(72, "PushTelemetry", 0, 0, "0:4");
        api(73, "AssignReplicasToDirs", 0, 0, "0:4");
        api(74, "ListConfigResources", 1, 0, "0:4");
        api(75, "DescribeTopicPartitions", 0, 0, "0:-");
        api(76, "ShareGroupHeartbeat", 1, 0, "0:4");
        api(77, "ShareGroupDescribe", 1, 0, "0:-");
        api(78, "ShareFetch", 2, 0, "0:4");
        api(79, "ShareAcknowledge", 2, 0, "0:4");
        api(80, "AddRaftVoter", 1, 0, "0:4");
        api(81, "RemoveRaftVoter", 0, 0, "0:4");
        api(82, "UpdateRaftVoter", 0, 0, "0:4");
        api(83, "InitializeShareGroupState", 0, 0, "0:-");
        api(84, "ReadShareGroupState", 0, 0, "0:-");
        api(85, "WriteShareGroupState", 1, 0, "0:-");
        api(86, "DeleteShareGroupState", 0, 0, "0:-");
        api(87, "ReadShareGroupStateSummary", 1, 0, "0:-");
        api(88, "StreamsGroupHeartbeat", 0, 0, "0:4");
        api(89, "StreamsGroupDescribe", 0, 0, "0:-");
        api(90, "DescribeShareGroupOffsets", 1, 0, "0:-");
        api(91, "AlterShareGroupOffsets", 0, 0, "0:4");
        api(92, "DeleteShareGroupOffsets", 0, 0, "0:4");
    }

    private ApiKeys() {
    }

    /**
     * One key: {@code errors} lists {@code version:offset} from that version on ({@code -} for none), e.g.
     * {@code 0:0,1:4}: the error code comes first in v0 and after throttle_time_ms from v1.
     */
    private static void api(int key, String name, int maxVersion, int firstFlexible, String errors) {
        NAMES[key] = name;
        MAX_VERSION[key] = maxVersion;
        FIRST_FLEXIBLE[key] = firstFlexible;
        byte[] offsets = new byte[maxVersion + 1];
        int at = NO_ERROR_FIELD;
        int from = 0;
        for (String step : errors.split(",")) {
            int colon = step.indexOf(':');
            int version = Integer.parseInt(step.substring(0, colon));
            for (int v = from; v < version; v++) {
                offsets[v] = (byte) at;
            }
            String o = step.substring(colon + 1);
            at = o.equals("-") ? NO_ERROR_FIELD : Integer.parseInt(o);
            from = version;
        }
        for (int v = from; v <= maxVersion; v++) {
            offsets[v] = (byte) at;
        }
        ERROR_OFFSET[key] = offsets;
    }

    /** Whether the key is one Kafka defines. */
    static boolean known(int key) {
        return key >= 0 && key < COUNT;
    }

    /** Whether a client may send this version of this key (up to {@link #NEWER_VERSIONS} above the highest known). */
    static boolean validVersion(int key, int version) {
        return known(key) && version >= 0 && version <= MAX_VERSION[key] + NEWER_VERSIONS;
    }

    /** The highest version Kafka 4.3 defines for this key, -1 for a key newer than this table. */
    static int maxVersion(int key) {
        return known(key) ? MAX_VERSION[key] : -1;
    }

    /** The api's name ({@code Produce}, {@code ApiVersions}); {@code ApiKey<n>} for a key newer than this table. */
    static String name(int key) {
        return known(key) ? NAMES[key] : "ApiKey" + key;
    }

    /** Whether this version's bodies are flexible; a key newer than the table is taken as flexible (all are since 2.4). */
    static boolean flexible(int key, int version) {
        return !known(key) || version >= FIRST_FLEXIBLE[key];
    }

    /**
     * Request header version: 2 when flexible, else 1 (client_id is a plain nullable string in both); 0 (no
     * client_id) only for ControlledShutdown v0, as Kafka 0.8's brokers sent it.
     */
    static int requestHeaderVersion(int key, int version) {
        if (key == CONTROLLED_SHUTDOWN && version == 0) {
            return 0;
        }
        return flexible(key, version) ? 2 : 1;
    }

    /** Response header version: 1 (with tagged fields) when flexible, except ApiVersions, which is always 0. */
    static int responseHeaderVersion(int key, int version) {
        return key != API_VERSIONS && flexible(key, version) ? 1 : 0;
    }

    /** Offset of the top-level error_code after the response header, or {@link #NO_ERROR_FIELD}. */
    static int errorOffset(int key, int version) {
        if (!known(key) || version < 0) {
            return NO_ERROR_FIELD;
        }
        byte[] offsets = ERROR_OFFSET[key];
        return offsets[Math.min(version, offsets.length - 1)];
    }
}
