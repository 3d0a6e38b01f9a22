package io.flowscope.plugins.kafka;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.ParserContext;
import java.util.Arrays;
import java.util.Base64;

/**
 * One connection's side of the plugin-wide {@link TopicIds}: it teaches the topics its responses name (with the
 * cluster they belong to) and names the topic ids its requests give. The last id's answer is kept, so a producer's
 * run of Produce requests to one topic costs neither a lookup nor a string; a name once found stays (an id names one
 * topic in its cluster), an id not yet named is asked again on each request (its Metadata may come later on another
 * connection).
 */
final class ConnectionTopics implements TopicNamesReader.Sink {

    private static final String EVICTED = "more than " + TopicIds.MAX_IDS
            + " topic ids learned: the least recently learned is forgotten";

    private final TopicIds ids;
    private final ParserContext context;
    /** The server end, for the cluster other connections to it learned; null when the host does not know it. */
    private final TopicIds.Server server;
    /** The cluster a Metadata response on this connection named, or null. */
    private String cluster;
    /** The cluster of the topics of the response being read (null: not known). */
    private String responseCluster;

    private final TopicIds.Id probe = new TopicIds.Id();
    private final TopicIds.Answer answer = new TopicIds.Answer();
    private boolean asked;
    private long askedHigh;
    private long askedLow;
    /** The last id asked for, as Kafka prints a topic id (base64url, 22 characters). */
    String idText;
    /** Its name, or null. */
    String name;
    /** Why it has none: {@link TopicIds#UNKNOWN} or {@link TopicIds#AMBIGUOUS}; null when named. */
    String status;

    ConnectionTopics(TopicIds ids, ParserContext context) {
        this.ids = ids;
        this.context = context;
        ConnectionInfo c = context.connection();
        this.server = c == null || c.server() == null ? null
                : new TopicIds.Server(c.server(), c.serverPort(), c.networkNamespace());
    }

    /** Names the 16-byte topic id at {@code from}: sets {@link #idText}, {@link #name} and {@link #status}. */
    void resolve(byte[] b, int from) {
        long high = TopicNamesReader.i64(b, from);
        long low = TopicNamesReader.i64(b, from + 8);
        boolean same = asked && high == askedHigh && low == askedLow;
        if (same && name != null) {
            return;
        }
        if (!same) {
            asked = true;
            askedHigh = high;
            askedLow = low;
            idText = Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOfRange(b, from, from + 16));
        }
        ids.resolve(probe.set(high, low), connectionCluster(), answer);
        name = answer.name;
        status = answer.status;
    }

    /** This connection's cluster: its own Metadata's, else the one its server's last Metadata named, else null. */
    private String connectionCluster() {
        if (cluster != null) {
            return cluster;
        }
        return server == null ? null : ids.clusterOf(server);
    }

    /** A response naming topics begins; a Metadata response names its cluster itself. */
    void beginResponse(boolean metadata) {
        responseCluster = metadata ? null : connectionCluster();
    }

    @Override
    public void cluster(String clusterId) {
        responseCluster = clusterId;
        if (clusterId != null) {
            cluster = clusterId;
            if (server != null) {
                ids.server(server, clusterId);
            }
        }
    }

    @Override
    public void topic(long idHigh, long idLow, String topicName) {
        int gone = ids.learn(responseCluster, idHigh, idLow, topicName);
        for (int i = 0; i < gone; i++) {
            context.reportProblem("topic_ids_evicted", EVICTED);
        }
    }

    @Override
    public void unreadable(String why) {
        context.reportProblem("unreadable_topic_names", why + ": the rest of the response's topics are not learned");
    }
}
