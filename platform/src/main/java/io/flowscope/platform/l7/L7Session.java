package io.flowscope.platform.l7;

import io.flowscope.api.Detection;
import io.flowscope.api.Direction;
import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.L7Message;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.SignalSource;
import io.flowscope.api.Transport;
import io.flowscope.platform.budget.ByteBudget;
import io.flowscope.platform.flow.Flow;
import io.flowscope.platform.metrics.PipelineCounters;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The L7 side of one flow. First it detects: the first bytes of each direction are shown to the enabled
 * protocols of the flow's transport, highest {@code priority} first, then those whose default ports match
 * the flow, then by plugin id, until one says MATCH (another MATCH on the same bytes is counted as
 * ambiguous); then it replays what was held to that protocol's new parser and feeds it from there on:
 * ordered bytes for TCP, whole datagrams for UDP. Parser output goes to a {@link Pairer}. An exception
 * from plugin code ends L7 for this flow and is counted against the plugin ({@link FailurePolicy}).
 */
final class L7Session implements MessageSink {

    /** Bytes per direction shown to detectors. */
    static final int DETECT_BYTES = 1024;
    /** Bytes held for replay while detecting, both directions together. */
    static final int MAX_HELD = 8 * 1024;

    private enum State { DETECTING, PARSING, NONE }

    private record Held(int side, byte[] bytes, long ts) {
    }

    private final Flow flow;
    private final RecordSink sink;
    private final PipelineCounters counters;
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
    private ConnectionInfo connection;
    /** The latest capture time this session saw: the parsers' clock. */
    private long now;
    /** A failure of the host's own code (pairing, the store) met while the parser was emitting. */
    private RuntimeException hostFailure;

    /** What all flows of the pipeline may hold while detecting; a flow that cannot hold more is not detected. */
    private final ByteBudget budget;

    /**
     * @param ofTransport the protocols of the flow's transport, highest priority first, then by plugin id
     *                    ({@link L7Pipeline} orders them once); within a priority, those whose default
     *                    ports hold the flow's server port go first
     */
    L7Session(Flow flow, List<ProtocolHandle> ofTransport, RecordSink sink, PipelineCounters counters, ByteBudget budget) {
        this.flow = flow;
        this.budget = budget;
        this.sink = sink;
        this.counters = counters;
        List<ProtocolHandle> ordered = ofTransport;
        if (ofTransport.stream().anyMatch(h -> h.descriptor().defaultPorts().contains(flow.port1))) {
            ordered = new ArrayList<>(ofTransport);
            // stable: the pipeline's order stays within each priority and hint
            ordered.sort(java.util.Comparator.comparingInt((ProtocolHandle h) -> -h.descriptor().priority())
                    .thenComparingInt(h -> h.descriptor().defaultPorts().contains(flow.port1) ? 0 : 1));
        }
        this.candidates = ordered;
        this.refused = new int[ordered.size()];
    }

    void data(int side, ByteBuffer data, long ts) {
        now = Math.max(now, ts);
        switch (state) {
            case DETECTING -> detect(side, data, ts);
            case PARSING -> feed(side, data, ts);
            case NONE -> {
            }
        }
    }

    /** One whole UDP datagram; {@code truncated} when its end was not captured. */
    void datagram(int side, ByteBuffer data, long ts, boolean truncated) {
        truncatedDatagram = truncated;
        try {
            data(side, data, ts);
        } finally {
            truncatedDatagram = false;
        }
    }

    void gap(int side, long lost) {
        if (state == State.PARSING) {
            if (!protocol.enabled()) {
                state = State.NONE;
                return;
            }
            try {
                parser.onGap(direction(side), lost);
            } catch (Throwable t) {
                failed("onGap", t);
            }
            rethrowHostFailure();
        } else if (state == State.DETECTING) {
            // what was held no longer continues: detect afresh on what follows the hole
            releaseHeld();
            held = new ArrayList<>();
            firstBytes[side] = null;
        }
    }

