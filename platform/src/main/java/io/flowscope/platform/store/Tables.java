package io.flowscope.platform.store;

import static io.flowscope.platform.store.Column.Type.BIGINT;
import static io.flowscope.platform.store.Column.Type.INTEGER;
import static io.flowscope.platform.store.Column.Type.UBIGINT;
import static io.flowscope.platform.store.Column.Type.UINTEGER;
import static io.flowscope.platform.store.Column.Type.USMALLINT;
import static io.flowscope.platform.store.Column.Type.UTINYINT;
import static io.flowscope.platform.store.Column.integer;
import static io.flowscope.platform.store.Column.real;
import static io.flowscope.platform.store.Column.text;
import static io.flowscope.platform.store.Column.time;

import io.flowscope.api.L7Message;
import io.flowscope.platform.connection.Connection;
import io.flowscope.platform.ebpf.ProcessEvent;
import io.flowscope.platform.flow.FlowReport;
import io.flowscope.platform.flow.TunnelInfo;
import io.flowscope.platform.l7.L7Record;
import io.flowscope.platform.metrics.network.EdgeKey;
import io.flowscope.platform.metrics.network.EndpointKey;
import io.flowscope.platform.metrics.network.NetworkMapRow;
import io.flowscope.platform.metrics.network.NetworkMetric;
import io.flowscope.platform.metrics.network.NetworkRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.ToLongBiFunction;

/**
 * The flow_log tables, each column declared once: DeepFlow's names and units (docs/data-model.md
 * documents every column). The order here is the table's column order and the writers' append order;
 * a column added later goes at the end, marked {@link Column#addedLater()}.
 */
final class Tables {

    private Tables() {
    }

    static final String L4_NAME = "l4_flow_log";
    static final String L7_NAME = "l7_flow_log";
    /** In the {@code event} schema, as DeepFlow keeps its events apart from its flow logs. */
    static final String PROC_EVENT_NAME = "proc_event";

    /** DeepFlow's database of metric tables; its table names have a dot and are quoted in SQL. */
    static final String METRICS_SCHEMA = "flow_metrics";
    static final String NETWORK_MAP_1S = "network_map.1s";
    static final String NETWORK_MAP_1M = "network_map.1m";
    static final String NETWORK_1S = "network.1s";
    static final String NETWORK_1M = "network.1m";

    /** l4_flow_log: one row per flow report. */
    static final List<Column<FlowReport>> L4 = l4();

