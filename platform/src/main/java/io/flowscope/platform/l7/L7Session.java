package io.flowscope.platform.l7;

import io.flowscope.api.Detection;
import io.flowscope.api.Direction;
import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.L7Message;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ProtocolSwitch;
import io.flowscope.platform.connection.Connection;
import io.flowscope.platform.connection.L7Counts;
import io.flowscope.platform.metrics.PipelineCounters;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The L7 side of one connection, whatever saw it (a packet flow, a traced socket). First it detects: the
 * first bytes of each direction are shown to the enabled protocols of the connection's transport, highest
 * {@code priority} first, then those whose default ports match its server port, then by plugin id, until one says MATCH (another MATCH on the same bytes is counted as
 * ambiguous); then it replays what was held to that protocol's new parser and feeds it from there on:
 * ordered bytes for TCP, whole datagrams for UDP. Parser output goes to a {@link Pairer}. An exception
 * from plugin code ends L7 for this connection and is counted against the plugin ({@link FailurePolicy}).
 * What it holds (detection bytes, pending requests, parser state) counts against the {@link L7Pipeline}'s
 * budgets, which may take it back ({@code evict…}). A parser may switch the connection to another protocol
 * ({@link ParserContext#switchProtocol}, HTTP/1.1's 101): once its call returns, the rest of both directions, the bytes
 * it handed over first, go to a new parser of that protocol with a pairer of its own; a protocol with no enabled
 * parser ends L7 for the connection ({@code l7_switch_unparsed}). Used from the pipeline's thread only.
 */
public final class L7Session implements MessageSink {

    /** How a connection ended, for the parser and for requests still waiting. */
    public enum End {
        /** Closed by its ends: parser {@code onClose}, waiting requests timed out. */
        CLOSED,
        /** Idle too long: parser {@code onExpire}, waiting requests timed out. */
        IDLE,
        /** The input ended or the session was given up: parser {@code onExpire}, waiting requests unknown. */
        UNKNOWN
    }

    /** Bytes per direction shown to detectors. */
    static final int DETECT_BYTES = 1024;
    /** Bytes held for replay while detecting, both directions together. */
    static final int MAX_HELD = 8 * 1024;
    /** Protocol switches one connection may make: parsers that hand it back and forth do not loop for ever. */
    static final int MAX_SWITCHES = 4;

    private enum State { DETECTING, PARSING, NONE }

    private record Held(int side, byte[] bytes, long ts) {
    }

    private Connection connection;
    private final L7Pipeline pipeline;
    private final RecordSink sink;
    private final PipelineCounters counters;
    private final L7Counts counts = new L7Counts();
    private State state = State.DETECTING;
    private List<ProtocolHandle> candidates;
    /** Per candidate: directions in which it said NO_MATCH (bit 0 = from client, bit 1 = from server). */
    private int[] refused;
    private final ByteArrayOutputStream[] firstBytes = new ByteArrayOutputStream[2];
    private List<Held> held = new ArrayList<>();
    private int heldBytes;

    private ProtocolHandle protocol;
    private ProtocolParser parser;
    private Pairer pairer;
    /** Whether the datagram being delivered was cut (UDP). */
    private boolean truncatedDatagram;
    /** The parser's last {@code retainedBytes()}, as counted in the pipeline's parser-state budget. */
    private long retained;
    /** How often (µs of the session's clock) activity moves it to the young end of the pipeline's list. */
    static final long TOUCH_EVERY = 100_000;
    private long lastTouched = Long.MIN_VALUE / 2;
    /** The latest capture time this session saw: the parsers' clock. */
    private long now;
    /** A failure of the host's own code (pairing, the store) met while the parser was emitting. */
    private RuntimeException hostFailure;
    /** A switch the current parser asked for during its call, made once the call returns. */
    private ProtocolSwitch pendingSwitch;
    /** Switches made so far; also tells a parser's context whether it is the current one. */
    private int switches;

    /**
     * @param ofTransport the protocols of the connection's transport, highest priority first, then by plugin
     *                    id ({@link L7Pipeline} orders them once); within a priority, those whose default
     *                    ports hold the connection's server port go first
     */
    L7Session(Connection connection, List<ProtocolHandle> ofTransport, L7Pipeline pipeline) {
        this.connection = connection;
        this.pipeline = pipeline;
        this.sink = pipeline.sink();
        this.counters = pipeline.counters();
        int serverPort = connection.port1();
        List<ProtocolHandle> ordered = ofTransport;
        if (ofTransport.stream().anyMatch(h -> h.descriptor().defaultPorts().contains(serverPort))) {
            ordered = new ArrayList<>(ofTransport);
            // stable: the pipeline's order stays within each priority and hint
            ordered.sort(java.util.Comparator.comparingInt((ProtocolHandle h) -> -h.descriptor().priority())
                    .thenComparingInt(h -> h.descriptor().defaultPorts().contains(serverPort) ? 0 : 1));
        }
        this.candidates = ordered;
        this.refused = new int[ordered.size()];
    }

    /** The connection this session parses. */
    public Connection connection() {
        return connection;
    }

    /**
     * The source knows more of the connection now (the process at its other end): the records made from now
     * on carry it. The plugins' view ({@code ConnectionInfo}) stays the one detection saw.
     */
    public void update(Connection c) {
        if (c.id() != connection.id()) {
            throw new IllegalArgumentException("not the same connection: " + c + " for " + connection);
        }
        connection = c;
        if (pairer != null) {
            pairer.connection(c);
        }
    }

    /** What was counted so far (cumulative): requests, responses, errors, the protocol and first domain. */
    public L7Counts counts() {
        return counts;
    }

    /** Ordered bytes of one direction (0 = from the client); {@code buffer} is valid during the call only. */
    public void data(int side, ByteBuffer buffer, int offset, int length, long ts) {
        if (state != State.NONE) {
            touch(ts);
            data(side, pipeline.view(buffer, offset, length), ts);
        }
    }

    /** One whole datagram; {@code truncated} when its end was not captured. */
    public void datagram(int side, ByteBuffer buffer, int offset, int length, boolean truncated, long ts) {
        if (state != State.NONE && length > 0) {
            touch(ts);
            datagram(side, pipeline.view(buffer, offset, length), ts, truncated);
        }
    }

    /**
     * Tells the pipeline this session is active, at most once per {@link #TOUCH_EVERY} of its clock: the
     * budgets' "least recently active" is exact to that, and a busy connection costs no list work per packet.
     */
    private void touch(long ts) {
        if (ts - lastTouched >= TOUCH_EVERY || ts < lastTouched) {
            lastTouched = ts;
            pipeline.touch(this);
        }
    }

    private void data(int side, ByteBuffer data, long ts) {
        now = Math.max(now, ts);
        switch (state) {
            case DETECTING -> detect(side, data, ts);
            case PARSING -> feed(side, data, ts);
            case NONE -> {
            }
        }
    }

    private void datagram(int side, ByteBuffer data, long ts, boolean truncated) {
        truncatedDatagram = truncated;
        try {
            data(side, data, ts);
        } finally {
            truncatedDatagram = false;
        }
    }

    /** Bytes of one direction that will never arrive. */
    public void gap(int side, long lost) {
        if (state == State.PARSING) {
            if (!protocol.enabled()) {
                evictParser();
                return;
            }
            try {
                parser.onGap(direction(side), lost);
            } catch (Throwable t) {
                failed("onGap", t);
            }
            measure();
            rethrowHostFailure();
            switchIfAsked();
        } else if (state == State.DETECTING) {
            // what was held no longer continues: detect afresh on what follows the hole
            releaseHeld();
            held = new ArrayList<>();
            firstBytes[side] = null;
        }
    }

    /** The connection ended: the parser is told, unpaired requests are reported, the budgets get back what was held. */
    public void end(End how) {
        pipeline.closed(this);
        releaseHeld();
        if (state == State.PARSING && protocol.enabled()) {
            try {
                if (how == End.CLOSED) {
                    parser.onClose();
                } else {
                    parser.onExpire();
                }
            } catch (Throwable t) {
                failed(how == End.CLOSED ? "onClose" : "onExpire", t);
            }
        }
        state = State.NONE;
        parser = null;
        pendingSwitch = null; // asked for while closing: there is nothing left to hand over
        setRetained(0);
        if (pairer != null) {
            pairer.flush(how != End.UNKNOWN);
        }
        rethrowHostFailure();
    }

    boolean holdsDetection() {
        return heldBytes > 0;
    }

    boolean holdsPending() {
        return pairer != null && pairer.hasPending();
    }

    long retained() {
        return retained;
    }

    /** The detection budget needs what this session holds: it stops detecting (and parses nothing). */
    void evictDetection() {
        giveUpDetection();
    }

    /** The pairing budget needs room: this session's waiting requests are reported alone, as unknown. */
    void evictPending() {
        pairer.flush(false);
    }

    /** The parser-state budget needs room: this session's parser is dropped and its waiting requests reported. */
    void evictParser() {
        state = State.NONE;
        parser = null;
        setRetained(0);
        if (pairer != null) {
            pairer.flush(false);
        }
    }

    /** Reads the parser's retained state after a call and tells the pipeline's budget the change. */
    private void measure() {
        if (parser != null && state == State.PARSING) {
            long r;
            try {
                r = parser.retainedBytes();
            } catch (Throwable t) {
                failed("retainedBytes", t);
                return;
            }
            if (r != retained) {
                long delta = r - retained;
                retained = r;
                pipeline.parserState(this, delta);
            }
        }
    }

    private void setRetained(long r) {
        if (r != retained) {
            long delta = r - retained;
            retained = r;
            pipeline.budgets().parserState().release(-delta);
        }
    }

    @Override
    public void emit(L7Message message) {
        counters.l7Messages++;
        if (hostFailure != null) {
            return;
        }
        try {
            pairer.add(message);
        } catch (RuntimeException e) {
            // not the plugin's fault: kept aside and rethrown once the plugin's call has returned
            hostFailure = e;
        }
    }

    private void rethrowHostFailure() {
        RuntimeException e = hostFailure;
        if (e != null) {
            hostFailure = null;
            throw e;
        }
    }

    private void detect(int side, ByteBuffer data, long ts) {
        int len = data.remaining();
        if (!pipeline.reserveDetection(this, len)) {
            // the detection budget is spent and nothing idle can give back: this connection is not detected
            giveUpDetection();
            return;
        }
        byte[] copy = new byte[len];
        data.get(data.position(), copy);
        held.add(new Held(side, copy, ts));
        heldBytes += len;
        if (firstBytes[side] == null) {
            firstBytes[side] = new ByteArrayOutputStream();
        }
        ByteArrayOutputStream fb = firstBytes[side];
        fb.write(copy, 0, Math.min(len, DETECT_BYTES - fb.size()));
        ByteBuffer first = ByteBuffer.wrap(fb.toByteArray()).asReadOnlyBuffer();
        Direction dir = direction(side);
        for (int i = 0; i < candidates.size(); i++) {
            ProtocolHandle h = candidates.get(i);
            if (!h.enabled() || (refused[i] & (1 << side)) != 0) {
                continue;
            }
            Detection d;
            try {
                d = h.factory().detect(first.duplicate(), dir, connection.info());
            } catch (Throwable t) {
                h.failed("detect", t, connection.info());
                continue;
            }
            if (d == Detection.MATCH) {
                countAmbiguity(i, first, dir);
                start(h);
                return;
            }
            if (d == Detection.NO_MATCH) {
                refused[i] |= 1 << side;
            }
        }
        if (allOut() || heldBytes > MAX_HELD) {
            giveUpDetection();
        }
    }

    private void giveUpDetection() {
        state = State.NONE;
        releaseHeld();
        firstBytes[0] = null;
        firstBytes[1] = null;
    }

    /** Gives back to the budget what this session holds for detection. */
    private void releaseHeld() {
        if (heldBytes > 0) {
            pipeline.budgets().detection().release(heldBytes);
            heldBytes = 0;
        }
        held = null;
    }

    /** Another protocol that also says MATCH on these bytes makes the detection ambiguous: counted. */
    private void countAmbiguity(int winner, ByteBuffer first, Direction dir) {
        for (int j = winner + 1; j < candidates.size(); j++) {
            ProtocolHandle other = candidates.get(j);
            if (!other.enabled()) {
                continue;
            }
            try {
                if (other.factory().detect(first.duplicate(), dir, connection.info()) == Detection.MATCH) {
                    counters.error("l7_ambiguous_detection");
                    return;
                }
            } catch (Throwable t) {
                other.failed("detect", t, connection.info());
            }
        }
    }

    /** A candidate is out once it refused the client's bytes, or both directions. */
    private boolean isOut(int i) {
        return (refused[i] & 1) != 0 || refused[i] == 3 || !candidates.get(i).enabled();
    }

    private boolean allOut() {
        for (int i = 0; i < candidates.size(); i++) {
            if (!isOut(i)) {
                return false;
            }
        }
        return true;
    }

    private void start(ProtocolHandle h) {
        if (!begin(h, null)) {
            return;
        }
        List<Held> replay = held;
        releaseHeld();
        candidates = null;
        firstBytes[0] = null;
        firstBytes[1] = null;
        for (Held x : replay) {
            if (state != State.PARSING) {
                break; // the parser failed or was evicted during the replay: the rest is not its to see
            }
            feed(x.side(), ByteBuffer.wrap(x.bytes()).asReadOnlyBuffer(), x.ts());
        }
    }

    /** A parser of {@code h} from now on, with a pairer of its own; {@code from} is the switch that led to it, or null. */
    private boolean begin(ProtocolHandle h, ProtocolSwitch from) {
        protocol = h;
        counts.l7Protocol = h.descriptor().l7ProtocolId();
        pairer = new Pairer(connection, counts, h.descriptor().l7ProtocolId(), h.descriptor().id(), sink, counters,
                new Pairer.Budget() {
                    @Override
                    public boolean reserve(long bytes) {
                        return pipeline.reservePairing(L7Session.this, bytes);
                    }

                    @Override
                    public void release(long bytes) {
                        pipeline.budgets().pairing().release(bytes);
                    }
                });
        h.sessionStarted();
        try {
            parser = h.factory().newParser(new Context(from, switches));
        } catch (Throwable t) {
            failed("newParser", t);
            return false;
        }
        state = State.PARSING;
        return true;
    }

    /**
     * The parser asked to switch during the call that just returned: it is let go (what it left waiting is reported
     * alone), and a parser of the named protocol gets the bytes handed over, then the rest of the connection. A
     * protocol no enabled plugin parses, or one switch too many, ends L7 for the connection, counted.
     */
    private void switchIfAsked() {
        ProtocolSwitch sw = pendingSwitch;
        if (sw == null) {
            return;
        }
        pendingSwitch = null;
        if (state != State.PARSING) {
            return;
        }
        parser = null;
        setRetained(0);
        pairer.flush(false);
        ProtocolHandle next = ++switches > MAX_SWITCHES ? null : pipeline.protocol(sw.protocolId(), connection.isTcp());
        if (next == null || !next.enabled()) {
            counters.error("l7_switch_unparsed");
            state = State.NONE;
            return;
        }
        if (!begin(next, sw)) {
            return;
        }
        for (ProtocolSwitch.HandedOver h : sw.handedOver()) {
            if (state != State.PARSING) {
                break; // failed, evicted, or unparsed after another switch: nobody to give the rest to
            }
            feed(h.direction() == Direction.CLIENT_TO_SERVER ? 0 : 1, h.bytes(), h.timestampMicros());
        }
    }

    private void feed(int side, ByteBuffer data, long ts) {
        if (!protocol.enabled()) {
            evictParser(); // the plugin was disabled: its parser and what it held go now
            return;
        }
        try {
            if (connection.isTcp()) {
                parser.onData(direction(side), data, ts);
            } else {
                parser.onDatagram(direction(side), data, ts, truncatedDatagram);
            }
        } catch (Throwable t) {
            failed(connection.isTcp() ? "onData" : "onDatagram", t);
        }
        measure();
        rethrowHostFailure();
        switchIfAsked();
    }

    /** The plugin's code threw: this connection's L7 session ends; the plugin is told (and maybe disabled). */
    private void failed(String during, Throwable t) {
        state = State.NONE;
        parser = null;
        pendingSwitch = null;
        setRetained(0);
        releaseHeld();
        protocol.failed(during, t, connection.info());
    }

    private static Direction direction(int side) {
        return side == 0 ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
    }

    /** The parser's view of the host: the sink is this session, never a host object. */
    private final class Context implements ParserContext {
        private final ProtocolSwitch from;
        /** The session's switch count when this parser began: a parser already switched away from asks no more. */
        private final int generation;

        Context(ProtocolSwitch from, int generation) {
            this.from = from;
            this.generation = generation;
        }

        @Override
        public ProtocolSwitch switchedFrom() {
            return from;
        }

        @Override
        public void switchProtocol(ProtocolSwitch protocolSwitch) {
            if (protocolSwitch != null && generation == switches && state == State.PARSING && pendingSwitch == null) {
                pendingSwitch = protocolSwitch;
            }
        }

        @Override
        public MessageSink sink() {
            return L7Session.this;
        }

        @Override
        public ConnectionInfo connection() {
            return connection.info();
        }

        @Override
        public long nowMicros() {
            return now;
        }

        @Override
        public boolean obfuscate() {
            return protocol.obfuscate();
        }

        @Override
        public void reportProblem(String kind, String message) {
            protocol.problem(kind, message, connection.info());
            counters.error(protocol.descriptor().id() + "_" + kind);
        }
    }

    @Override
    public String toString() {
        return "L7Session[" + connection + ", state=" + state + ", refused=" + Arrays.toString(refused) + "]";
    }
}
