package io.flowscope.plugins.kafka;

/**
 * What is read from the first bytes of a Produce, Fetch, ListOffsets or Metadata request body: the first topic
 * (its name's place in the head, or its topic id from the versions that name topics by id), its first partition,
 * how many topics and partitions are asked for, and Produce's acks. Reused for every request.
 */
final class RequestBody {

    static final int NONE = -1;

    int topicFrom;
    int topicLength;
    int topicIdFrom;
    int topics;
    int partitions;
    int partition;
    int acks;
    /** Trace context in the headers of a Produce's first record, when they lie within the head. */
    final TraceHeaders trace = new TraceHeaders();

    private void clear() {
        topicFrom = NONE;
        topicLength = 0;
        topicIdFrom = NONE;
        topics = 0;
        partitions = 0;
        partition = NONE;
        acks = NONE;
        trace.clear();
    }

    /** Reads what the api has from {@code c}, which stands at the body's start; stops where the head ends. */
    void read(Cursor c, int key, int version, boolean flexible) {
        clear();
        switch (key) {
            case ApiKeys.PRODUCE -> produce(c, version, flexible);
            case ApiKeys.FETCH -> fetch(c, version, flexible);
            case ApiKeys.LIST_OFFSETS -> listOffsets(c, version, flexible);
            case ApiKeys.METADATA -> metadata(c, version, flexible);
            default -> {
            }
        }
    }

    private void produce(Cursor c, int version, boolean flexible) {
        if (version >= 3) {
            c.skipString(flexible); // transactional_id
        }
        int acks = c.i16();
        c.i32(); // timeout_ms
        if (!c.ok()) {
            return;
        }
        this.acks = acks;
        if (firstTopic(c, flexible, version >= 13)) {
            firstRecordHeaders(c, flexible);
        }
    }

    /** Header bytes of a record batch v2 up to its records count (61), and the count at 57. */
    private static final int BATCH_HEADER = 61;

    /**
     * The headers of the first record of an uncompressed record batch v2 (magic 2), the format of every client
     * since Kafka 0.11: {@code c} stands at the partition's records field.
     */
    private void firstRecordHeaders(Cursor c, boolean flexible) {
        int length = c.bytesLength(flexible);
        if (!c.ok() || length < BATCH_HEADER) {
            return;
        }
        c.skip(16); // base_offset, batch_length, partition_leader_epoch
        int magic = c.i8();
        c.skip(4); // crc
        int attributes = c.i16();
        c.skip(34); // last_offset_delta, base_timestamp, max_timestamp, producer_id, producer_epoch, base_sequence
        int records = c.i32();
        if (!c.ok() || magic != 2 || (attributes & 0x7) != 0 || records <= 0) {
            return; // compressed records cannot be read from their first bytes
        }
        c.varint(); // length
        c.i8(); // attributes
        c.skipVarlong(); // timestamp_delta
        c.varint(); // offset_delta
        int key = c.varint();
        c.skip(Math.max(0, key));
        int value = c.varint();
        c.skip(Math.max(0, value));
        int headers = c.varint();
        for (int h = 0; h < headers && h < MAX_HEADERS && c.ok(); h++) {
            int keyLength = c.varint();
            int keyFrom = c.position();
            c.skip(Math.max(0, keyLength));
            int valueLength = c.varint();
            int valueFrom = c.position();
            c.skip(Math.max(0, valueLength));
            if (c.ok() && keyLength > 0) {
                trace.header(c.bytes(), keyFrom, keyLength, valueFrom, valueLength);
            }
        }
    }

    private static final int MAX_HEADERS = 64;

    private void fetch(Cursor c, int version, boolean flexible) {
        c.skip(version <= 14 ? 12 : 8); // replica_id (until v14), max_wait_ms, min_bytes
        if (version >= 3) {
            c.i32(); // max_bytes
        }
        if (version >= 4) {
            c.i8(); // isolation_level
        }
        if (version >= 7) {
            c.skip(8); // session_id, session_epoch
        }
        firstTopic(c, flexible, version >= 13);
    }

    private void listOffsets(Cursor c, int version, boolean flexible) {
        c.i32(); // replica_id
        if (version >= 2) {
            c.i8(); // isolation_level
        }
        firstTopic(c, flexible, false);
    }

    private void metadata(Cursor c, int version, boolean flexible) {
        int n = c.arrayLength(flexible);
        if (!c.ok() || n <= 0) {
            return; // null (or, in v0, empty): every topic
        }
        topics = n;
        if (version >= 10) {
            topicIdFrom = c.position();
            c.skip(16);
        }
        name(c, flexible);
        if (topicFrom != NONE) {
            topicIdFrom = NONE; // a name says more than an id
        }
    }

    /** A topics array whose elements start with the name (or, {@code byId}, a topic id) and a partitions array of int32 firsts. */
    private boolean firstTopic(Cursor c, boolean flexible, boolean byId) {
        int n = c.arrayLength(flexible);
        if (!c.ok() || n <= 0) {
            return false;
        }
        topics = n;
        if (byId) {
            topicIdFrom = c.position();
            c.skip(16);
            if (!c.ok()) {
                topicIdFrom = NONE;
                return false;
            }
        } else {
            name(c, flexible);
        }
        int p = c.arrayLength(flexible);
        if (!c.ok() || p <= 0) {
            return false;
        }
        partitions = p;
        int first = c.i32();
        if (c.ok()) {
            partition = first;
        }
        return c.ok();
    }

    private void name(Cursor c, boolean flexible) {
        int length = c.stringLength(flexible);
        int from = c.position();
        if (length > 0) {
            c.skip(length);
        }
        if (c.ok() && length > 0) {
            topicFrom = from;
            topicLength = length;
        }
    }
}
