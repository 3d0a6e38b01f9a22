package io.flowscope.plugins.kafka;

/**
 * Finds a response's error code: the top-level {@code error_code} where the api has one at a fixed place
 * ({@link ApiKeys#errorOffset}); for Produce, Fetch, ListOffsets and Metadata, which report errors per topic or
 * partition, the first non-zero one within the captured head; OffsetFetch v2-7, whose top-level error_code
 * follows its topics, the first non-zero of its partitions' and its own. Returns {@link #NOT_SEEN} when no error field was
 * in reach.
 */
final class ResponseErrors {

    static final int NOT_SEEN = Integer.MIN_VALUE;

    private ResponseErrors() {
    }

    /** {@code c} stands at the body's start (after the response header). */
    static int find(Cursor c, int key, int version, boolean flexible) {
        int top = ApiKeys.errorOffset(key, version);
        int code = NOT_SEEN;
        if (top != ApiKeys.NO_ERROR_FIELD) {
            c.skip(top);
            int e = c.i16();
            if (!c.ok()) {
                return NOT_SEEN;
            }
            if (e != 0 || key != ApiKeys.FETCH) {
                return e;
            }
            code = 0; // Fetch: the top-level code is 0, the partitions may still have one
        }
        int partitionError = switch (key) {
            case ApiKeys.PRODUCE -> produce(c, version, flexible);
            case ApiKeys.FETCH -> fetch(c, version, flexible);
            case ApiKeys.LIST_OFFSETS -> listOffsets(c, version, flexible);
            case ApiKeys.METADATA -> metadata(c, version, flexible);
            case ApiKeys.OFFSET_FETCH -> offsetFetch(c, version, flexible);
            case ApiKeys.FIND_COORDINATOR -> findCoordinator(c, version);
            case ApiKeys.CREATE_TOPICS -> createTopics(c, version, flexible);
            case ApiKeys.ENVELOPE -> {
                c.skip(Math.max(0, c.bytesLength(true))); // the wrapped response, then the envelope's error
                int e = c.i16();
                yield c.ok() ? e : NOT_SEEN;
            }
            default -> NOT_SEEN;
        };
        return partitionError == NOT_SEEN ? code : partitionError;
    }

    /** The first non-zero of {@code seen} and {@code e}; 0 when both are 0; what was seen if the read failed. */
    private static int merge(int seen, int e, Cursor c) {
        if (!c.ok()) {
            return seen;
        }
        return seen == NOT_SEEN || seen == 0 ? e : seen;
    }

    private static int produce(Cursor c, int version, boolean flexible) {
        int seen = NOT_SEEN;
        int topics = c.arrayLength(flexible);
        for (int t = 0; t < topics && c.ok(); t++) {
            if (version >= 13) {
                c.skip(16);
            } else {
                c.skipString(flexible);
            }
            int partitions = c.arrayLength(flexible);
            for (int p = 0; p < partitions && c.ok(); p++) {
                c.i32(); // index
                seen = merge(seen, c.i16(), c);
                if (seen != NOT_SEEN && seen != 0) {
                    return seen;
                }
                c.skip(version >= 5 ? 24 : version >= 2 ? 16 : 8); // base_offset, log_append_time_ms, log_start_offset
                if (version >= 8) {
                    int recordErrors = c.arrayLength(flexible);
                    for (int r = 0; r < recordErrors && c.ok(); r++) {
                        c.i32();
                        c.skipString(flexible);
                        if (flexible) {
                            c.skipTaggedFields();
                        }
                    }
                    c.skipString(flexible); // error_message
                }
                if (flexible) {
                    c.skipTaggedFields();
                }
            }
            if (flexible) {
                c.skipTaggedFields();
            }
        }
        return seen;
    }

    private static int fetch(Cursor c, int version, boolean flexible) {
        int seen = NOT_SEEN;
        if (version >= 1 && version < 7) {
            c.i32(); // throttle_time_ms (from v7 read with the top-level error)
        }
        if (version >= 7) {
            c.i32(); // session_id
        }
        int topics = c.arrayLength(flexible);
        for (int t = 0; t < topics && c.ok(); t++) {
            if (version >= 13) {
                c.skip(16);
            } else {
                c.skipString(flexible);
            }
            int partitions = c.arrayLength(flexible);
            for (int p = 0; p < partitions && c.ok(); p++) {
                c.i32(); // partition_index
                seen = merge(seen, c.i16(), c);
                if (seen != NOT_SEEN && seen != 0) {
                    return seen;
                }
                c.skip(version >= 5 ? 24 : version >= 4 ? 16 : 8); // high_watermark, last_stable_offset, log_start_offset
                if (version >= 4) {
                    int aborted = c.arrayLength(flexible);
                    for (int a = 0; a < aborted && c.ok(); a++) {
                        c.skip(16);
                        if (flexible) {
                            c.skipTaggedFields();
                        }
                    }
                }
                if (version >= 11) {
                    c.i32(); // preferred_read_replica
                }
                int records = c.bytesLength(flexible);
                if (records > 0) {
                    c.skip(records); // beyond the head, mostly: the partitions after it are not seen
                }
                if (flexible) {
                    c.skipTaggedFields();
                }
            }
            if (flexible) {
                c.skipTaggedFields();
            }
        }
        return seen;
    }