    private static List<Column<FlowReport>> l4() {
        List<Column<FlowReport>> c = new ArrayList<>();
        c.add(time("time", r -> r.endTime / 1_000_000 * 1_000_000));
        c.add(time("start_time", r -> r.startTime));
        c.add(time("end_time", r -> r.endTime));
        c.add(integer("duration", UBIGINT, r -> r.endTime - r.startTime));
        c.add(integer("flow_id", UBIGINT, FlowReport::flowId).required());
        c.add(integer("signal_source", USMALLINT, r -> r.connection.signalSource()));
        c.add(integer("capture_nic", UINTEGER, r -> r.connection.interfaceId()));
        c.add(integer("mac_0", UBIGINT, r -> r.mac0));
        c.add(integer("mac_1", UBIGINT, r -> r.mac1));
        c.add(integer("eth_type", USMALLINT, r -> r.ethType));
        c.add(integer("vlan", USMALLINT, r -> r.vlan));
        addresses(c, r -> r.connection);
        c.add(integer("tcp_flags_bit_0", USMALLINT, r -> r.tcpFlags0));
        c.add(integer("tcp_flags_bit_1", USMALLINT, r -> r.tcpFlags1));
        count(c, "syn_count", UINTEGER, FlowReport.SYN);
        count(c, "synack_count", UINTEGER, FlowReport.SYNACK);
        count(c, "fin_count", UINTEGER, FlowReport.FIN);
        count(c, "packet_tx", UBIGINT, FlowReport.PACKET_TX);
        count(c, "packet_rx", UBIGINT, FlowReport.PACKET_RX);
        count(c, "byte_tx", UBIGINT, FlowReport.BYTE_TX);
        count(c, "byte_rx", UBIGINT, FlowReport.BYTE_RX);
        count(c, "l3_byte_tx", UBIGINT, FlowReport.L3_BYTE_TX);
        count(c, "l3_byte_rx", UBIGINT, FlowReport.L3_BYTE_RX);
        count(c, "l4_byte_tx", UBIGINT, FlowReport.L4_BYTE_TX);
        count(c, "l4_byte_rx", UBIGINT, FlowReport.L4_BYTE_RX);
        c.add(real("rtt", r -> micros(r.rtt)));
        c.add(real("rtt_client", r -> micros(r.rttClient)));
        c.add(real("rtt_server", r -> micros(r.rttServer)));
        c.add(real("srt_sum", r -> r.count(FlowReport.SRT_SUM)));
        count(c, "srt_count", UBIGINT, FlowReport.SRT_COUNT);
        c.add(integer("srt_max", UINTEGER, r -> Math.min(r.srtMax, 0xffffffffL)));
        count(c, "retrans_tx", UINTEGER, FlowReport.RETRANS_TX);
        count(c, "retrans_rx", UINTEGER, FlowReport.RETRANS_RX);
        count(c, "zero_win_tx", UINTEGER, FlowReport.ZERO_WIN_TX);
        count(c, "zero_win_rx", UINTEGER, FlowReport.ZERO_WIN_RX);
        count(c, "ooo_tx", UINTEGER, FlowReport.OOO_TX);
        count(c, "ooo_rx", UINTEGER, FlowReport.OOO_RX);
        c.add(integer("close_type", USMALLINT, r -> r.closeType));
        c.add(integer("status", UTINYINT, r -> r.status));
        c.add(integer("is_new_flow", UTINYINT, r -> r.newFlow ? 1 : 0));
        c.add(integer("direction_score", UTINYINT, r -> r.directionScore));
        c.add(integer("l7_protocol", UTINYINT, r -> r.l7Protocol));
        c.add(text("request_domain", r -> r.requestDomain));
        count(c, "l7_request", UINTEGER, FlowReport.L7_REQUEST);
        count(c, "l7_response", UINTEGER, FlowReport.L7_RESPONSE);
        count(c, "l7_parse_failed", UINTEGER, FlowReport.L7_PARSE_FAILED);
        count(c, "l7_client_error", UINTEGER, FlowReport.L7_CLIENT_ERROR);
        count(c, "l7_server_error", UINTEGER, FlowReport.L7_SERVER_ERROR);
        count(c, "l7_server_timeout", UINTEGER, FlowReport.L7_TIMEOUT);
        c.add(integer("l7_error", UINTEGER,
                r -> r.count(FlowReport.L7_CLIENT_ERROR) + r.count(FlowReport.L7_SERVER_ERROR)));
        tunnel(c);
        tcpDepth(c);
        return List.copyOf(c);
    }

