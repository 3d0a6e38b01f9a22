package io.flowscope.platform.l7;

import io.flowscope.api.Transport;
import io.flowscope.platform.budget.ByteBudget;
import io.flowscope.platform.connection.Connection;
import io.flowscope.platform.metrics.PipelineCounters;
import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Predicate;

/**
 * The L7 stage, whatever the source: a packet flow or a traced socket opens an {@link L7Session} for its
 * {@link Connection} and feeds it ordered bytes, datagrams and gaps; the session detects, parses and
 * pairs, and its rows go to the {@link RecordSink}. It holds the budgets all sessions share (detection
 * holds, pending requests, parser state): over one of them, the least recently active session that holds
 * that kind of state gives it up, counted by reason, so a newcomer is not refused while idle state sits.
 * Used from the pipeline's thread only.
 */
public final class L7Pipeline {

    /** Default bytes all sessions may hold together while their protocol is detected: 64 MiB. */
    public static final long DEFAULT_DETECTION_BUDGET = 64L << 20;
    /** Default (estimated) bytes of all requests waiting for their responses: 128 MiB. */
    public static final long DEFAULT_PAIRING_BUDGET = 128L << 20;
    /** Default bytes of state all parsers may retain together (their {@code retainedBytes()}): 256 MiB. */
    public static final long DEFAULT_PARSER_STATE_BUDGET = 256L << 20;
    /** Sessions looked at, least recently active first, to find state to evict. */
    private static final int EVICTION_WALK = 256;

    private final RecordSink sink;
    private final PipelineCounters counters;
    private final ViewCache views = new ViewCache();
    private final Budgets budgets;
    private final List<ProtocolHandle> tcp;
    private final List<ProtocolHandle> udp;
    /** Live sessions, least recently active first (access order). */
    private final LinkedHashMap<L7Session, L7Session> active = new LinkedHashMap<>(1024, 0.75f, true);

    /** The bounds of what sessions may hold together. */
    public record Budgets(ByteBudget detection, ByteBudget pairing, ByteBudget parserState) {
    }

    public L7Pipeline(List<ProtocolHandle> protocols, RecordSink sink, PipelineCounters counters, Budgets budgets) {
        this.tcp = ofTransport(protocols, Transport.TCP);
        this.udp = ofTransport(protocols, Transport.UDP);
        this.sink = sink;
        this.counters = counters;
        this.budgets = budgets;
    }

    /** The protocols of one transport in the order detection asks them: priority, then plugin id. */
    private static List<ProtocolHandle> ofTransport(List<ProtocolHandle> all, Transport t) {
        return all.stream().filter(h -> h.descriptor().transport() == t)
                .sorted(Comparator.comparingInt((ProtocolHandle h) -> -h.descriptor().priority())
                        .thenComparing(ProtocolHandle::pluginId).thenComparing(h -> h.descriptor().id()))
                .toList();
    }

    public Budgets budgets() {
        return budgets;
    }

    /**
     * A session for a new connection, or null when no protocol of its transport is enabled (then nothing
     * is held for it). End it with {@link L7Session#end}.
     */
    public L7Session open(Connection connection) {
        List<ProtocolHandle> candidates = connection.isTcp() ? tcp : connection.protocol() == 17 ? udp : List.of();
        if (candidates.isEmpty()) {
            return null;
        }
        L7Session s = new L7Session(connection, candidates, this);
        active.put(s, s);
        return s;
    }

    /** The protocol of this id among those of the transport (TCP or UDP), enabled or not; null when none has it. */
    ProtocolHandle protocol(String id, boolean tcp) {
        for (ProtocolHandle h : tcp ? this.tcp : udp) {
            if (h.descriptor().id().equals(id)) {
                return h;
            }
        }
        return null;
    }

    /** Sessions still open. */
    public int openSessions() {
        return active.size();
    }

    RecordSink sink() {
        return sink;
    }

    PipelineCounters counters() {
        return counters;
    }

    ByteBuffer view(ByteBuffer b, int offset, int length) {
        return views.view(b, offset, length);
    }

    /** The session was active now: it goes to the young end. */
    void touch(L7Session s) {
        active.get(s);
    }

    void closed(L7Session s) {
        active.remove(s);
    }

    /** Reserves detection bytes for {@code s}, taking them from the least recently active detecting session if need be. */
    boolean reserveDetection(L7Session s, long bytes) {
        return reserve(budgets.detection(), s, bytes, L7Session::holdsDetection, L7Session::evictDetection,
                "l7_detection_budget");
    }

    /** Reserves bytes for a pending request of {@code s}, flushing another session's oldest waiting requests if need be. */
    boolean reservePairing(L7Session s, long bytes) {
        return reserve(budgets.pairing(), s, bytes, L7Session::holdsPending, L7Session::evictPending,
                "l7_pairing_budget");
    }

    /** A parser's retained state changed by {@code delta}; over budget, the least recently active parsers' sessions end. */
    void parserState(L7Session s, long delta) {
        ByteBudget b = budgets.parserState();
        b.force(delta);
        if (!b.over()) {
            return; // the common case: no list walk, no iterator
        }
        int walked = 0;
        for (Iterator<L7Session> it = active.keySet().iterator(); b.over() && it.hasNext() && walked++ < EVICTION_WALK; ) {
            L7Session old = it.next();
            if (old != s && old.retained() > 0) {
                it.remove();
                evicted(b, "l7_parser_state_budget");
                old.evictParser();
            }
        }
        if (b.over() && s.retained() > 0) {
            evicted(b, "l7_parser_state_budget");
            s.evictParser();
        }
    }

    private boolean reserve(ByteBudget b, L7Session s, long bytes, Predicate<L7Session> holds,
                            java.util.function.Consumer<L7Session> evict, String reason) {
        if (b.reserve(bytes)) {
            return true; // the common case: no list walk, no iterator
        }
        int walked = 0;
        for (Iterator<L7Session> it = active.keySet().iterator(); !b.reserve(bytes); ) {
            L7Session old = null;
            while (it.hasNext() && walked++ < EVICTION_WALK) {
                L7Session x = it.next();
                if (x != s && holds.test(x)) {
                    old = x;
                    break;
                }
            }
            if (old == null) {
                evicted(b, reason);
                return false;
            }
            evicted(b, reason);
            // the eviction releases into the budget and changes nothing in the list: the walk goes on from here
            evict.accept(old);
        }
        return true;
    }

    private void evicted(ByteBudget b, String reason) {
        b.evicted();
        counters.error(reason);
    }

    /** One read-only view per source buffer, re-pointed for each call instead of a new slice per packet. */
    private static final class ViewCache {
        private ByteBuffer source;
        private ByteBuffer view;

        ByteBuffer view(ByteBuffer b, int offset, int length) {
            if (b != source) {
                source = b;
                view = b.asReadOnlyBuffer();
            }
            view.clear();
            view.position(offset);
            view.limit(offset + length);
            return view;
        }
    }
}