    private static int listOffsets(Cursor c, int version, boolean flexible) {
        int seen = NOT_SEEN;
        if (version >= 2) {
            c.i32(); // throttle_time_ms
        }
        int topics = c.arrayLength(flexible);
        for (int t = 0; t < topics && c.ok(); t++) {
            c.skipString(flexible);
            int partitions = c.arrayLength(flexible);
            for (int p = 0; p < partitions && c.ok(); p++) {
                c.i32(); // partition_index
                seen = merge(seen, c.i16(), c);
                if (seen != NOT_SEEN && seen != 0) {
                    return seen;
                }
                if (version == 0) {
                    int offsets = c.arrayLength(false); // old_style_offsets
                    c.skip(8L * Math.max(0, offsets));
                } else {
                    c.skip(version >= 4 ? 20 : 16); // timestamp, offset, leader_epoch
                }
                if (flexible) {
                    c.skipTaggedFields();
                }
            }
            if (flexible) {
                c.skipTaggedFields();
            }
        }
        return seen;
    }

    private static int metadata(Cursor c, int version, boolean flexible) {
        int seen = NOT_SEEN;
        if (version >= 3) {
            c.i32(); // throttle_time_ms
        }
        int brokers = c.arrayLength(flexible);
        for (int b = 0; b < brokers && c.ok(); b++) {
            c.i32(); // node_id
            c.skipString(flexible); // host
            c.i32(); // port
            if (version >= 1) {
                c.skipString(flexible); // rack
            }
            if (flexible) {
                c.skipTaggedFields();
            }
        }
        if (version >= 2) {
            c.skipString(flexible); // cluster_id
        }
        if (version >= 1) {
            c.i32(); // controller_id
        }
        int topics = c.arrayLength(flexible);
        for (int t = 0; t < topics && c.ok(); t++) {
            seen = merge(seen, c.i16(), c);
            if (seen != NOT_SEEN && seen != 0) {
                return seen;
            }
            c.skipString(flexible); // name
            if (version >= 10) {
                c.skip(16); // topic_id
            }
            if (version >= 1) {
                c.i8(); // is_internal
            }
            int partitions = c.arrayLength(flexible);
            for (int p = 0; p < partitions && c.ok(); p++) {
                seen = merge(seen, c.i16(), c);
                if (seen != NOT_SEEN && seen != 0) {
                    return seen;
                }
                c.skip(version >= 7 ? 12 : 8); // partition_index, leader_id, leader_epoch
                int arrays = version >= 5 ? 3 : 2; // replica_nodes, isr_nodes, offline_replicas
                for (int a = 0; a < arrays && c.ok(); a++) {
                    c.skip(4L * Math.max(0, c.arrayLength(flexible)));
                }
                if (flexible) {
                    c.skipTaggedFields();
                }
            }
            if (version >= 8) {
                c.i32(); // topic_authorized_operations
            }
            if (flexible) {
                c.skipTaggedFields();
            }
        }
        if (version >= 8 && version <= 10) {
            c.i32(); // cluster_authorized_operations
        }
        if (version >= 13) {
            seen = merge(seen, c.i16(), c); // the top-level error_code comes last from v13
        }
        return seen;
    }

    /** FindCoordinator v4+ (always flexible): throttle_time_ms, then per key: key, node_id, host, port, error_code. */
    private static int findCoordinator(Cursor c, int version) {
        if (version < 4) {
            return NOT_SEEN; // a top-level error_code: read by its offset
        }
        int seen = NOT_SEEN;
        c.i32(); // throttle_time_ms
        int coordinators = c.arrayLength(true);
        for (int k = 0; k < coordinators && c.ok(); k++) {
            c.skipString(true); // key
            c.i32(); // node_id
            c.skipString(true); // host
            c.i32(); // port
            seen = merge(seen, c.i16(), c);
            if (seen != NOT_SEEN && seen != 0) {
                return seen;
            }
            c.skipString(true); // error_message
            c.skipTaggedFields();
        }
        return seen;
    }

    /** CreateTopics: [throttle_time_ms (v2+)], then per topic: name, [topic_id (v7+)], error_code, … */
    private static int createTopics(Cursor c, int version, boolean flexible) {
        int seen = NOT_SEEN;
        if (version >= 2) {
            c.i32(); // throttle_time_ms
        }
        int topics = c.arrayLength(flexible);
        for (int t = 0; t < topics && c.ok(); t++) {
            c.skipString(flexible); // name
            if (version >= 7) {
                c.skip(16); // topic_id
            }
            seen = merge(seen, c.i16(), c);
            if (seen != NOT_SEEN && seen != 0) {
                return seen;
            }
            if (version >= 1) {
                c.skipString(flexible); // error_message
            }
            if (version >= 5) {
                c.skip(6); // num_partitions, replication_factor
                int configs = c.arrayLength(true);
                for (int k = 0; k < configs && c.ok(); k++) {
                    c.skipString(true); // name
                    c.skipString(true); // value
                    c.skip(3); // read_only, config_source, is_sensitive
                    c.skipTaggedFields();
                }
                c.skipTaggedFields();
            }
        }
        return seen;
    }

    private static int offsetFetch(Cursor c, int version, boolean flexible) {
        if (version >= 8) {
            return NOT_SEEN; // per group, not read
        }
        int seen = NOT_SEEN;
        if (version >= 3) {
            c.i32(); // throttle_time_ms
        }
        int topics = c.arrayLength(flexible);
        for (int t = 0; t < topics && c.ok(); t++) {
            c.skipString(flexible);
            int partitions = c.arrayLength(flexible);
            for (int p = 0; p < partitions && c.ok(); p++) {
                c.skip(version >= 5 ? 16 : 12); // partition_index, committed_offset, committed_leader_epoch
                c.skipString(flexible); // metadata
                seen = merge(seen, c.i16(), c);
                if (seen != NOT_SEEN && seen != 0) {
                    return seen;
                }
                if (flexible) {
                    c.skipTaggedFields();
                }
            }
            if (flexible) {
                c.skipTaggedFields();
            }
        }
        if (version >= 2) {
            seen = merge(seen, c.i16(), c);
        }
        return seen;
    }
}
