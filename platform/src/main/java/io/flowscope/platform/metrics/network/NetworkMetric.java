package io.flowscope.platform.metrics.network;

import java.util.List;

/**
 * The stored metric columns of {@code flow_metrics."network.1s|1m"} and {@code "network_map.1s|1m"}, DeepFlow's
 * names and units (DEEPFLOW-SCHEMA.md §3), in the tables' column order. A row holds them in a {@code long[]}
 * indexed by ordinal. Every one is summed when seconds make a minute, except the {@link Kind#MAX} ones, whose
 * minute is the largest of its seconds: a minute row is its second rows merged, never computed apart.
 * The columns DeepFlow stores as a sum of two others ({@code packet}, {@code byte}, {@code retrans},
 * {@code zero_win}, {@code l7_error}) are not held here: the tables derive them from these.
 */
public enum NetworkMetric {
    PACKET_TX, PACKET_RX, BYTE_TX, BYTE_RX, L3_BYTE_TX, L3_BYTE_RX, L4_BYTE_TX, L4_BYTE_RX,
    NEW_FLOW, CLOSED_FLOW, FLOW_LOAD, SYN_COUNT, SYNACK_COUNT,
    RTT_SUM(Kind.SUM_MICROS), RTT_COUNT, RTT_MAX(Kind.MAX),
    RTT_CLIENT_SUM(Kind.SUM_MICROS), RTT_CLIENT_COUNT, RTT_CLIENT_MAX(Kind.MAX),
    RTT_SERVER_SUM(Kind.SUM_MICROS), RTT_SERVER_COUNT, RTT_SERVER_MAX(Kind.MAX),
    SRT_SUM(Kind.SUM_MICROS), SRT_COUNT, SRT_MAX(Kind.MAX),
    ART_SUM(Kind.SUM_MICROS), ART_COUNT, ART_MAX(Kind.MAX),
    RETRANS_TX, RETRANS_RX, ZERO_WIN_TX, ZERO_WIN_RX, RETRANS_SYN, RETRANS_SYNACK, OOO_TX, OOO_RX,
    CLIENT_RST_FLOW, SERVER_RST_FLOW, SERVER_SYN_MISS, CLIENT_ACK_MISS, CLIENT_HALF_CLOSE_FLOW, SERVER_HALF_CLOSE_FLOW,
    CLIENT_SOURCE_PORT_REUSE, SERVER_RESET, CLIENT_ESTABLISH_OTHER_RST, SERVER_ESTABLISH_OTHER_RST, TCP_TIMEOUT, CLIENT_ESTABLISH_FAIL, SERVER_ESTABLISH_FAIL, TCP_ESTABLISH_FAIL,
    TCP_TRANSFER_FAIL, TCP_RST_FAIL,
    L7_REQUEST, L7_RESPONSE, L7_CLIENT_ERROR, L7_SERVER_ERROR, L7_TIMEOUT;

    /** How seconds make a minute, and how the value is stored. */
    public enum Kind {
        /** A count (packets, bytes, flows …), summed. */
        SUM,
        /** A sum of µs (DeepFlow stores these as Float64), summed. */
        SUM_MICROS,
        /** The largest µs value, the largest of the seconds. */
        MAX
    }

    /** All of them, in order (one array, not one per call). */
    public static final List<NetworkMetric> ALL = List.of(values());
    /** How many there are: the length of a row's values. */
    public static final int COUNT = ALL.size();

    private final Kind kind;

    NetworkMetric() {
        this(Kind.SUM);
    }

    NetworkMetric(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The column's name (DeepFlow's). */
    public String column() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The metric with the other direction, for the single-end table's server rows (there {@code _tx} is what
     * the row's address sent): {@code packet_tx} ↔ {@code packet_rx} …; itself for the rest.
     */
    public NetworkMetric reversed() {
        return switch (this) {
            case PACKET_TX -> PACKET_RX;
            case PACKET_RX -> PACKET_TX;
            case BYTE_TX -> BYTE_RX;
            case BYTE_RX -> BYTE_TX;
            case L3_BYTE_TX -> L3_BYTE_RX;
            case L3_BYTE_RX -> L3_BYTE_TX;
            case L4_BYTE_TX -> L4_BYTE_RX;
            case L4_BYTE_RX -> L4_BYTE_TX;
            case RETRANS_TX -> RETRANS_RX;
            case RETRANS_RX -> RETRANS_TX;
            case ZERO_WIN_TX -> ZERO_WIN_RX;
            case ZERO_WIN_RX -> ZERO_WIN_TX;
            case OOO_TX -> OOO_RX;
            case OOO_RX -> OOO_TX;
            default -> this;
        };
    }

    /** Adds {@code from} into {@code into}, metric by metric (sums added, maxima kept). */
    static void merge(long[] into, long[] from) {
        for (int i = 0; i < COUNT; i++) {
            if (MAXIMA[i]) {
                if (from[i] > into[i]) {
                    into[i] = from[i];
                }
            } else {
                into[i] += from[i];
            }
        }
    }

    /** The same, with {@code from}'s directions swapped (a server end's row of the single-end table). */
    static void mergeReversed(long[] into, long[] from) {
        for (int i = 0; i < COUNT; i++) {
            int j = REVERSED[i];
            if (MAXIMA[i]) {
                if (from[j] > into[i]) {
                    into[i] = from[j];
                }
            } else {
                into[i] += from[j];
            }
        }
    }

    private static final boolean[] MAXIMA = new boolean[COUNT];
    private static final int[] REVERSED = new int[COUNT];

    static {
        for (NetworkMetric m : values()) {
            MAXIMA[m.ordinal()] = m.kind == Kind.MAX;
            REVERSED[m.ordinal()] = m.reversed().ordinal();
        }
    }
}