    /**
     * TCP metrics added with issue 12: DeepFlow's ART and SYN repeats; Flowscope's own lost segments (tshark's
     * "previous segment not captured") and the MSS and window scale of each side's SYN (NULL when none was seen).
     */
    private static void tcpDepth(List<Column<FlowReport>> c) {
        c.add(real("art_sum", (FlowReport r) -> r.count(FlowReport.ART_SUM)).addedLater());
        c.add(integer("art_count", UBIGINT, (FlowReport r) -> r.count(FlowReport.ART_COUNT)).addedLater());
        c.add(integer("art_max", UINTEGER, (FlowReport r) -> Math.min(r.artMax, 0xffffffffL)).addedLater());
        c.add(integer("retrans_syn", UINTEGER, (FlowReport r) -> r.count(FlowReport.RETRANS_SYN)).addedLater());
        c.add(integer("retrans_synack", UINTEGER, (FlowReport r) -> r.count(FlowReport.RETRANS_SYNACK)).addedLater());
        c.add(integer("lost_tx", UINTEGER, (FlowReport r) -> r.count(FlowReport.LOST_TX)).addedLater());
        c.add(integer("lost_rx", UINTEGER, (FlowReport r) -> r.count(FlowReport.LOST_RX)).addedLater());
        c.add(integer("mss_0", USMALLINT, (FlowReport r) -> r.mss0 == 0 ? Column.NULL : r.mss0).addedLater());
        c.add(integer("mss_1", USMALLINT, (FlowReport r) -> r.mss1 == 0 ? Column.NULL : r.mss1).addedLater());
        c.add(integer("win_scale_0", UTINYINT, (FlowReport r) -> r.windowScale0 < 0 ? Column.NULL : r.windowScale0).addedLater());
        c.add(integer("win_scale_1", UTINYINT, (FlowReport r) -> r.windowScale1 < 0 ? Column.NULL : r.windowScale1).addedLater());
    }

    /**
     * DeepFlow's tunnel columns: the levels taken off and the outermost tunnel's type (0 without a tunnel), and
     * per direction (tx: the client's packets, rx: the server's) its id and outer addresses and MACs, NULL
     * without a tunnel or before a packet went that way. MACs are their low 32 bits, as DeepFlow keeps them.
     */
    private static void tunnel(List<Column<FlowReport>> c) {
        c.add(integer("tunnel_tier", UTINYINT, (FlowReport r) -> r.tunnel == null ? 0 : r.tunnel.tier()).addedLater());
        c.add(integer("tunnel_type", USMALLINT, (FlowReport r) -> r.tunnel == null ? 0 : r.tunnel.type()).addedLater());
        c.add(integer("tunnel_tx_id", UINTEGER, (FlowReport r) -> tunnelId(r, 0)).addedLater());
        c.add(integer("tunnel_rx_id", UINTEGER, (FlowReport r) -> tunnelId(r, 1)).addedLater());
        c.add(integer("tunnel_tx_ip4_0", UINTEGER, (FlowReport r) -> tunnelIp4(r, 0, 0)).addedLater());
        c.add(integer("tunnel_tx_ip4_1", UINTEGER, (FlowReport r) -> tunnelIp4(r, 0, 1)).addedLater());
        c.add(integer("tunnel_rx_ip4_0", UINTEGER, (FlowReport r) -> tunnelIp4(r, 1, 0)).addedLater());
        c.add(integer("tunnel_rx_ip4_1", UINTEGER, (FlowReport r) -> tunnelIp4(r, 1, 1)).addedLater());
        c.add(text("tunnel_tx_ip6_0", (FlowReport r) -> tunnelIp6(r, 0, 0)).addedLater());
        c.add(text("tunnel_tx_ip6_1", (FlowReport r) -> tunnelIp6(r, 0, 1)).addedLater());
        c.add(text("tunnel_rx_ip6_0", (FlowReport r) -> tunnelIp6(r, 1, 0)).addedLater());
        c.add(text("tunnel_rx_ip6_1", (FlowReport r) -> tunnelIp6(r, 1, 1)).addedLater());
        c.add(integer("tunnel_is_ipv4", UTINYINT, (FlowReport r) -> r.tunnel == null ? Column.NULL
                : r.tunnel.ipv4() ? 1 : 0).addedLater());
        c.add(integer("tunnel_tx_mac_0", UINTEGER, (FlowReport r) -> tunnelMac(r, 0, 0)).addedLater());
        c.add(integer("tunnel_tx_mac_1", UINTEGER, (FlowReport r) -> tunnelMac(r, 0, 1)).addedLater());
        c.add(integer("tunnel_rx_mac_0", UINTEGER, (FlowReport r) -> tunnelMac(r, 1, 0)).addedLater());
        c.add(integer("tunnel_rx_mac_1", UINTEGER, (FlowReport r) -> tunnelMac(r, 1, 1)).addedLater());
    }

