package io.flowscope.plugins.kafka;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * Topic id → name, learned from the responses of every connection that name both (Metadata v10+, CreateTopics
 * v7+, DescribeTopicPartitions), for the requests that give only the id (Produce v13+, Fetch v13+): a client asks
 * Metadata on one connection and produces or fetches on others, often to other brokers. One per
 * {@link KafkaParserFactory}, which the host shares between every pipeline (each live source and each import runs
 * its own thread), so it is locked; a parser asks it only when the id differs from its last one.
 *
 * <p>Kafka's topic ids are random 128-bit uuids, so two clusters practically never share one, but a cloned cluster
 * (a restored snapshot, a test fixture) does, maybe with other names. So a name is kept per cluster id (the one
 * the Metadata response gives; null when unknown, as for CreateTopics on a connection whose cluster was never
 * told), and a connection whose cluster is known takes only that cluster's name. Server addresses are no key: the
 * brokers of one cluster have different ones and the Metadata often comes from another broker than the Produce's.
 * They only tell which cluster a connection is on: the last cluster a Metadata response on a connection to that
 * server (address, port, network namespace) named.
 *
 * <p>Bounded: at most {@link #MAX_IDS} ids and {@link #MAX_SERVERS} servers; over that the least recently learned
 * go (a client refreshes its metadata every five minutes by default, so the topics in use are learned again and
 * stay). Evictions are counted.
 */
final class TopicIds {

    /** Ids kept; ≈ 200 bytes each with a 30-character name: ≈ 4 MB in all. */
    static final int MAX_IDS = 20_000;
    static final int MAX_SERVERS = 4_096;
    /** Clusters that may name one id (cloned clusters); over that the oldest naming is dropped. */
    static final int MAX_CLUSTERS_PER_ID = 4;

    /** A connection's name for an id that no response named (on its cluster): the capture began after the client asked. */
    static final String UNKNOWN = "unknown";
    /** Clusters name the id differently and the connection's cluster is not known: no name rather than a guess. */
    static final String AMBIGUOUS = "ambiguous";

    /** A topic id. The parsers look up with one mutable instance each (never stored), so a lookup allocates nothing. */
    static final class Id {
        long high;
        long low;

        Id set(long high, long low) {
            this.high = high;
            this.low = low;
            return this;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Id other && other.high == high && other.low == low;
        }

        @Override
        public int hashCode() {
            // not Kafka's Uuid.hashCode (high ^ low), under which ids differing alike in both halves all collide
            return Long.hashCode(high * 0x9e3779b97f4a7c15L + low);
        }
    }

    /** The server end of a connection. */
    record Server(InetAddress address, int port, long networkNamespace) {
    }

    /** What a lookup found: a name, or why there is none ({@link #UNKNOWN}, {@link #AMBIGUOUS}). */
    static final class Answer {
        String name;
        String status;

        private void set(String name, String status) {
            this.name = name;
            this.status = status;
        }
    }

    /** Id → cluster, name, cluster, name … (one pair but for cloned clusters), least recently learned first. */
    private final LinkedHashMap<Id, String[]> names = new LinkedHashMap<>();
    private final LinkedHashMap<Server, String> clusters = new LinkedHashMap<>();
    private long evicted;

    /** Learns that {@code cluster} (null: not known) names this id so; gives how many ids were evicted for it. */
    synchronized int learn(String cluster, long high, long low, String name) {
        Id key = new Id().set(high, low);
        String[] pairs = names.remove(key); // put back as the most recently learned
        if (pairs == null) {
            pairs = new String[] {cluster, name};
        } else {
            pairs = withName(pairs, cluster, name);
        }
        names.put(key, pairs);
        int gone = 0;
        for (Iterator<?> oldest = names.keySet().iterator(); names.size() > MAX_IDS; gone++) {
            oldest.next();
            oldest.remove();
        }
        evicted += gone;
        return gone;
    }

    private static String[] withName(String[] pairs, String cluster, String name) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (Objects.equals(pairs[i], cluster)) {
                if (!pairs[i + 1].equals(name)) {
                    pairs[i + 1] = name; // ids are never reused for another name within a cluster: the newer word wins
                }
                return pairs;
            }
        }
        int from = pairs.length / 2 == MAX_CLUSTERS_PER_ID ? 2 : 0;
        String[] more = new String[pairs.length - from + 2];
        System.arraycopy(pairs, from, more, 0, pairs.length - from);
        more[more.length - 2] = cluster;
        more[more.length - 1] = name;
        return more;
    }

    /** The name of this id for a connection on {@code cluster} (null: not known). */
    synchronized void resolve(Id id, String cluster, Answer answer) {
        String[] pairs = names.get(id);
        if (pairs == null) {
            answer.set(null, UNKNOWN);
            return;
        }
        if (cluster != null) {
            for (int i = 0; i < pairs.length; i += 2) {
                if (cluster.equals(pairs[i])) {
                    answer.set(pairs[i + 1], null);
                    return;
                }
            }
        }
        // the connection's cluster is not known, or named no cluster for the id: the names of unknown clusters
        // (and, for a connection of an unknown cluster, all) must agree
        String found = null;
        for (int i = 0; i < pairs.length; i += 2) {
            if (cluster != null && pairs[i] != null) {
                continue; // another cluster's name is not this one's
            }
            if (found != null && !found.equals(pairs[i + 1])) {
                answer.set(null, AMBIGUOUS);
                return;
            }
            found = pairs[i + 1];
        }
        answer.set(found, found == null ? UNKNOWN : null);
    }

    /** A Metadata response on a connection to {@code server} said it is of {@code cluster}. */
    synchronized void server(Server server, String cluster) {
        clusters.remove(server);
        clusters.put(server, cluster);
        if (clusters.size() > MAX_SERVERS) {
            Iterator<?> oldest = clusters.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** The cluster the last Metadata response from this server named, or null. */
    synchronized String clusterOf(Server server) {
        return clusters.get(server);
    }

    synchronized int size() {
        return names.size();
    }

    /** Ids evicted since the start, the least recently learned first. */
    synchronized long evicted() {
        return evicted;
    }
}
