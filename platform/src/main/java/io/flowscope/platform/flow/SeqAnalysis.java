package io.flowscope.platform.flow;

/**
 * One direction's TCP sequence analysis, by the rules of Wireshark's {@code tcp.analysis.*} (tshark 4.0), so that
 * Flowscope's retransmission, out-of-order, lost-segment and zero-window counts of a capture equal tshark's on it.
 * Apart from reassembly ({@link TcpStream}): reassembly asks "what bytes come next", this asks "what did the
 * sender do", and the two disagree on purpose (a segment that fills a hole is in order for reassembly, but a
 * retransmission here when it came later than the segments after it).
 *
 * <p>The rules, per segment of this direction ({@code seglen} = payload bytes; "next" = the highest sequence number
 * sent so far plus one, a SYN or FIN taking one):
 * <ul>
 *   <li>zero-window probe: 1 byte at next while the other direction's window is 0 (not a retransmission, does not
 *       move next);</li>
 *   <li>zero window: window field 0 and none of SYN, FIN, RST;</li>
 *   <li>lost segment ("previous segment not captured"): starts beyond next (not RST);</li>
 *   <li>keep-alive: 0 or 1 byte at next − 1, none of SYN, FIN, RST (never a retransmission);</li>
 *   <li>duplicate ACK: no payload, same window (not 0), seq at next and ack as this direction's previous segment;</li>
 *   <li>a segment with payload, SYN or FIN (not a keep-alive) is, in this order: a spurious retransmission when it
 *       has payload and ends at or before what the other direction acknowledged (tshark tests this before the
 *       rest: checked against tshark 4.0.17); then, when it starts before next (and is not more than one byte
 *       from next − 1, new data after a probe): a fast retransmission when the other direction sent 2 or more
 *       duplicate ACKs for its seq and the last of them came less than 20 ms before; out of order when it came less
 *       than the handshake RTT (tshark's iRTT: the latest SYN to the first ACK; 3 ms without one) after the segment
 *       that set next and does not end at next; else a retransmission. Fast, spurious and plain retransmissions are
 *       all {@code tcp.analysis.retransmission}, so all count in retrans.</li>
 * </ul>
 * Sequence comparisons are modulo 2^32. Wireshark stops tracking unacknowledged segments past 10,000 in flight;
 * Flowscope keeps no segment list at all (it needs only next and the ACK state), so the two can differ only in a
 * capture with more than 10,000 segments unacknowledged at once (one direction captured alone).
 */
final class SeqAnalysis {

    static final int RETRANSMISSION = 1;
    static final int OUT_OF_ORDER = 2;
    static final int LOST_SEGMENT = 4;
    static final int ZERO_WINDOW = 8;
    static final int KEEP_ALIVE = 16;
    static final int ZERO_WINDOW_PROBE = 32;
    static final int DUPLICATE_ACK = 64;

    /** tshark's threshold for a fast retransmission after the last duplicate ACK: 20 ms. */
    static final long FAST_RETRANSMISSION_WINDOW = 20_000;
    /** tshark's out-of-order threshold when the handshake RTT is not known: 3 ms. */
    static final long DEFAULT_OUT_OF_ORDER_WINDOW = 3_000;

    private static final int SYN = 0x02;
    private static final int FIN = 0x01;
    private static final int RST = 0x04;

    /** Whether a segment with a sequence number was seen (tshark: nextseq set). */
    private boolean started;
    /** The highest sequence number sent so far plus one, and when the segment that set it came. */
    private int next;
    private long nextTime;
    /** This direction's last ACK number and when it was sent; {@code ackSeen} once any segment carried one. */
    private int lastAck;
    private long lastAckTime;
    /** This direction's last window field; -1 before its first segment (so nothing is a probe before it). */
    private int window = -1;
    /** Duplicate ACKs this direction sent in a row for its last ACK number. */
    private int duplicateAcks;
    /** What the previous segment of this direction was (the bits of this class). */
    private int lastFlags;

    /**
     * Analyses one segment sent in this direction; {@code other} is the opposite direction's state.
     *
     * @param handshakeRtt tshark's iRTT in µs (0 when not known)
     * @return the bits of this class that apply to the segment
     */
    int segment(SeqAnalysis other, int seq, int ack, int seglen, int flags, int win, long ts, long handshakeRtt) {
        boolean synFinRst = (flags & (SYN | FIN | RST)) != 0;
        int result = 0;
        checks:
        {
            if (seglen == 1 && started && seq == next && other.window == 0) {
                result = ZERO_WINDOW_PROBE;
                break checks;
            }
            if (win == 0 && !synFinRst) {
                result |= ZERO_WINDOW;
            }
            if (started && seq - next > 0 && (flags & RST) == 0) {
                result |= LOST_SEGMENT;
            }
            if ((seglen == 0 || seglen == 1) && started && seq == next - 1 && !synFinRst) {
                result |= KEEP_ALIVE;
            }
            boolean repeatsAck = seglen == 0 && win == window && started && seq == next && ack == lastAck && !synFinRst;
            if (repeatsAck && win != 0 && (other.lastFlags & KEEP_ALIVE) != 0) {
                break checks; // the answer to a keep-alive
            }
            if (repeatsAck && win == 0 && (other.lastFlags & ZERO_WINDOW_PROBE) != 0) {
                break checks; // the answer to a zero-window probe
            }
            if (repeatsAck && win != 0) {
                duplicateAcks++;
                result |= DUPLICATE_ACK;
            }
        }
        if (ack != lastAck) {
            duplicateAcks = 0;
        }
        boolean sequenced = seglen > 0 || (flags & (SYN | FIN)) != 0;
        if (sequenced && (result & KEEP_ALIVE) == 0) {
            int synFin = (flags & (SYN | FIN)) != 0 ? 1 : 0;
            // more than one byte from next - 1 is new data after a probe, not old data
            boolean notAdvanced = started && seq - next < 0 && !(seglen > 1 && next - 1 == seq);
            long outOfOrderWindow = handshakeRtt > 0 ? handshakeRtt : DEFAULT_OUT_OF_ORDER_WINDOW;
            if (seglen > 0 && other.lastAck != 0 && seq + seglen - other.lastAck <= 0) {
                result |= RETRANSMISSION; // spurious: all of it was acknowledged already (tshark tests this first)
            } else if (notAdvanced && other.duplicateAcks >= 2 && other.lastAck == seq
                    && ts - other.lastAckTime < FAST_RETRANSMISSION_WINDOW) {
                result |= RETRANSMISSION; // fast retransmission
            } else if (notAdvanced && ts - nextTime >= 0 && ts - nextTime < outOfOrderWindow && next != seq + seglen + synFin) {
                // a segment stamped before the one that advanced the sequence (the capture's times out of order by
                // a microsecond, seen on a veth) is no out-of-order segment for tshark: its elapsed time is unsigned
                result |= OUT_OF_ORDER;
            } else if (notAdvanced) {
                result |= RETRANSMISSION;
            }
        }
        int nextSeq = seq + seglen + (sequenced && (flags & (SYN | FIN)) != 0 ? 1 : 0);
        if ((!started || nextSeq - next > 0) && (result & ZERO_WINDOW_PROBE) == 0) {
            next = nextSeq;
            nextTime = ts;
            started = true;
        }
        window = win;
        lastAck = ack;
        lastAckTime = ts;
        lastFlags = result;
        return result;
    }
}