    /** One way of the report's tunnel (0 tx: the client's packets, 1 rx: the server's), or null. */
    private static TunnelInfo.Side tunnelSide(FlowReport r, int side) {
        return r.tunnel == null ? null : r.tunnel.side(side);
    }

    private static long tunnelId(FlowReport r, int side) {
        TunnelInfo.Side t = tunnelSide(r, side);
        return t == null ? Column.NULL : t.id();
    }

    /** The outer source ({@code end} 0) or destination (1) IPv4 address of one way, NULL for an IPv6 tunnel. */
    private static long tunnelIp4(FlowReport r, int side, int end) {
        TunnelInfo.Side t = tunnelSide(r, side);
        return t == null || !r.tunnel.ipv4() ? Column.NULL : end == 0 ? t.ip0Lo() : t.ip1Lo();
    }

    private static String tunnelIp6(FlowReport r, int side, int end) {
        TunnelInfo.Side t = tunnelSide(r, side);
        return t == null || r.tunnel.ipv4() ? null : end == 0 ? Addresses.ipv6(t.ip0Hi(), t.ip0Lo()) : Addresses.ipv6(t.ip1Hi(), t.ip1Lo());
    }

    private static long tunnelMac(FlowReport r, int side, int end) {
        TunnelInfo.Side t = tunnelSide(r, side);
        return t == null ? Column.NULL : (end == 0 ? t.mac0() : t.mac1()) & 0xffffffffL;
    }

    /**
     * flow_metrics."network_map.1s" and "network_map.1m" (the same columns): one row per client → server edge per
     * bucket. {@code time} is the bucket's start.
     */
    static final List<Column<NetworkMapRow>> NETWORK_MAP = networkMap();
    /** flow_metrics."network.1s" and "network.1m": one row per address and role per bucket. */
    static final List<Column<NetworkRow>> NETWORK = network();

    private static List<Column<NetworkMapRow>> networkMap() {
        List<Column<NetworkMapRow>> c = new ArrayList<>();
        c.add(time("time", NetworkMapRow::timeMicros));
        c.add(integer("signal_source", USMALLINT, (NetworkMapRow r) -> r.key().signalSource));
        c.add(integer("capture_nic", UINTEGER, (NetworkMapRow r) -> r.key().captureNic));
        c.add(integer("tunnel_type", UTINYINT, (NetworkMapRow r) -> r.key().tunnelType));
        c.add(integer("is_ipv4", UTINYINT, (NetworkMapRow r) -> r.key().ipv4 ? 1 : 0));
        c.add(integer("ip4_0", UINTEGER, (NetworkMapRow r) -> r.key().ipv4 ? r.key().ip0Lo : Column.NULL));
        c.add(integer("ip4_1", UINTEGER, (NetworkMapRow r) -> r.key().ipv4 ? r.key().ip1Lo : Column.NULL));
        c.add(text("ip6_0", (NetworkMapRow r) -> ip6(r.key(), 0)));
        c.add(text("ip6_1", (NetworkMapRow r) -> ip6(r.key(), 1)));
        c.add(integer("protocol", UTINYINT, (NetworkMapRow r) -> r.key().protocol));
        c.add(integer("server_port", USMALLINT, (NetworkMapRow r) -> r.key().serverPort));
        metrics(c, (NetworkMapRow r, NetworkMetric m) -> r.values()[m.ordinal()]);
        return List.copyOf(c);
    }

