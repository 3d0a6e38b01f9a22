package io.flowscope.platform.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.flowscope.platform.metrics.network.EdgeKey;
import io.flowscope.platform.metrics.network.NetworkMapRow;
import io.flowscope.platform.metrics.network.NetworkMetric;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.store.RowWriter;
import io.flowscope.platform.store.StoreConfiguration;
import io.flowscope.platform.testing.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/v1/metrics/network} over network_map rows of known values, written through the store's own
 * writer into a real DuckDB file: what each parameter selects and groups, the keys and their order, the averages,
 * and the words of every refusal. Edges: A 10.0.0.1 → 10.0.0.2:80 TCP (seconds 10:00:00 and :01), B 10.0.0.3 →
 * 10.0.0.2:53 UDP (:01), C 2001:db8::1 → 2001:db8::2:443 TCP (:02), on 2024-05-01 UTC, and their minute rows.
 */
@WebMvcTest(controllers = NetworkMetricsController.class)
@Import({StoreConfiguration.class, SimpleMeterRegistry.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkMetricsEndpointTest {

    private static final long T0 = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli() * 1000;
    private static final EdgeKey A = new EdgeKey(true, 0, 0x0a000001L, 0, 0x0a000002L, 80, 6, 0, 0, 0);
    private static final EdgeKey B = new EdgeKey(true, 0, 0x0a000003L, 0, 0x0a000002L, 53, 17, 0, 0, 0);
    private static final EdgeKey C = new EdgeKey(false, 0x20010db800000000L, 1, 0x20010db800000000L, 2, 443, 6, 0, 0, 0);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("flowscope.data-dir", () -> TestServer.dataDir("flowscope-network-metrics").toString());
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    DuckDbStore store;

    @BeforeAll
    void knownRows() throws Exception {
        try (RowWriter w = store.newWriter()) {
            w.networkMap(new NetworkMapRow(T0, false, A, values(NetworkMetric.PACKET_TX, 5, NetworkMetric.BYTE_TX, 600,
                    NetworkMetric.NEW_FLOW, 1, NetworkMetric.RTT_SUM, 100, NetworkMetric.RTT_COUNT, 1,
                    NetworkMetric.RTT_MAX, 100, NetworkMetric.SRT_SUM, 300, NetworkMetric.SRT_COUNT, 2,
                    NetworkMetric.SRT_MAX, 200)));
            w.networkMap(new NetworkMapRow(T0 + 1_000_000, false, A, values(NetworkMetric.PACKET_TX, 3,
                    NetworkMetric.SRT_SUM, 100, NetworkMetric.SRT_COUNT, 1, NetworkMetric.SRT_MAX, 100,
                    NetworkMetric.CLOSED_FLOW, 1, NetworkMetric.CLIENT_RST_FLOW, 1)));
            w.networkMap(new NetworkMapRow(T0 + 1_000_000, false, B, values(NetworkMetric.PACKET_TX, 1,
                    NetworkMetric.PACKET_RX, 1)));
            w.networkMap(new NetworkMapRow(T0 + 2_000_000, false, C, values(NetworkMetric.PACKET_TX, 2)));
            w.networkMap(new NetworkMapRow(T0, true, A, values(NetworkMetric.PACKET_TX, 8, NetworkMetric.BYTE_TX, 600,
                    NetworkMetric.NEW_FLOW, 1, NetworkMetric.RTT_SUM, 100, NetworkMetric.RTT_COUNT, 1,
                    NetworkMetric.RTT_MAX, 100, NetworkMetric.SRT_SUM, 400, NetworkMetric.SRT_COUNT, 3,
                    NetworkMetric.SRT_MAX, 200, NetworkMetric.CLOSED_FLOW, 1, NetworkMetric.CLIENT_RST_FLOW, 1)));
            w.networkMap(new NetworkMapRow(T0, true, B, values(NetworkMetric.PACKET_TX, 1, NetworkMetric.PACKET_RX, 1)));
            w.networkMap(new NetworkMapRow(T0, true, C, values(NetworkMetric.PACKET_TX, 2)));
        }
    }

    private static long[] values(Object... metricAndValue) {
        long[] v = new long[NetworkMetric.COUNT];
        for (int i = 0; i < metricAndValue.length; i += 2) {
            v[((NetworkMetric) metricAndValue[i]).ordinal()] = ((Number) metricAndValue[i + 1]).longValue();
        }
        return v;
    }

    @Test
    void aMinuteOfTotalsHasEveryMetricInTheTablesOrderAndTheAverages() throws Exception {
        JsonNode body = json("/api/v1/metrics/network");
        assertThat(body.get("count").asInt()).isEqualTo(1);
        JsonNode row = body.get("rows").get(0);
        List<String> keys = new ArrayList<>(row.propertyNames());
        assertThat(keys.subList(0, 12)).containsExactly("time", "packet_tx", "packet_rx", "packet", "byte_tx", "byte_rx",
                "byte", "l3_byte_tx", "l3_byte_rx", "l4_byte_tx", "l4_byte_rx", "new_flow");
        assertThat(keys).contains("flow_load", "rtt_max", "srt_max", "retrans", "zero_win", "client_rst_flow",
                "tcp_establish_fail", "l7_timeout", "l7_error").hasSize(1 + NetworkMetric.COUNT + 5 + 2);
        assertThat(keys.subList(keys.size() - 2, keys.size())).containsExactly("rtt", "srt");
        assertThat(row.get("time").asString()).isEqualTo("2024-05-01T10:00:00.000000Z");
        assertThat(row.get("packet_tx").asLong()).isEqualTo(11);
        assertThat(row.get("packet").asLong()).isEqualTo(12);
        assertThat(row.get("srt_max").asLong()).isEqualTo(200);
        assertThat(row.get("rtt").asDouble()).isEqualTo(100.0);
        assertThat(row.get("srt").asDouble()).isEqualTo(400.0 / 3);
        assertThat(row.get("client_rst_flow").asLong()).isEqualTo(1);
    }

    /** The rows each query gives, as {@code key=packet_tx} per row. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "interval=1s                                              | 00=5,01=4,02=2",
        "interval=1S&group_by=time                                | 00=5,01=4,02=2",
        "interval=1s&from=2024-05-01T10:00:01.5Z                  | 01=4,02=2",
        "interval=1s&from=2024-05-01T10:00:01Z                    | 01=4,02=2",
        "interval=1s&from=1714557600.999999                       | 00=5,01=4,02=2",
        "interval=1s&to=2024-05-01T10:00:01Z                      | 00=5,01=4",
        "interval=1s&to=2024-05-01T10:00:00.999999Z               | 00=5",
        "interval=1m&from=2024-05-01T10:00:59Z                    | 00=11",
        "interval=1m&from=2024-05-01T10:01:00Z                    | ''",
        "interval=1s&server_port=80                               | 00=5,01=3",
        "interval=1s&protocol=udp                                 | 01=1",
        "interval=1s&protocol=6                                   | 00=5,01=3,02=2",
        "interval=1s&client=10.0.0.3                              | 01=1",
        "interval=1s&server=2001:DB8::2                           | 02=2",
        "interval=1s&ip=10.0.0.2                                  | 00=5,01=4",
        "interval=1s&ip=2001:db8::1                               | 02=2",
        "interval=1s&client=10.0.0.2                              | ''",
        "interval=1s&limit=1&offset=1                             | 01=4",
        "group_by=ip_0                                            | 10.0.0.1=8,10.0.0.3=1,2001:db8::1=2",
        "group_by=ip_1,ip_0                                       | 10.0.0.2>10.0.0.1=8,10.0.0.2>10.0.0.3=1,2001:db8::2>2001:db8::1=2",
        "group_by=server_port                                     | 53=1,80=8,443=2",
        "group_by=protocol&interval=1s                            | 6=10,17=1",
        "group_by=time,server_port&interval=1s                    | 00/80=5,01/53=1,01/80=3,02/443=2",
        "group_by=                                                | total=11",
        "group_by=capture_nic                                     | 0=11"})
    void parametersSelectAndGroup(String query, String expected) throws Exception {
        List<String> got = new ArrayList<>();
        for (JsonNode row : json("/api/v1/metrics/network?" + query).get("rows")) {
            List<String> key = new ArrayList<>();
            if (row.has("time")) {
                key.add(row.get("time").asString().substring(17, 19));
            }
            String ips = row.has("ip_1") && row.has("ip_0") ? row.get("ip_1").asString() + ">" + row.get("ip_0").asString()
                    : row.has("ip_0") ? row.get("ip_0").asString() : null;
            if (ips != null) {
                key.add(ips);
            }
            for (String tag : List.of("server_port", "protocol", "capture_nic")) {
                if (row.has(tag)) {
                    key.add(row.get(tag).asString());
                }
            }
            got.add((key.isEmpty() ? "total" : String.join("/", key)) + "=" + row.get("packet_tx").asLong());
        }
        assertThat(String.join(",", got)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "interval=5m                  | interval: '5m' is not 1s or 1m",
        "group_by=time,host           | group_by: 'host' is not one of time, ip_0, ip_1, server_port, protocol, capture_nic",
        "group_by=time,,ip_0          | group_by: '' is not one of time, ip_0, ip_1, server_port, protocol, capture_nic",
        "group_by=time,TIME           | group_by: 'time' is given twice",
        "client=10.0.0.256            | client: '10.0.0.256' is not an IPv4 or IPv6 address",
        "server=x                     | server: 'x' is not an IPv4 or IPv6 address",
        "ip=::g                       | ip: '::g' is not an IPv4 or IPv6 address",
        "server_port=70000            | server_port: 70000 is not a port number",
        "server_port=http             | server_port: 'http' is not a valid number",
        "protocol=sctp                | protocol: 'sctp' is not tcp, udp, icmp, icmpv6 or a number 0-255",
        "from=yesterday               | from: 'yesterday' is neither an ISO-8601 instant nor epoch seconds",
        "limit=0                      | limit: must be between 1 and 10000",
        "offset=-1                    | offset: must not be negative"})
    void badParametersAreRefusedInTheirOwnWords(String query, String message) throws Exception {
        MvcResult r = mvc.perform(get("/api/v1/metrics/network?" + query)).andReturn();
        assertThat(r.getResponse().getStatus()).isEqualTo(400);
        assertThat(r.getResponse().getContentAsString()).isEqualTo(JsonMapper.builder().build()
                .writeValueAsString(Map.of("error", message)));
    }

    private JsonNode json(String path) throws Exception {
        MvcResult r = mvc.perform(get(path)).andReturn();
        assertThat(r.getResponse().getStatus()).as(r.getResponse().getContentAsString()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(r.getResponse().getContentAsString());
    }
}
