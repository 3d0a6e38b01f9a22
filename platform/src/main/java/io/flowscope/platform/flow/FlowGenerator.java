package io.flowscope.platform.flow;

import io.flowscope.platform.budget.ByteBudget;
import io.flowscope.platform.packet.MetaPacket;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Turns MetaPackets into bidirectional flows keyed by 5-tuple (and capture interface, and the tunnels a
 * packet came through: see {@link FlowKey}). Decides client
 * and server from the handshake, else from the ports, else from who spoke first; counts bytes,
 * packets, flags, retransmissions, zero windows; measures handshake RTT and TCP response time;
 * reassembles each TCP direction and hands ordered payload to the {@link FlowListener}.
 *
 * <p>Time is the packets' own clock, so a capture file expires flows exactly as a live capture would. Flows
 * expire by the timeout of their TCP state ({@link FlowTimeouts}) on a timing wheel ({@link ExpiryWheel}): O(1)
 * per flow, never a sweep of the table. The table is bounded: when it is full, the longest idle flow (to the
 * second, on a second wheel by last activity) is reported (close type {@link CloseType#EVICTED}) to make room,
 * counted. Single-threaded: one generator per
 * capture thread.
 */
public final class FlowGenerator {

    /** Idle time after which an established TCP flow times out, by default. */
    public static final long TCP_IDLE_TIMEOUT = FlowTimeouts.DEFAULTS.established();
    /** Flows that live on are reported at each minute boundary of the clock (DeepFlow's forced report). */
    public static final long REPORT_EVERY = 60_000_000L;
    /** Default bytes the out-of-order segments of all flows of a generator may take together: 64 MiB. */
    public static final long DEFAULT_REASSEMBLY_BUDGET = 64L << 20;

    private final HashMap<FlowKey, Flow> table = new HashMap<>(1 << 16);
    private final FlowKey probe = new FlowKey();
    private final FlowListener listener;
    private final Set<Integer> serverPorts;
    private final int maxFlows;
    private final Streams streams = new Streams();
    private final LongSupplier ids;
    private final FlowTimeouts timeouts;
    private final ExpiryWheel wheel = new ExpiryWheel();
    private final ExpiryWheel idle = new ExpiryWheel();
    private final ExpiryWheel.Due expireIfDue = this::expireIfDue;
    private final ByteBudget budget;
    private final Reassembly reassembly;
    /** Delivers what a stream evicted for another's need gives up (not the flow being processed). */
    private final Streams evicted = new Streams();
    /** Flow time at which the next wheel slot is due. */
    private long nextTick = Long.MIN_VALUE;
    private long clock;
    private long evictions;
    private long holeTimeouts;
    /** The minute (of the clock) whose forced reports were made; -1 before the first packet. */
    private long reportedMinute = -1;

    /**
     * @param ids         gives each new flow its id (the store's sequence, unique across imports)
     * @param serverPorts ports known to be servers' (the plugins' default ports), to orient flows without a handshake
     * @param maxFlows    bound of the flow table; over it the longest idle flow is evicted (reported)
     */
    public FlowGenerator(FlowListener listener, LongSupplier ids, Set<Integer> serverPorts, int maxFlows) {
        this(listener, ids, serverPorts, maxFlows, new ByteBudget(DEFAULT_REASSEMBLY_BUDGET), FlowTimeouts.DEFAULTS);
    }

    /** The same, with the budget all flows' out-of-order bytes share and the timeouts by state. */
    public FlowGenerator(FlowListener listener, LongSupplier ids, Set<Integer> serverPorts, int maxFlows, ByteBudget budget,
                         FlowTimeouts timeouts) {
        if (maxFlows < 1) {
            throw new IllegalArgumentException("the flow table must hold at least one flow: " + maxFlows);
        }
        this.timeouts = timeouts;
        this.budget = budget;
        this.reassembly = new Reassembly(budget, s -> {
            evicted.flow = s.flow;
            evicted.side = s.side;
            return evicted;
        });
        this.listener = listener;
        this.ids = ids;
        this.serverPorts = Set.copyOf(serverPorts);
        this.maxFlows = maxFlows;
    }

    /** Flows currently in the table. */
    public int activeFlows() {
        return table.size();
    }

    /** The out-of-order bytes all flows share, with its peak and evictions. */
    public ByteBudget reassemblyBudget() {
        return budget;
    }

    /** TCP holes given up because they stayed open longer than the hole timeout (of flows that ended). */
    public long holeTimeouts() {
        return holeTimeouts;
    }

    /** Flows reported early (close type {@link CloseType#EVICTED}) because the table was full. */
    public long evictions() {
        return evictions;
    }

    /**
     * Moves the clock to {@code nowMicros} without a packet (a live source's wall clock while its link is
     * quiet), so that idle flows expire and long ones are reported on time. Capture files never call it:
     * their clock is their packets'.
     */
    public void advanceTo(long nowMicros) {
        if (nowMicros > clock) {
            clock = nowMicros;
        }
        maybeSweep();
    }

    private void maybeSweep() {
        if (clock >= nextTick) {
            wheel.advance(clock, expireIfDue);
            idle.windowEndsAt(clock);
            nextTick = (clock / ExpiryWheel.SLOT_MICROS + 1) * ExpiryWheel.SLOT_MICROS;
            long minute = clock / REPORT_EVERY;
            if (reportedMinute < 0) {
                reportedMinute = minute;
            } else if (minute > reportedMinute) {
                reportedMinute = minute;
                reportLongFlows();
            }
        }
    }

    /** A report of every flow that lives on and saw packets since its previous report. */
    private void reportLongFlows() {
        for (Flow f : table.values()) {
            if (!f.ended && (f.reported == null || f.packets[0] != f.reported[FlowReport.PACKET_TX]
                    || f.packets[1] != f.reported[FlowReport.PACKET_RX])) {
                listener.flowUpdate(f);
            }
        }
    }

    /** One decoded IP packet. */
    public void packet(MetaPacket m) {
        long ts = m.tsMicros;
        if (ts > clock) {
            clock = ts;
        }
        maybeSweep();
        probe.set(m);
        Flow f = table.get(probe);
        boolean tcp = m.protocol == 6;
        if (f != null && tcp && m.has(MetaPacket.SYN) && !m.has(MetaPacket.ACK)
                && (f.closed || f.synTime >= 0 && m.seq != f.synSeq)) {
            // the 4-tuple is reused by a new connection (a SYN after the close, or with a new initial
            // sequence number): the old flow is over
            if (!f.closed) {
                f.closeType = CloseType.CLIENT_PORT_REUSE;
            }
            end(f);
            remove(f);
            f = null;
        }
        if (f == null) {
            while (table.size() >= maxFlows) {
                evictOne();
            }
            f = create(m);
            table.put(f.key, f);
            wheel.schedule(f.byDeadline, ts + timeout(f));
            idle.schedule(f.byActivity, ts);
        }
        if (f.ended) {
            return; // the last ACK or a retransmitted FIN of a flow already reported: absorbed
        }
        int side = isClient(f, m) ? 0 : 1;
        account(f, m, side, ts);
        if (m.tunnelTier > 0) {
            f.tunnel = TunnelInfo.seen(f.tunnel, m, side);
        }
        if (tcp) {
            long before = timeout(f);
            tcp(f, m, side, ts);
            long after = timeout(f);
            if (after < before) {
                // a state with a shorter timeout (closing, closed): its deadline comes before the slot it is in
                wheel.schedule(f.byDeadline, f.endTime + after);
            }
        } else if (m.payloadWireLen > 0) {
            listener.datagram(f, side, m.buffer, m.payloadOffset, m.payloadLen, m.payloadWireLen, ts);
        }
        listener.packetCounted(f, side, ts);
    }

    /** End of input: every flow still open is reported as such (close type 5, still open). */
    public void finish() {
        for (Flow f : table.values()) {
            if (!f.ended && !f.closed && f.closeType == CloseType.UNKNOWN) {
                f.closeType = CloseType.FORCED_REPORT;
            }
            end(f);
        }
        table.clear();
        wheel.clear();
        idle.clear();
    }

    /** Out of the table and the wheel. */
    private void remove(Flow f) {
        table.remove(f.key);
        wheel.remove(f.byDeadline);
        idle.remove(f.byActivity);
    }

    /**
     * A flow whose wheel slot came: over if it has been silent for its state's timeout, else back in the wheel for
     * its real deadline (packets since it was scheduled moved that later).
     */
    private void expireIfDue(ExpiryWheel.Node n) {
        Flow f = n.flow;
        long deadline = f.endTime + timeout(f);
        if (deadline > clock) {
            wheel.schedule(n, deadline);
            return;
        }
        if (!f.closed) {
            f.closeType = expiredCloseType(f);
        }
        remove(f);
        end(f);
    }

    /**
     * The table is full: the longest idle flow goes, oldest first within its second (the activity wheel's
     * earliest slot; one with packets since it was placed there is put in the slot of its last packet first).
     * The tail of a closed conversation is as recent as its last packet, so a flood of new flows takes older
     * ones first. A closed flow that only lingered loses nothing; any other is reported as evicted, counted.
     */
    private void evictOne() {
        idle.windowEndsAt(clock); // every last packet, up to this one, within the wheel's window
        ExpiryWheel.Node n;
        while ((n = idle.earliest()) != null) {
            Flow f = n.flow;
            if (f.endTime / ExpiryWheel.SLOT_MICROS > n.slot) {
                idle.schedule(n, f.endTime);
                continue;
            }
            remove(f);
            if (!f.ended) {
                if (!f.closed) {
                    f.closeType = CloseType.EVICTED;
                }
                evictions++;
                end(f);
            }
            return;
        }
        throw new IllegalStateException("flow table full (" + table.size() + ") but no flow is scheduled to expire");
    }

    private Flow create(MetaPacket m) {
        Flow f = new Flow(probe.copy(), m.protocol == 6, reassembly);
        f.id = ids.getAsLong();
        f.protocol = m.protocol;
        f.ipv4 = m.ipv4;
        f.ethType = m.ethType;
        f.vlan = m.vlan;
        f.interfaceId = m.interfaceId;
        f.startTime = m.tsMicros;
        f.endTime = m.tsMicros;
        boolean senderIsClient;
        if (m.protocol == 6 && m.has(MetaPacket.SYN)) {
            senderIsClient = !m.has(MetaPacket.ACK);
            f.directionScore = 255;
        } else {
            int src = portScore(m.srcPort);
            int dst = portScore(m.dstPort);
            senderIsClient = dst >= src;
            f.directionScore = src == dst ? 0 : 200;
        }
        if (senderIsClient) {
            f.ip0Hi = m.srcHi; f.ip0Lo = m.srcLo; f.port0 = m.srcPort; f.mac0 = m.srcMac;
            f.ip1Hi = m.dstHi; f.ip1Lo = m.dstLo; f.port1 = m.dstPort; f.mac1 = m.dstMac;
        } else {
            f.ip0Hi = m.dstHi; f.ip0Lo = m.dstLo; f.port0 = m.dstPort; f.mac0 = m.dstMac;
            f.ip1Hi = m.srcHi; f.ip1Lo = m.srcLo; f.port1 = m.srcPort; f.mac1 = m.srcMac;
        }
        f.connection = io.flowscope.platform.connection.Connection.builder(f.protocol).id(f.id)
                .client(f.ipv4, f.ip0Hi, f.ip0Lo, f.port0).server(f.ip1Hi, f.ip1Lo, f.port1)
                .interfaceId(f.interfaceId).tunnelType(m.tunnelType).signalSource(io.flowscope.platform.connection.Connection.SIGNAL_PACKET).build();
        return f;
    }

    /** How much a port looks like a server's: well-known, a plugin's default, registered, ephemeral. */
    private int portScore(int port) {
        if (port < 1024) {
            return 3;
        }
        if (serverPorts.contains(port)) {
            return 2;
        }
        return port < 32768 ? 1 : 0;
    }

    /** Whether the packet was sent by side 0 (a flow from an endpoint to itself is all side 0). */
    private static boolean isClient(Flow f, MetaPacket m) {
        return m.srcPort == f.port0 && m.srcLo == f.ip0Lo && m.srcHi == f.ip0Hi;
    }

    private static void account(Flow f, MetaPacket m, int side, long ts) {
        f.packets[side]++;
        f.bytes[side] += m.wireLen;
        f.l3Bytes[side] += m.l3Len;
        f.l4Bytes[side] += m.payloadWireLen;
        if (ts > f.endTime) {
            f.endTime = ts;
        }
    }

    private void tcp(Flow f, MetaPacket m, int side, long ts) {
        int flags = m.tcpFlags;
        f.tcpFlags[side] |= flags;
        boolean syn = (flags & MetaPacket.SYN) != 0;
        boolean ack = (flags & MetaPacket.ACK) != 0;
        boolean rst = (flags & MetaPacket.RST) != 0;
        boolean fin = (flags & MetaPacket.FIN) != 0;
        TcpStream stream = f.streams[side];
        if (ack && f.finSent[1 - side] && m.ack - f.finAck[1 - side] >= 0) {
            f.finAcked[1 - side] = true;
        }
        if (syn) {
            if (ack) {
                f.synAckCount++;
                if (f.synAckTime < 0) {
                    f.synAckTime = ts;
                    if (f.synTime >= 0) {
                        f.rttServer = ts - f.synTime;
                    }
                }
            } else {
                f.synCount++;
                f.lastSynTime = ts;
                if (f.synTime < 0) {
                    f.synTime = ts;
                    f.synSeq = m.seq;
                }
            }
            if (f.mss[side] == 0) {
                f.mss[side] = m.mss;
            }
            if (f.windowScale[side] < 0) {
                f.windowScale[side] = m.windowScale;
            }
            stream.syn(m.seq);
        } else if (ack && side == 0 && f.synAckTime >= 0 && f.rttClient < 0) {
            f.rttClient = ts - f.synAckTime;
        }
        if (ack && !syn && f.lastSynTime >= 0 && f.handshakeRtt == 0) {
            // tshark's iRTT, its out-of-order threshold: from the latest SYN to the first ACK without SYN
            f.handshakeRtt = ts - f.lastSynTime;
        }
        int analysis = f.seq[side].segment(f.seq[1 - side], m.seq, m.ack, m.payloadWireLen, flags, m.window, ts,
                f.handshakeRtt);
        if ((analysis & SeqAnalysis.RETRANSMISSION) != 0) {
            f.retrans[side]++;
        }
        if ((analysis & SeqAnalysis.OUT_OF_ORDER) != 0) {
            f.outOfOrder[side]++;
        }
        if ((analysis & SeqAnalysis.LOST_SEGMENT) != 0) {
            f.lostSegments[side]++;
        }
        if ((analysis & SeqAnalysis.ZERO_WINDOW) != 0) {
            f.zeroWindows[side]++;
        }
        if (m.payloadWireLen > 0 && !f.closed) {
            streams.flow = f;
            streams.side = side;
            stream.segment(m.seq, m.buffer, m.payloadOffset, m.payloadLen, m.payloadWireLen, ts, streams);
        }
        responseTimes(f, m, side, ts);
        if (rst) {
            if (!f.closed) {
                f.closeType = rstCloseType(f, side);
                close(f);
                end(f);
            }
        } else if (fin) {
            if (!f.finSent[side]) {
                f.finCount++;
                f.finSent[side] = true;
                f.finAck[side] = m.seq + m.payloadWireLen + 1; // a FIN takes one sequence number
            }
            if (f.finSent[0] && f.finSent[1] && !f.closed) {
                f.closeType = CloseType.NORMAL;
                close(f);
            }
        }
        if (f.closed && f.closeType == CloseType.NORMAL && f.finAcked[0] && f.finAcked[1]) {
            // both FINs acknowledged: the close is complete, reported now rather than after the linger
            end(f);
        }
    }

    /**
     * DeepFlow's TCP response times, of the server answering the client. The client's data segment arms both; any
     * other client packet (its own ACK, a FIN) disarms both, and a later data segment of the client re-arms them
     * from itself. SRT (system response time): the server's very next packet, when it is a bare ACK (no payload,
     * none of SYN, FIN, RST) acknowledging exactly that segment's end, gives {@code ack time − data time}. ART
     * (application response time): the server's first packet with payload after it, bare ACKs of the server in
     * between allowed, gives {@code response time − data time}. Any server packet ends the SRT wait; a server
     * FIN or RST ends both.
     */
    private static void responseTimes(Flow f, MetaPacket m, int side, long ts) {
        boolean control = (m.tcpFlags & (MetaPacket.SYN | MetaPacket.FIN | MetaPacket.RST)) != 0;
        if (side == 0) {
            boolean data = m.payloadWireLen > 0 && !control;
            f.srtArmed = data;
            f.artArmed = data;
            if (data) {
                f.requestTime = ts;
                f.requestEnd = m.seq + m.payloadWireLen;
            }
            return;
        }
        if (f.srtArmed && m.payloadWireLen == 0 && !control && m.has(MetaPacket.ACK) && m.ack == f.requestEnd) {
            long srt = ts - f.requestTime;
            f.srtSum += srt;
            f.srtCount++;
            f.srtMax = Math.max(f.srtMax, srt);
        }
        f.srtArmed = false;
        if (f.artArmed && m.payloadWireLen > 0) {
            long art = ts - f.requestTime;
            f.artSum += art;
            f.artCount++;
            f.artMax = Math.max(f.artMax, art);
            f.artArmed = false;
        } else if (control) {
            f.artArmed = false;
        }
    }

    private static int rstCloseType(Flow f, int side) {
        boolean established = f.synAckTime >= 0 && f.rttClient >= 0 || f.packets[0] + f.packets[1] > 3 && f.synTime < 0;
        if (side == 1) {
            if (f.synTime >= 0 && f.synAckTime < 0) {
                return CloseType.SERVER_DIRECT_RST; // refused: RST to the SYN
            }
            return f.synAckTime >= 0 && f.rttClient < 0 ? CloseType.SERVER_OTHER_RST : CloseType.SERVER_RST;
        }
        return established ? CloseType.CLIENT_RST : CloseType.CLIENT_OTHER_RST;
    }

    private void close(Flow f) {
        f.closed = true;
        for (TcpStream s : f.streams) {
            streams.flow = f;
            streams.side = s == f.streams[0] ? 0 : 1;
            s.finish(streams);
        }
    }

    /** The silence after which the flow is over, by its state. */
    private long timeout(Flow f) {
        if (!f.isTcp()) {
            return timeouts.other();
        }
        if (f.closed) {
            return timeouts.closed();
        }
        if (f.finSent[0] || f.finSent[1]) {
            return timeouts.closing();
        }
        if (f.synTime >= 0 && f.rttClient < 0 && f.packets[0] == f.synCount && f.packets[1] == f.synAckCount) {
            return timeouts.opening(); // SYNs and SYN-ACKs only: a handshake not (yet) completed
        }
        return timeouts.established();
    }

    private static int expiredCloseType(Flow f) {
        if (!f.isTcp()) {
            return CloseType.TIMEOUT;
        }
        if (f.synTime >= 0 && f.synAckTime < 0 && f.packets[1] == 0) {
            return CloseType.SERVER_SYN_MISS;
        }
        if (f.synAckTime >= 0 && f.rttClient < 0 && f.packets[0] == f.synCount) {
            return CloseType.CLIENT_ACK_MISS; // SYN-ACK sent, nothing more from the client
        }
        if (f.finSent[0] && !f.finSent[1]) {
            return CloseType.CLIENT_HALF_CLOSE;
        }
        if (f.finSent[1] && !f.finSent[0]) {
            return CloseType.SERVER_HALF_CLOSE;
        }
        return CloseType.TIMEOUT;
    }

    /** The final report of a flow (once; a closed flow may linger in the table after it). */
    private void end(Flow f) {
        if (f.ended) {
            return;
        }
        f.ended = true;
        if (f.streams != null && !f.closed) {
            for (int side = 0; side < 2; side++) {
                streams.flow = f;
                streams.side = side;
                f.streams[side].finish(streams);
            }
        }
        if (f.streams != null) {
            holeTimeouts += f.streams[0].holeTimeouts + f.streams[1].holeTimeouts;
        }
        listener.flowEnded(f);
    }

    /** Adapts a TcpStream's ordered output to the listener for the flow and side being processed. */
    private final class Streams implements TcpStream.Consumer {
        Flow flow;
        int side;

        @Override
        public void data(ByteBuffer b, int off, int len, long ts) {
            listener.payload(flow, side, b, off, len, ts);
        }

        @Override
        public void gap(long lost) {
            listener.gap(flow, side, lost);
        }
    }
}
