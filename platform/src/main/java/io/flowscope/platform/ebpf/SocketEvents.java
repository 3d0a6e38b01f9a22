package io.flowscope.platform.ebpf;

import io.flowscope.platform.connection.Connection;
import io.flowscope.platform.ebpf.SocketTraceLayout.Header;
import io.flowscope.platform.ebpf.SocketTraceLayout.Socket;
import io.flowscope.platform.pipeline.SocketInput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * Socket events from the socket-trace program made into connections of a pipeline's {@link SocketInput}.
 *
 * <p>A connection is keyed by its network namespace, transport and both ends. The first traced socket of a
 * connection is its <em>observer</em>: its reads and writes are the connection's two directions. When the
 * other end is on this host too (loopback, or two namespaces' veth … seen from one kernel), its socket is
 * traced as well and carries the same bytes: it is the <em>peer</em>, and only tells which process is at its
 * end, so each request is one row with both processes. Which end is the client: the socket's role when the
 * program saw connect() or accept(); for a socket older than the probe, the end with the lower port is the
 * server (TCP), or the sender of the first datagram is the client (UDP). Byte sequence numbers show what
 * the kernel could not hand over: a jump is a gap, so the parser resynchronises instead of misreading.
 * A stream peer, once known, is muted in the kernel ({@link PeerMuting}): its bytes are not copied or sent again.
 * Called on the pipeline's thread only.
 */
final class SocketEvents {

    /** Tells the program which sockets' data is not needed (the peers), and when that ends. */
    interface PeerMuting {
        PeerMuting NONE = new PeerMuting() {
            @Override
            public boolean mute(long socketId) {
                return false;
            }

            @Override
            public void unmute(long socketId) {
            }
        };

        /** @return whether the program took it */
        boolean mute(long socketId);

        void unmute(long socketId);

        /** A muted peer closed: the program took it out itself. */
        default void closed(long socketId) {
        }
    }

    private static final int AF_INET6 = 10;
    private static final int SOCK_STREAM = 1;

    /** A connection: the input's id for it, its observer, which end the observer is, what comes next each way. */
    private static final class Conn {
        final long inputId;
        final Key key;
        final long observer;
        final int observerSide;
        final long[] nextSeq = {-1, -1};
        long peer;
        boolean peerMuted;
        long lastSeen;

        Conn(long inputId, Key key, long observer, int observerSide) {
            this.inputId = inputId;
            this.key = key;
            this.observer = observer;
            this.observerSide = observerSide;
        }
    }

    /** Both ends in a fixed order, whichever socket saw them. */
    private record Key(long netns, int protocol, long aHi, long aLo, int aPort, long bHi, long bLo, int bPort) {
    }

    /** As long as the pipeline keeps a quiet connection (its socket idle timeout). */
    static final long IDLE_MICROS = 300_000_000L;

    private final SocketInput input;
    private final int capacity;
    private final java.util.function.IntFunction<String> processNames;
    private final PeerMuting muting;
    private long lastSweep;
    private long evictions;
    private final Map<Long, Conn> bySocket = new HashMap<>();
    private final Map<Key, Conn> byEnds = new HashMap<>();
    private final long epochOffsetMicros;
    private long nextInputId = 1;
    private long gaps;
    private long overlaps;

    /** @param capacity connections held at most; over it the longest quiet one ends (counted) */
    SocketEvents(SocketInput input, int capacity) {
        this(input, capacity, pid -> null, PeerMuting.NONE);
    }

    /**
     * @param processNames a process's name by pid (the process table), null when unknown: the event's thread name is used
     * @param muting where a stream peer, once known, is muted
     */
    SocketEvents(SocketInput input, int capacity, java.util.function.IntFunction<String> processNames, PeerMuting muting) {
        this.processNames = processNames;
        this.muting = muting;
        this.input = input;
        this.capacity = capacity;
        // bpf_ktime_get_ns is CLOCK_MONOTONIC, as System.nanoTime is on Linux
        this.epochOffsetMicros = System.currentTimeMillis() * 1000 - System.nanoTime() / 1000;
    }

    /** One socket event (open, data or close) at {@code off}. */
    void event(ByteBuffer raw, int off) {
        ByteBuffer b = raw.order() == ByteOrder.nativeOrder() ? raw : raw.duplicate().order(ByteOrder.nativeOrder());
        int type = b.getInt(off + Header.TYPE);
        long socket = b.getLong(off + Socket.SOCKET_ID);
        long ts = epochMicros(b.getLong(off + Header.TS_NS));
        boolean stream = (b.getShort(off + Socket.SOCK_TYPE) & 0xffff) == SOCK_STREAM;
        // a datagram socket talks to many peers: each peer is a connection of its own
        Conn c = stream ? bySocket.get(socket) : null;
        if (c == null) {
            if (type == SocketTraceLayout.EVENT_CLOSE && stream) {
                return; // a socket we never saw data or a start of
            }
            c = connection(b, off, socket, stream, type, ts);
            if (c == null) {
                return;
            }
        }
        c.lastSeen = ts;
        sweep(ts);
        if (c.observer != socket) {
            if (type == SocketTraceLayout.EVENT_CLOSE && bySocket.remove(socket) != null && c.peerMuted) {
                muting.closed(socket);
            }
            return; // the peer's bytes are the observer's
        }
        switch (type) {
            case SocketTraceLayout.EVENT_DATA -> data(c, b, off, ts);
            case SocketTraceLayout.EVENT_CLOSE -> close(c, ts);
            default -> { }
        }
    }

    private void data(Conn c, ByteBuffer b, int off, long ts) {
        int direction = b.get(off + Socket.DIRECTION);
        int side = direction == 0 ? c.observerSide : 1 - c.observerSide; // egress: from the observer's end
        long seq = b.getLong(off + Socket.SEQ);
        int length = b.getInt(off + Socket.LENGTH);
        int captured = b.getInt(off + Socket.CAPTURED);
        long expected = c.nextSeq[direction];
        if (expected >= 0 && seq > expected) {
            gaps++;
            input.gap(c.inputId, side, seq - expected);
        } else if (expected >= 0 && seq < expected) {
            overlaps++;
            return;
        }
        c.nextSeq[direction] = seq + length;
        input.data(c.inputId, side, b, off + Socket.BYTES, captured, length, ts);
    }

    private void close(Conn c, long ts) {
        input.close(c.inputId, ts);
        forget(c);
    }

    private void forget(Conn c) {
        bySocket.remove(c.observer);
        if (c.peer != 0 && bySocket.remove(c.peer) != null && c.peerMuted) {
            muting.unmute(c.peer); // a peer that closed was taken out by the program
        }
        byEnds.remove(c.key);
    }

    /**
     * About once a second of event time: connections quiet for {@link #IDLE_MICROS} are forgotten (a datagram
     * socket's peers, sockets whose close was missed), and over the capacity the quietest go, counted.
     */
    private void sweep(long now) {
        if (now - lastSweep < 1_000_000L && byEnds.size() <= capacity) {
            return;
        }
        lastSweep = now;
        java.util.List<Conn> quiet = new java.util.ArrayList<>();
        for (Conn c : byEnds.values()) {
            if (now - c.lastSeen >= IDLE_MICROS) {
                quiet.add(c);
            }
        }
        quiet.forEach(this::forget); // the pipeline ends them as idle on its own clock
        if (byEnds.size() > capacity) {
            java.util.List<Conn> all = new java.util.ArrayList<>(byEnds.values());
            all.sort(java.util.Comparator.comparingLong(c -> c.lastSeen));
            for (int i = 0; i < all.size() - capacity * 9 / 10; i++) {
                input.close(all.get(i).inputId, now);
                forget(all.get(i));
                evictions++;
            }
        }
    }

    /** Connections ended early to stay within the capacity. */
    long evictions() {
        return evictions;
    }

    /** The connection a socket's event belongs to: a new one, or one whose other end was seen first. */
    private Conn connection(ByteBuffer b, int off, long socket, boolean stream, int type, long ts) {
        int family = b.getShort(off + Socket.FAMILY) & 0xffff;
        long[] local = address(b, off + Socket.LOCAL_ADDR, family);
        long[] remote = address(b, off + Socket.REMOTE_ADDR, family);
        boolean v4 = local[2] == 1 && remote[2] == 1;
        int lport = b.getShort(off + Socket.LOCAL_PORT) & 0xffff;
        int rport = b.getShort(off + Socket.REMOTE_PORT) & 0xffff;
        long netns = b.getInt(off + Socket.NETNS) & 0xffffffffL;
        int protocol = stream ? 6 : 17;
        boolean localFirst = compare(local, lport, remote, rport) <= 0;
        Key key = localFirst
                ? new Key(netns, protocol, local[0], local[1], lport, remote[0], remote[1], rport)
                : new Key(netns, protocol, remote[0], remote[1], rport, local[0], local[1], lport);
        int pid = b.getInt(off + Header.PID);
        int tid = b.getInt(off + Header.TID);
        // the process's name, not the thread's (a program's network thread, e.g. dig's isc-net-0000, makes the call)
        String name = processNames.apply(pid);
        String comm = name != null ? name : SocketTraceLayout.string(b, off + Header.COMM, SocketTraceLayout.COMM_LEN);
        Conn existing = byEnds.get(key);
        if (existing != null) {
            if (!stream) {
                if (existing.peer == 0 && socket != existing.observer) {
                    // the other end's datagram socket, seen once: it names the process at that end
                    existing.peer = socket;
                    input.process(existing.inputId, 1 - existing.observerSide, pid, tid, comm);
                }
                return existing;
            }
            // the other end's socket: its process is the one at the observer's remote end, its bytes the observer's
            existing.peer = socket;
            bySocket.put(socket, existing);
            input.process(existing.inputId, 1 - existing.observerSide, pid, tid, comm);
            existing.peerMuted = type != SocketTraceLayout.EVENT_CLOSE && muting.mute(socket);
            return existing;
        }
        if (type == SocketTraceLayout.EVENT_CLOSE) {
            return null;
        }
        int localSide = localSide(b.get(off + Socket.ROLE), stream, type, b.get(off + Socket.DIRECTION), lport, rport);
        Connection.Builder builder = Connection.builder(protocol).signalSource(Connection.SIGNAL_EBPF).networkNamespace(netns);
        if (localSide == 0) {
            builder.client(v4, local[0], local[1], lport).server(remote[0], remote[1], rport);
        } else {
            builder.client(v4, remote[0], remote[1], rport).server(local[0], local[1], lport);
        }
        builder.process(localSide, pid, tid, comm);
        Conn c = new Conn(nextInputId++, key, socket, localSide);
        input.open(c.inputId, builder, ts);
        if (stream) {
            bySocket.put(socket, c);
        }
        byEnds.put(key, c);
        return c;
    }

    /** 0 when the traced socket's end is the client, 1 when it is the server. */
    private static int localSide(int role, boolean stream, int type, int direction, int lport, int rport) {
        if (role == 1) {
            return 0;
        }
        if (role == 2) {
            return 1;
        }
        if (!stream) {
            return type == SocketTraceLayout.EVENT_DATA && direction == 1 ? 1 : 0; // the first sender is the client
        }
        return lport < rport ? 1 : 0;
    }

    /** {hi, lo, isIPv4} of an address as the program wrote it; IPv4-mapped IPv6 becomes IPv4. */
    private static long[] address(ByteBuffer b, int at, int family) {
        if (family != AF_INET6) {
            return new long[] {0, ipv4(b, at), 1};
        }
        long hi = b.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(at);
        long lo = b.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(at + 8);
        if (hi == 0 && (lo >>> 32) == 0xffffL) {
            return new long[] {0, lo & 0xffffffffL, 1};
        }
        return new long[] {hi, lo, 0};
    }

    private static long ipv4(ByteBuffer b, int at) {
        return (b.get(at) & 0xffL) << 24 | (b.get(at + 1) & 0xffL) << 16 | (b.get(at + 2) & 0xffL) << 8 | b.get(at + 3) & 0xffL;
    }

    private static int compare(long[] a, int aPort, long[] b, int bPort) {
        int c = Long.compareUnsigned(a[0], b[0]);
        if (c == 0) {
            c = Long.compareUnsigned(a[1], b[1]);
        }
        return c != 0 ? c : Integer.compare(aPort, bPort);
    }

    /** A BPF timestamp (CLOCK_MONOTONIC ns) as µs since the epoch. */
    long epochMicros(long monotonicNanos) {
        return monotonicNanos / 1000 + epochOffsetMicros;
    }

    /** Jumps in a direction's sequence: bytes the ring could not take. */
    long gaps() {
        return gaps;
    }

    long overlaps() {
        return overlaps;
    }

    int connections() {
        return byEnds.size();
    }
}
