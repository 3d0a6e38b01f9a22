package io.flowscope.platform.packet;

import io.flowscope.platform.budget.ByteBudget;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Reassembles IPv4 and IPv6 fragments into whole datagrams, within a byte budget, so that transport
 * decoding sees a fragmented datagram as if it had arrived in one piece.
 *
 * <p>Rules (docs/import.md repeats them):
 * <ul>
 * <li>A datagram is keyed by source, destination, identification, protocol, capture interface and VLAN.</li>
 * <li>Overlaps: the bytes that arrived first win; a later fragment adds only what nobody covered yet, so a
 *     duplicate changes nothing (counted as {@code fragment_overlaps}). Linux drops duplicates the same way
 *     but, since 4.19 (and for IPv6 as RFC 5722 asks), discards a datagram whose fragments partly overlap:
 *     a host may therefore have dropped a datagram that Flowscope reassembles.</li>
 * <li>Timeout: a datagram not whole {@code timeoutMicros} (30 s by default, Linux's ipfrag_time) of packet
 *     time after its first fragment is given up ({@code fragment_timeouts}), when the next fragment arrives.</li>
 * <li>Memory: the data held and an estimated overhead per datagram and per piece come out of a budget; to
 *     hold a new piece over it, the oldest incomplete datagram is given up ({@code fragment_budget_evictions}),
 *     and the newcomer itself only when nothing else is held.</li>
 * <li>A datagram reaching past 65,535 bytes is refused with what was held of it
 *     ({@link DecodeError#FRAGMENT_TOO_LARGE}); a fragment other than the last whose data is empty or not a
 *     multiple of 8 bytes, or one past the end the last fragment set, or a second, different last fragment,
 *     is dropped ({@link DecodeError#BAD_FRAGMENT}).</li>
 * </ul>
 *
 * <p>Only fragments allocate (a copy of their data, a key per datagram); the whole datagram is copied into one
 * reused buffer, valid until the next fragment is added, which is as long as a capture buffer's frame is.
 * Used from the pipeline's thread only.
 */
public final class IpFragments {

    /** Bytes all incomplete datagrams of a pipeline may hold together by default: 16 MiB. */
    public static final long DEFAULT_BUDGET = 16L << 20;
    /** Packet time after its first fragment when an incomplete datagram is given up by default: 30 s. */
    public static final long DEFAULT_TIMEOUT_MICROS = 30_000_000L;
    /** The most bytes an IP datagram can have (IPv4 total length; IPv6 payload length without jumbograms). */
    public static final int MAX_DATAGRAM = 65_535;

    /** {@link #add} answer: nothing to decode now (the fragment is held, or was given up and counted). */
    static final int WAITING = -1;
    /** {@link #add} answer: the fragment was refused, see {@link #error()}. */
    static final int FAILED = -2;

    /** What a held datagram costs beyond its data (key, map entry, piece list), estimated. */
    public static final int DATAGRAM_OVERHEAD = 192;
    /** What a held piece costs beyond its data (object, array header, list slot), estimated. */
    public static final int PIECE_OVERHEAD = 40;

    private final ByteBudget budget;
    private final long timeoutMicros;
    /** In order of their first fragment: the head is the oldest. */
    private final LinkedHashMap<Key, Datagram> held = new LinkedHashMap<>();
    private final Key probe = new Key();
    private ByteBuffer whole;
    private DecodeError error;
    private int wireBytes;
    private int headerBytes;
    private long timeouts;
    private long overlaps;
    private long reassembled;

    public IpFragments(long budgetBytes, long timeoutMicros) {
        if (timeoutMicros <= 0) {
            throw new IllegalArgumentException("the fragment timeout must be positive");
        }
        this.budget = new ByteBudget(budgetBytes);
        this.timeoutMicros = timeoutMicros;
    }

    /** The defaults: 16 MiB, 30 s. */
    public static IpFragments defaults() {
        return new IpFragments(DEFAULT_BUDGET, DEFAULT_TIMEOUT_MICROS);
    }

    /**
     * Adds one fragment whose addresses, protocol, interface, VLAN, time and wire length are in {@code m}.
     *
     * @param id       the IP identification
     * @param data     first byte of the fragment's data (after the IP header, or after the IPv6 fragment header)
     * @param length   bytes of data, all captured
     * @param offset   where the data goes in the datagram
     * @param more     the more-fragments flag
     * @param maxData  the most data the datagram may have (65,535 less the headers that are not fragmented)
     * @param header   bytes of IP header before the data, kept from the first fragment for the datagram's length
     * @return the datagram's data length once it is whole (its bytes at 0 of {@link #buffer()}), {@link #WAITING}
     *         or {@link #FAILED}
     */
    int add(MetaPacket m, long id, ByteBuffer b, int data, int length, int offset, boolean more, int maxData, int header) {
        expire(m.tsMicros);
        probe.set(m, id);
        Datagram d = held.get(probe);
        int end = offset + length;
        if (end > maxData) {
            if (d != null) {
                drop(d);
            }
            return fail(DecodeError.FRAGMENT_TOO_LARGE);
        }
        if (more ? length == 0 || (length & 7) != 0 || d != null && d.end >= 0 && end > d.end
                : d != null && (d.end >= 0 && d.end != end || d.reach > end)) {
            return fail(DecodeError.BAD_FRAGMENT);
        }
        if (d == null) {
            if (!makeRoom(DATAGRAM_OVERHEAD, null)) {
                budget.evicted();
                return WAITING;
            }
            d = new Datagram(probe.copy(), m.tsMicros);
            held.put(d.key, d);
        }
        if (!more) {
            d.end = end;
        }
        d.reach = Math.max(d.reach, end);
        d.wireBytes += m.wireLen;
        if (offset == 0) {
            d.header = header;
        }
        if (!insert(d, b, data, offset, end)) {
            drop(d);
            budget.evicted();
            return WAITING;
        }
        if (d.end < 0 || d.bytes < d.end) {
            return WAITING;
        }
        return assemble(d);
    }

    /** The reassembled datagram's data, from 0; valid until the next {@link #add}. */
    ByteBuffer buffer() {
        return whole;
    }

    /** Wire bytes of all the frames that carried the last reassembled datagram. */
    int wireBytes() {
        return wireBytes;
    }

    /** IP header bytes of the last reassembled datagram's first fragment. */
    int headerBytes() {
        return headerBytes;
    }

    DecodeError error() {
        return error;
    }

    /** The bytes held, their peak, and datagrams given up for the budget. */
    public ByteBudget budget() {
        return budget;
    }

    /** Incomplete datagrams given up at their timeout. */
    public long timeouts() {
        return timeouts;
    }

    /** Fragments that overlapped bytes already held (the first bytes were kept). */
    public long overlaps() {
        return overlaps;
    }

    /** Datagrams made whole. */
    public long reassembled() {
        return reassembled;
    }

    /** Incomplete datagrams held now. */
    public int incomplete() {
        return held.size();
    }

    private int fail(DecodeError e) {
        error = e;
        return FAILED;
    }

    private void expire(long now) {
        Iterator<Datagram> it = held.values().iterator();
        while (it.hasNext()) {
            Datagram d = it.next();
            if (now - d.firstSeen <= timeoutMicros) {
                return;
            }
            it.remove();
            budget.release(d.cost);
            timeouts++;
        }
    }

    /** Reserves {@code bytes}, giving up the oldest datagrams other than {@code keep} while they do not fit. */
    private boolean makeRoom(int bytes, Datagram keep) {
        while (!budget.reserve(bytes)) {
            Iterator<Datagram> it = held.values().iterator();
            Datagram oldest = it.hasNext() ? it.next() : null;
            if (oldest == keep) {
                oldest = it.hasNext() ? it.next() : null;
            }
            if (oldest == null) {
                return false;
            }
            drop(oldest);
            budget.evicted();
        }
        return true;
    }

    private void drop(Datagram d) {
        held.remove(d.key);
        budget.release(d.cost);
    }

    /** Adds the parts of [start, end) that no piece covers yet (the first bytes win); false when the budget has no room. */
    private boolean insert(Datagram d, ByteBuffer b, int data, int start, int end) {
        ArrayList<Piece> pieces = d.pieces;
        int i = firstEndingAfter(pieces, start);
        int cursor = start;
        boolean overlapped = false;
        while (cursor < end) {
            Piece next = i < pieces.size() ? pieces.get(i) : null;
            int gapEnd = next == null ? end : Math.min(end, next.start);
            if (gapEnd > cursor) {
                int n = gapEnd - cursor;
                if (!makeRoom(n + PIECE_OVERHEAD, d)) {
                    return false;
                }
                byte[] copy = new byte[n];
                b.get(data + cursor - start, copy, 0, n);
                pieces.add(i++, new Piece(cursor, copy));
                d.bytes += n;
                d.cost += n + PIECE_OVERHEAD;
            }
            if (next == null || next.start >= end) {
                break;
            }
            overlapped = true;
            cursor = Math.max(cursor, next.end());
            i++;
        }
        if (overlapped) {
            overlaps++;
        }
        return true;
    }

    /** Index of the first piece that ends after {@code offset} (pieces do not overlap, so their ends are sorted too). */
    private static int firstEndingAfter(ArrayList<Piece> pieces, int offset) {
        int lo = 0;
        int hi = pieces.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (pieces.get(mid).end() <= offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int assemble(Datagram d) {
        if (whole == null) {
            whole = ByteBuffer.allocate(MAX_DATAGRAM);
        }
        for (Piece p : d.pieces) {
            whole.put(p.start, p.data);
        }
        drop(d);
        wireBytes = d.wireBytes;
        headerBytes = d.header;
        reassembled++;
        return d.end;
    }

    /** A run of bytes held, at its offset in the datagram. */
    private record Piece(int start, byte[] data) {
        int end() {
            return start + data.length;
        }
    }

    private static final class Datagram {
        final Key key;
        final long firstSeen;
        /** Pieces sorted by offset, never overlapping. */
        final ArrayList<Piece> pieces = new ArrayList<>(4);
        /** The datagram's data length, once the last fragment said it; -1 before. */
        int end = -1;
        /** The furthest byte any fragment reached. */
        int reach;
        int bytes;
        int cost = DATAGRAM_OVERHEAD;
        int wireBytes;
        int header;

        Datagram(Key key, long firstSeen) {
            this.key = key;
            this.firstSeen = firstSeen;
        }
    }

    /** Source, destination, identification, protocol, interface, VLAN; mutable so that one probe serves every lookup. */
    private static final class Key {
        boolean ipv4;
        long srcHi;
        long srcLo;
        long dstHi;
        long dstLo;
        long id;
        int protocol;
        int interfaceId;
        int vlan;
        /** The tunnels a fragment came through (an inner packet's fragments are another tunnel's datagram). */
        long tunnel0;
        long tunnel1;

        void set(MetaPacket m, long id) {
            ipv4 = m.ipv4;
            srcHi = m.srcHi;
            srcLo = m.srcLo;
            dstHi = m.dstHi;
            dstLo = m.dstLo;
            this.id = id;
            protocol = m.protocol;
            interfaceId = m.interfaceId;
            vlan = m.vlan;
            tunnel0 = m.tunnelKey0;
            tunnel1 = m.tunnelKey1;
        }

        Key copy() {
            Key k = new Key();
            k.ipv4 = ipv4;
            k.srcHi = srcHi;
            k.srcLo = srcLo;
            k.dstHi = dstHi;
            k.dstLo = dstLo;
            k.id = id;
            k.protocol = protocol;
            k.interfaceId = interfaceId;
            k.vlan = vlan;
            k.tunnel0 = tunnel0;
            k.tunnel1 = tunnel1;
            return k;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && ipv4 == k.ipv4 && srcHi == k.srcHi && srcLo == k.srcLo && dstHi == k.dstHi
                    && dstLo == k.dstLo && id == k.id && protocol == k.protocol && interfaceId == k.interfaceId && vlan == k.vlan
                    && tunnel0 == k.tunnel0 && tunnel1 == k.tunnel1;
        }

        @Override
        public int hashCode() {
            long h = srcLo * 31 + dstLo;
            h = h * 31 + srcHi;
            h = h * 31 + dstHi;
            h = h * 31 + id;
            h = h * 31 + protocol;
            h = h * 31 + interfaceId;
            h = h * 31 + vlan;
            h = h * 31 + tunnel0 + tunnel1 * 17;
            return Long.hashCode(h * 0x9e3779b97f4a7c15L);
        }
    }
}