    private static List<Column<NetworkRow>> network() {
        List<Column<NetworkRow>> c = new ArrayList<>();
        c.add(time("time", NetworkRow::timeMicros));
        c.add(integer("signal_source", USMALLINT, (NetworkRow r) -> r.key().signalSource()));
        c.add(integer("is_ipv4", UTINYINT, (NetworkRow r) -> r.key().ipv4() ? 1 : 0));
        c.add(integer("ip4", UINTEGER, (NetworkRow r) -> r.key().ipv4() ? r.key().ipLo() : Column.NULL));
        c.add(text("ip6", (NetworkRow r) -> ip6(r.key())));
        c.add(integer("role", UTINYINT, (NetworkRow r) -> r.key().role()));
        c.add(integer("protocol", UTINYINT, (NetworkRow r) -> r.key().protocol()));
        c.add(integer("server_port", USMALLINT, (NetworkRow r) -> r.key().serverPort()));
        metrics(c, (NetworkRow r, NetworkMetric m) -> r.values()[m.ordinal()]);
        return List.copyOf(c);
    }

    /**
     * The metric columns, in {@link NetworkMetric}'s order, with DeepFlow's stored sums of two
     * ({@code packet}, {@code byte}, {@code retrans}, {@code zero_win}, {@code l7_error}) after their parts.
     */
    private static <T> void metrics(List<Column<T>> c, ToLongBiFunction<T, NetworkMetric> value) {
        for (NetworkMetric m : NetworkMetric.ALL) {
            switch (m.kind()) {
                case SUM -> c.add(integer(m.column(), UBIGINT, (T r) -> value.applyAsLong(r, m)));
                case SUM_MICROS -> c.add(real(m.column(), (T r) -> (double) value.applyAsLong(r, m)));
                case MAX -> c.add(integer(m.column(), UINTEGER, (T r) -> Math.min(value.applyAsLong(r, m), 0xffffffffL)));
            }
            switch (m) {
                case PACKET_RX -> sum(c, "packet", value, NetworkMetric.PACKET_TX, NetworkMetric.PACKET_RX);
                case BYTE_RX -> sum(c, "byte", value, NetworkMetric.BYTE_TX, NetworkMetric.BYTE_RX);
                case RETRANS_RX -> sum(c, "retrans", value, NetworkMetric.RETRANS_TX, NetworkMetric.RETRANS_RX);
                case ZERO_WIN_RX -> sum(c, "zero_win", value, NetworkMetric.ZERO_WIN_TX, NetworkMetric.ZERO_WIN_RX);
                case L7_TIMEOUT -> sum(c, "l7_error", value, NetworkMetric.L7_CLIENT_ERROR, NetworkMetric.L7_SERVER_ERROR);
                default -> {
                }
            }
        }
    }

    private static <T> void sum(List<Column<T>> c, String name, ToLongBiFunction<T, NetworkMetric> value,
                                NetworkMetric a, NetworkMetric b) {
        c.add(integer(name, UBIGINT, (T r) -> value.applyAsLong(r, a) + value.applyAsLong(r, b)));
    }

    private static String ip6(EdgeKey k, int side) {
        return k.ipv4 ? null : side == 0 ? Addresses.ipv6(k.ip0Hi, k.ip0Lo) : Addresses.ipv6(k.ip1Hi, k.ip1Lo);
    }

    private static String ip6(EndpointKey k) {
        return k.ipv4() ? null : Addresses.ipv6(k.ipHi(), k.ipLo());
    }

