package io.flowscope.plugins.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the topic names and ids out of a whole response as its bytes pass, however long it is and however it is
 * split. Metadata v10+, CreateTopics v7+ and DescribeTopicPartitions name topics together with their ids, often
 * for more topics than the kept head holds (a Metadata of every topic of a cluster runs to megabytes), so they
 * are not read from the head but streamed. Their layouts (flexible versions only: compact strings and arrays,
 * tagged fields) are small programs of Kafka's field types, run by a resumable interpreter; nothing is kept but
 * the field being read (at most a {@link KafkaParser#MAX_NAME}-byte name) and the loop counters. Reused for every
 * response of a connection: no allocation but the names and cluster ids it gives.
 */
final class TopicNamesReader {

    /** Where what is read goes. */
    interface Sink {
        /** A Metadata response's cluster id (null when the broker sent none), read before its topics. */
        void cluster(String clusterId);

        /** A topic named with its id (never one of Kafka's reserved ids: zero, the metadata log's). */
        void topic(long idHigh, long idLow, String name);

        /** The bytes broke the layout (an impossible length): the rest of this response is not read. */
        void unreadable(String why);
    }

    // the program's operations; SKIP and ARRAY take one argument
    private static final int SKIP = 0;    // n fixed bytes
    private static final int STRING = 1;  // a compact (nullable) string, skipped
    private static final int NAME = 2;    // a compact (nullable) string: the topic's name
    private static final int CLUSTER = 3; // a compact (nullable) string: the cluster id, told to the sink
    private static final int ID = 4;      // a uuid: the topic's id
    private static final int LEARN = 5;   // the topic read so far (name and id) goes to the sink
    private static final int ARRAY = 6;   // a compact array of the ops up to its END; argument: where END's next op is
    private static final int END = 7;
    private static final int INTS = 8;    // a compact (nullable) array of int32, skipped
    private static final int TAGS = 9;    // a flexible struct's tagged fields, skipped

    /** Metadata v10-13: {@code MetadataResponse.json} of kafka-clients 4.3.1 (topic_id from v10, all flexible). */
    static final int[] METADATA = new Program()
            .tags()                                              // response header v1
            .skip(4)                                             // throttle_time_ms
            .array().skip(4).string().skip(4).string().tags().end() // brokers: node_id, host, port, rack
            .cluster()                                           // cluster_id
            .skip(4)                                             // controller_id
            .array()                                             // topics
            .skip(2).name().id().learn()                         //   error_code, name, topic_id
            .skip(1)                                             //   is_internal
            .array().skip(14).ints().ints().ints().tags().end()  //   partitions: error_code, index, leader, leader_epoch, replicas, isr, offline
            .skip(4).tags()                                      //   topic_authorized_operations
            .end()
            .build();                                            // what follows (cluster operations, error_code) names no topic

    /** CreateTopics v7: name, topic_id (v7+), error_code, then what the topic was made with. */
    static final int[] CREATE_TOPICS = new Program()
            .tags()
            .skip(4)                                             // throttle_time_ms
            .array()                                             // topics
            .name().id().learn()
            .skip(2).string()                                    //   error_code, error_message
            .skip(6)                                             //   num_partitions, replication_factor
            .array().string().string().skip(3).tags().end()     //   configs: name, value, read_only, config_source, is_sensitive
            .tags()
            .end()
            .build();

    /** DescribeTopicPartitions v0 (KIP-966: topics with their partitions, paged, for the admin client). */
    static final int[] DESCRIBE_TOPIC_PARTITIONS = new Program()
            .tags()
            .skip(4)                                             // throttle_time_ms
            .array()                                             // topics
            .skip(2).name().id().learn()                         //   error_code, name, topic_id
            .skip(1)                                             //   is_internal
            .array().skip(14).ints().ints().ints().ints().ints().tags().end() // partitions: … replicas, isr, elr, last known elr, offline
            .skip(4).tags()                                      //   topic_authorized_operations
            .end()
            .build();

    /** The program for a response to this request, or null when it names no topic by id (or its layout is not known). */
    static int[] programFor(int key, int version) {
        if (version > ApiKeys.maxVersion(key)) {
            return null; // a newer version than kafka-clients 4.3.1 knows may lay its fields out otherwise: never guess
        }
        return switch (key) {
            case ApiKeys.METADATA -> version >= 10 ? METADATA : null;
            case ApiKeys.CREATE_TOPICS -> version >= 7 ? CREATE_TOPICS : null;
            case ApiKeys.DESCRIBE_TOPIC_PARTITIONS -> DESCRIBE_TOPIC_PARTITIONS;
            default -> null;
        };
    }

    private static final int MAX_DEPTH = 4;

    private final Sink sink;
    private int[] program;
    private int pc;
    /** Where the current operation is (0: not begun). */
    private int stage;
    private boolean running;
    private final int[] loopStart = new int[MAX_DEPTH];
    private final long[] loopLeft = new long[MAX_DEPTH];
    private int depth;

    // the input the current operation waits for: bytes to skip, bytes to gather, or a varint
    private long skip;
    private int want;
    private int have;
    private boolean varint;
    private long value;
    private int shift;
    private long tagsLeft;
    private final byte[] gathered = new byte[KafkaParser.MAX_NAME];

    // the topic being read
    private String name;
    private long idHigh;
    private long idLow;
    private boolean hasId;

    TopicNamesReader(Sink sink) {
        this.sink = sink;
    }

    /** Starts reading a response body just after its correlation id. */
    void start(int[] program) {
        this.program = program;
        pc = 0;
        stage = 0;
        depth = 0;
        skip = 0;
        want = 0;
        varint = false;
        name = null;
        hasId = false;
        running = true;
        run();
    }

    /** Stops reading (a gap: what follows is not where the layout says). */
    void stop() {
        running = false;
    }

    boolean running() {
        return running;
    }

    /** The response's bytes {@code [from, to)} of {@code data}, in order. */
    void feed(ByteBuffer data, int from, int to) {
        int p = from;
        while (running && p < to) {
            if (skip > 0) {
                int n = (int) Math.min(skip, to - p);
                skip -= n;
                p += n;
                if (skip == 0) {
                    run();
                }
            } else if (want > 0) {
                int n = Math.min(want - have, to - p);
                data.get(p, gathered, have, n);
                have += n;
                p += n;
                if (have == want) {
                    want = 0;
                    run();
                }
            } else if (varint) {
                int b = data.get(p++);
                value |= (long) (b & 0x7f) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    varint = false;
                    run();
                } else if (shift >= 35) {
                    broken("a varint longer than five bytes");
                }
            } else {
                run();
            }
        }
    }

    /** Runs operations until one waits for input or the program ends. */
    private void run() {
        while (running && skip == 0 && want == 0 && !varint) {
            if (pc >= program.length) {
                running = false; // the rest of the response names no topic
                return;
            }
            switch (program[pc]) {
                case SKIP -> {
                    if (stage == 0) {
                        stage = 1;
                        skip = program[pc + 1];
                    } else {
                        next(2);
                    }
                }
                case STRING, INTS -> {
                    if (stage == 0) {
                        readVarint();
                    } else if (stage == 1) {
                        long n = value - 1; // compact: length + 1, 0 for null
                        stage = 2;
                        skip = program[pc] == INTS ? 4 * Math.max(n, 0) : Math.max(n, 0);
                    } else {
                        next(1);
                    }
                }
                case NAME, CLUSTER -> readName();
                case ID -> {
                    if (stage == 0) {
                        stage = 1;
                        gather(16);
                    } else {
                        idHigh = i64(gathered, 0);
                        idLow = i64(gathered, 8);
                        hasId = true;
                        next(1);
                    }
                }
                case LEARN -> {
                    if (hasId && name != null && !reserved(idHigh, idLow)) {
                        sink.topic(idHigh, idLow, name);
                    }
                    name = null;
                    hasId = false;
                    next(1);
                }
                case ARRAY -> {
                    if (stage == 0) {
                        readVarint();
                    } else {
                        long n = value - 1;
                        if (n <= 0) {
                            pc = program[pc + 1]; // null or empty: past its END
                            stage = 0;
                        } else {
                            loopStart[depth] = pc + 2;
                            loopLeft[depth] = n;
                            depth++;
                            next(2);
                        }
                    }
                }
                case END -> {
                    if (--loopLeft[depth - 1] > 0) {
                        pc = loopStart[depth - 1];
                        stage = 0;
                    } else {
                        depth--;
                        next(1);
                    }
                }
                case TAGS -> readTags();
                default -> throw new IllegalStateException("op " + program[pc]);
            }
        }
    }

    private void readName() {
        if (stage == 0) {
            readVarint();
            return;
        }
        if (stage == 1) {
            long n = value - 1;
            if (n > KafkaParser.MAX_NAME) {
                // Kafka allows 249-byte topic names; cluster ids are 22 characters
                broken("a " + n + "-byte name");
                return;
            }
            if (n > 0) {
                stage = 2;
                gather((int) n);
                return;
            }
            store(null);
        } else {
            store(new String(gathered, 0, have, StandardCharsets.UTF_8));
        }
        next(1);
    }

    private void store(String s) {
        if (program[pc] == NAME) {
            name = s;
        } else {
            sink.cluster(s);
        }
    }

    private void readTags() {
        switch (stage) {
            case 0 -> readVarint();
            case 1 -> {
                tagsLeft = value;
                stage = 2;
            }
            case 2 -> {
                if (tagsLeft == 0) {
                    next(1);
                } else {
                    readVarint(); // the tag
                }
            }
            case 3 -> readVarint(); // its size
            default -> {
                tagsLeft--;
                stage = 2;
                skip = value;
            }
        }
    }

    private void readVarint() {
        stage++;
        varint = true;
        value = 0;
        shift = 0;
    }

    private void gather(int n) {
        want = n;
        have = 0;
    }

    private void next(int width) {
        pc += width;
        stage = 0;
    }

    private void broken(String why) {
        running = false;
        sink.unreadable(why);
    }

    static long i64(byte[] b, int at) {
        return (long) KafkaParser.i32(b, at) << 32 | (KafkaParser.i32(b, at + 4) & 0xffffffffL);
    }

    /** Kafka's reserved topic ids: zero (no id: a topic that does not exist or failed) and 1 (the metadata log's). */
    static boolean reserved(long high, long low) {
        return high == 0 && (low == 0 || low == 1);
    }

    /** Builds a program; each {@code array()} is closed by an {@code end()}. */
    private static final class Program {
        private int[] ops = new int[64];
        private int n;
        private final int[] open = new int[MAX_DEPTH];
        private int depth;

        private Program op(int... v) {
            for (int x : v) {
                if (n == ops.length) {
                    ops = java.util.Arrays.copyOf(ops, 2 * n);
                }
                ops[n++] = x;
            }
            return this;
        }

        Program skip(int bytes) {
            return op(SKIP, bytes);
        }

        Program string() {
            return op(STRING);
        }

        Program name() {
            return op(NAME);
        }

        Program cluster() {
            return op(CLUSTER);
        }

        Program id() {
            return op(ID);
        }

        Program learn() {
            return op(LEARN);
        }

        Program ints() {
            return op(INTS);
        }

        Program tags() {
            return op(TAGS);
        }

        Program array() {
            open[depth++] = n;
            return op(ARRAY, 0);
        }

        Program end() {
            op(END);
            ops[open[--depth] + 1] = n;
            return this;
        }

        int[] build() {
            if (depth != 0) {
                throw new IllegalStateException("an array without its end");
            }
            return java.util.Arrays.copyOf(ops, n);
        }
    }
}