    /** The flow ended: close the parser, report unpaired messages, fill the flow's L7 counters. */
    void end() {
        releaseHeld();
        if (state == State.PARSING && protocol.enabled()) {
            try {
                if (flow.isClosed()) {
                    parser.onClose();
                } else {
                    parser.onExpire();
                }
            } catch (Throwable t) {
                failed(flow.isClosed() ? "onClose" : "onExpire", t);
            }
            rethrowHostFailure();
        }
        if (pairer != null) {
            pairer.flush(flow.isClosed() || flow.closeType == io.flowscope.platform.flow.CloseType.TIMEOUT);
            flow.l7Protocol = protocol.descriptor().l7ProtocolId();
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
        if (!budget.reserve(len)) {
            // the pipeline's detection budget is spent: this flow is not detected (counted), others go on
            budget.evicted();
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
                d = h.factory().detect(first.duplicate(), dir, connection());
            } catch (Throwable t) {
                h.failed("detect", t, connection());
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
            budget.release(heldBytes);
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
                if (other.factory().detect(first.duplicate(), dir, connection()) == Detection.MATCH) {
                    counters.error("l7_ambiguous_detection");
                    return;
                }
            } catch (Throwable t) {
                other.failed("detect", t, connection());
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
        protocol = h;
        pairer = new Pairer(flow, h.descriptor().l7ProtocolId(), h.descriptor().id(), sink, counters);
        h.sessionStarted();
        try {
            parser = h.factory().newParser(new Context());
        } catch (Throwable t) {
            failed("newParser", t);
            return;
        }
        state = State.PARSING;
        List<Held> replay = held;
        releaseHeld();
        candidates = null;
        firstBytes[0] = null;
        firstBytes[1] = null;
        for (Held x : replay) {
            feed(x.side(), ByteBuffer.wrap(x.bytes()).asReadOnlyBuffer(), x.ts());
        }
    }

    private void feed(int side, ByteBuffer data, long ts) {
        if (!protocol.enabled()) {
            state = State.NONE;
            return;
        }
        try {
            if (flow.isTcp()) {
                parser.onData(direction(side), data, ts);
            } else {
                parser.onDatagram(direction(side), data, ts, truncatedDatagram);
            }
        } catch (Throwable t) {
            failed(flow.isTcp() ? "onData" : "onDatagram", t);
        }
        rethrowHostFailure();
    }

    /** The plugin's code threw: this connection's L7 session ends; the plugin is told (and maybe disabled). */
    private void failed(String during, Throwable t) {
        state = State.NONE;
        parser = null;
        releaseHeld();
        protocol.failed(during, t, connection());
    }

    private static Direction direction(int side) {
        return side == 0 ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
    }

    private ConnectionInfo connection() {
        if (connection == null) {
            connection = ConnectionInfo.builder(flow.isTcp() ? Transport.TCP : Transport.UDP)
                    .client(address(flow.ipv4, flow.ip0Hi, flow.ip0Lo), flow.port0)
                    .server(address(flow.ipv4, flow.ip1Hi, flow.ip1Lo), flow.port1)
                    .signalSource(SignalSource.PACKET).interfaceId(flow.interfaceId).build();
        }
        return connection;
    }

    static InetAddress address(boolean ipv4, long hi, long lo) {
        try {
            if (ipv4) {
                return InetAddress.getByAddress(new byte[] {(byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo});
            }
            byte[] a = new byte[16];
            for (int i = 0; i < 8; i++) {
                a[i] = (byte) (hi >>> (56 - 8 * i));
                a[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The parser's view of the host: the sink is this session, never a host object. */
    private final class Context implements ParserContext {
        @Override
        public MessageSink sink() {
            return L7Session.this;
        }

        @Override
        public ConnectionInfo connection() {
            return L7Session.this.connection();
        }

        @Override
        public long nowMicros() {
            return now;
        }

        @Override
        public void reportProblem(String kind, String message) {
            protocol.problem(kind, message, L7Session.this.connection());
            counters.error(protocol.descriptor().id() + "_" + kind);
        }
    }

    @Override
    public String toString() {
        return "L7Session[flow=" + flow.id + ", state=" + state + ", refused=" + Arrays.toString(refused) + "]";
    }
}
