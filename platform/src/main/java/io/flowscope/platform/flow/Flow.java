package io.flowscope.platform.flow;

/**
 * One bidirectional flow. Side 0 is the client, side 1 the server; arrays indexed by side hold what
 * that side sent ({@code [0]} = tx, {@code [1]} = rx in DeepFlow's terms). Times are µs since the epoch.
 * Only the {@link FlowGenerator} changes it, on its thread; what leaves that thread is a {@link FlowReport}.
 */
public final class Flow {
    public long id;
    final FlowKey key;

    public boolean ipv4;
    public int protocol;
    public long ip0Hi;
    public long ip0Lo;
    public long ip1Hi;
    public long ip1Lo;
    public int port0;
    public int port1;
    public long mac0;
    public long mac1;
    public int ethType;
    public int vlan;
    public int interfaceId;
    /** The tunnel its packets came through, each way; null for an untunnelled flow. Replaced, never changed. */
    public TunnelInfo tunnel;

    public long startTime;
    public long endTime;
    public final long[] packets = new long[2];
    public final long[] bytes = new long[2];
    public final long[] l3Bytes = new long[2];
    public final long[] l4Bytes = new long[2];
    public final int[] tcpFlags = new int[2];
    public final int[] retrans = new int[2];
    public final int[] zeroWindows = new int[2];
    public final int[] outOfOrder = new int[2];
    /** Segments that started beyond the highest sequence number seen: a previous segment was not captured. */
    public final int[] lostSegments = new int[2];
    /** MSS and window scale each side's SYN offered; 0 and -1 when its SYN had none or was not seen. */
    public final int[] mss = new int[2];
    public final int[] windowScale = {-1, -1};
    public int synCount;
    public int synAckCount;
    public int finCount;
    /** 255 when the handshake showed who the client is, lower when guessed from ports or order. */
    public int directionScore;

    long synTime = -1;
    /** Initial sequence number of the client's SYN: a SYN with another one is a new connection. */
    int synSeq;
    long synAckTime = -1;
    /** Handshake halves, µs; -1 when not measured. */
    public long rttClient = -1;
    public long rttServer = -1;
    /** The client's last data segment (time and the sequence number after it) that the server has not answered. */
    long requestTime = -1;
    int requestEnd;
    /** Whether that segment may still give an SRT sample (the server's next packet) and an ART one. */
    boolean srtArmed;
    boolean artArmed;
    public long srtSum;
    public long srtCount;
    public long srtMax;
    public long artSum;
    public long artCount;
    public long artMax;
    /** The latest SYN's time and tshark's iRTT (latest SYN to the first ACK without SYN), µs; 0 when not known. */
    long lastSynTime = -1;
    long handshakeRtt;

    final boolean[] finSent = new boolean[2];
    boolean closed;
    public int closeType = CloseType.UNKNOWN;

    /** The host's description of this flow's connection (tuple, interface, signal source), made at creation. */
    public io.flowscope.platform.connection.Connection connection;
    /** Cumulative counts at the previous report ({@link FlowReport}), null before the first. */
    long[] reported;
    /** Whether the final report was made (a closed flow lingers after it only to absorb late packets). */
    boolean ended;
    /** Per side: the ACK number that acknowledges its FIN, and whether the other side sent it. */
    final int[] finAck = new int[2];
    final boolean[] finAcked = new boolean[2];

    /** The flow's places in the generator's wheels: by deadline (expiry) and by last activity (eviction). */
    final ExpiryWheel.Node byDeadline = new ExpiryWheel.Node(this);
    final ExpiryWheel.Node byActivity = new ExpiryWheel.Node(this);

    final TcpStream[] streams;
    /** Each direction's sequence analysis (retransmissions, out of order, lost segments, zero windows). */
    final SeqAnalysis[] seq;
    /** State the payload handler keeps for this flow (the L7 session). */
    public Object attachment;

    Flow(FlowKey key, boolean tcp, Reassembly reassembly) {
        this.key = key;
        this.streams = tcp ? new TcpStream[] {new TcpStream(reassembly, this, 0), new TcpStream(reassembly, this, 1)} : null;
        this.seq = tcp ? new SeqAnalysis[] {new SeqAnalysis(), new SeqAnalysis()} : null;
    }

    /** Whether this is a TCP flow. */
    public boolean isTcp() {
        return protocol == 6;
    }

    /** Handshake RTT, µs, or -1. */
    public long rtt() {
        return rttClient >= 0 && rttServer >= 0 ? rttClient + rttServer : -1;
    }

    /** Whether the flow ended (FIN both ways or RST) and only lingers to absorb late packets. */
    public boolean isClosed() {
        return closed;
    }
}