    /** l7_flow_log: one row per request/response pair or lone message; {@code ids} gives each its {@code _id}. */
    static List<Column<L7Record>> l7(LongSupplier ids) {
        List<Column<L7Record>> c = new ArrayList<>();
        c.add(integer("_id", UBIGINT, (L7Record r) -> ids.getAsLong()).required());
        c.add(time("time", r -> r.endTime() / 1_000_000 * 1_000_000));
        c.add(time("start_time", L7Record::startTime));
        c.add(time("end_time", L7Record::endTime));
        c.add(integer("flow_id", UBIGINT, (L7Record r) -> r.connection.id()).required());
        c.add(integer("signal_source", USMALLINT, r -> r.connection.signalSource()));
        c.add(integer("capture_nic", UINTEGER, r -> r.connection.interfaceId()));
        addresses(c, r -> r.connection);
        c.add(integer("l7_protocol", UTINYINT, r -> r.l7Protocol));
        c.add(text("l7_protocol_str", r -> r.protocolId));
        c.add(text("version", r -> r.requestSide().version()));
        c.add(integer("type", UTINYINT, r -> r.type.code()));
        c.add(text("request_type", r -> r.request != null ? r.request.operation() : null));
        c.add(text("request_domain", r -> r.request != null ? r.request.domain() : null));
        c.add(text("request_resource", r -> r.request != null ? r.request.resource() : null));
        c.add(text("endpoint", r -> r.request != null ? r.request.endpoint() : null));
        c.add(integer("request_id", UBIGINT,
                r -> r.requestSide().streamId() != L7Message.NO_STREAM ? r.requestSide().streamId() : Column.NULL));
        c.add(integer("response_status", UTINYINT, r -> r.status.code()));
        c.add(integer("response_code", INTEGER,
                r -> r.response != null && r.response.hasStatusCode() ? r.response.statusCode() : Column.NULL));
        c.add(text("response_exception", r -> r.response != null ? r.response.exception() : r.request.exception()));
        c.add(integer("response_duration", UBIGINT, r -> r.duration() >= 0 ? r.duration() : Column.NULL));
        c.add(integer("request_length", BIGINT, r -> r.request != null ? r.request.bytes() : Column.NULL));
        c.add(integer("response_length", BIGINT,
                r -> r.response != null && r.response != r.request ? r.response.bytes() : Column.NULL));
        c.add(text("trace_id", r -> first(r, L7Message::traceId)));
        c.add(text("span_id", r -> first(r, L7Message::spanId)));
        c.add(text("attributes", Tables::attributes));
        // eBPF: the process at each end whose socket was traced (both, when both ends are on this host);
        // in this order: existing tables got them in it
        c.add(integer("process_id_0", INTEGER, (L7Record r) -> orNull(r.connection.processId(0))).addedLater());
        c.add(integer("process_id_1", INTEGER, (L7Record r) -> orNull(r.connection.processId(1))).addedLater());
        c.add(text("process_kname_0", (L7Record r) -> r.connection.processName(0)).addedLater());
        c.add(text("process_kname_1", (L7Record r) -> r.connection.processName(1)).addedLater());
        c.add(integer("syscall_thread_0", UINTEGER, (L7Record r) -> orNull(r.connection.threadId(0))).addedLater());
        c.add(integer("syscall_thread_1", UINTEGER, (L7Record r) -> orNull(r.connection.threadId(1))).addedLater());
        c.add(integer("tunnel_type", UTINYINT, (L7Record r) -> r.connection.tunnelType()).addedLater());
        c.add(text("response_result", (L7Record r) -> r.response != null ? r.response.result() : null).addedLater());
        c.add(integer("sql_affected_rows", UBIGINT, (L7Record r) -> affectedRows(r)).addedLater());
        return List.copyOf(c);
    }

    /** event.proc_event: one row per exec, process fork and process exit the socket-trace probe saw. */
    static List<Column<ProcessEvent>> procEvent(LongSupplier ids) {
        List<Column<ProcessEvent>> c = new ArrayList<>();
        c.add(integer("_id", UBIGINT, (ProcessEvent e) -> ids.getAsLong()).required());
        c.add(time("time", e -> e.timeMicros() / 1_000_000 * 1_000_000));
        c.add(time("start_time", ProcessEvent::timeMicros));
        c.add(time("end_time", ProcessEvent::timeMicros));
        c.add(integer("signal_source", USMALLINT, e -> Connection.SIGNAL_EBPF));
        c.add(text("event_type", e -> e.type().stored()));
        c.add(integer("process_id", INTEGER, ProcessEvent::pid));
        c.add(integer("parent_process_id", INTEGER, e -> orNull(e.ppid())));
        c.add(text("process_kname", ProcessEvent::name));
        c.add(text("executable", ProcessEvent::executable));
        c.add(text("command_line", e -> e.commandLine().isEmpty() ? null : String.join(" ", e.commandLine())));
        c.add(Column.<ProcessEvent>time("process_start_time", e -> e.startMicros() != 0 ? e.startMicros() : Column.NULL).nullable());
        c.add(text("cgroup", e -> e.cgroup() == null || e.cgroup().isEmpty() ? null : e.cgroup()));
        c.add(integer("cgroup_id", UBIGINT, e -> e.cgroupId() != 0 ? e.cgroupId() : Column.NULL));
        c.add(text("container_id", ProcessEvent::containerId));
        c.add(integer("exit_code", INTEGER, e -> e.exitCode() != ProcessEvent.NO_EXIT_CODE ? e.exitCode() : Column.NULL));
        return List.copyOf(c);
    }

    /** The response's row count, else the request's (a lone message), else NULL. */
    private static long affectedRows(L7Record r) {
        long n = r.response != null ? r.response.affectedRows() : L7Message.NO_AFFECTED_ROWS;
        if (n == L7Message.NO_AFFECTED_ROWS && r.request != null) {
            n = r.request.affectedRows();
        }
        return n >= 0 ? n : Column.NULL;
    }

    private static long orNull(int id) {
        return id != 0 ? id : Column.NULL;
    }

    /** The address and port columns both tables share, from the row's connection. */
    private static <T> void addresses(List<Column<T>> c, Function<T, Connection> conn) {
        c.add(integer("is_ipv4", UTINYINT, r -> conn.apply(r).ipv4() ? 1 : 0));
        c.add(integer("ip4_0", UINTEGER, r -> conn.apply(r).ipv4() ? conn.apply(r).ip0Lo() : Column.NULL));
        c.add(integer("ip4_1", UINTEGER, r -> conn.apply(r).ipv4() ? conn.apply(r).ip1Lo() : Column.NULL));
        c.add(text("ip6_0", r -> conn.apply(r).ipv4() ? null : Addresses.ipv6(conn.apply(r).ip0Hi(), conn.apply(r).ip0Lo())));
        c.add(text("ip6_1", r -> conn.apply(r).ipv4() ? null : Addresses.ipv6(conn.apply(r).ip1Hi(), conn.apply(r).ip1Lo())));
        c.add(integer("protocol", UTINYINT, r -> conn.apply(r).protocol()));
        c.add(integer("client_port", USMALLINT, r -> conn.apply(r).port0()));
        c.add(integer("server_port", USMALLINT, r -> conn.apply(r).port1()));
    }

    private static void count(List<Column<FlowReport>> c, String name, Column.Type type, int index) {
        c.add(integer(name, type, r -> r.count(index)));
    }

    private static double micros(long v) {
        return v >= 0 ? v : Double.NaN;
    }

    private static String first(L7Record r, Function<L7Message, String> f) {
        String v = f.apply(r.requestSide());
        return v != null || r.response == null ? v : f.apply(r.response);
    }

    private static String attributes(L7Record r) {
        Map<String, String> req = r.request != null ? r.request.attributes() : Map.of();
        Map<String, String> resp = r.response != null && r.response != r.request ? r.response.attributes() : Map.of();
        if (req.isEmpty() && resp.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder("{");
        appendJson(sb, req, Map.of());
        appendJson(sb, resp, req);
        return sb.append('}').toString();
    }

    /**
     * One side's attributes; a name the request side already has is written once when the values agree, else the
     * response's as {@code <name>_response} (a JSON object with a name twice would keep only one of them).
     */
    private static void appendJson(StringBuilder sb, Map<String, String> m, Map<String, String> before) {
        for (Map.Entry<String, String> e : m.entrySet()) {
            String name = e.getKey();
            String earlier = before.get(name);
            if (earlier != null) {
                if (earlier.equals(e.getValue())) {
                    continue;
                }
                name = name + "_response";
            }
            if (sb.length() > 1) {
                sb.append(',');
            }
            Json.quote(sb, name);
            sb.append(':');
            Json.quote(sb, e.getValue());
        }
    }
}
