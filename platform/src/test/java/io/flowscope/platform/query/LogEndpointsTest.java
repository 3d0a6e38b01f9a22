package io.flowscope.platform.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.store.StoreConfiguration;
import io.flowscope.platform.testing.LogRows;
import io.flowscope.platform.testing.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
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
 * {@code GET /api/v1/flows} and {@code /requests} over rows of known values: the response bytes (keys, their
 * order, value forms), what each parameter selects, and the words of every refusal. The web layer only, on
 * the server's store (a real DuckDB file in a temporary directory).
 */
@WebMvcTest(controllers = {FlowsController.class, RequestsController.class})
@Import({StoreConfiguration.class, SimpleMeterRegistry.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogEndpointsTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("flowscope.data-dir", () -> TestServer.dataDir("flowscope-log-endpoints").toString());
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    DuckDbStore store;

    @BeforeAll
    void knownRows() throws Exception {
        LogRows.insert(store);
    }

    @Test
    void aPageOfFlowsKeepsItsKeysOrderAndValueForms() throws Exception {
        assertThat(body("/api/v1/flows?limit=2&offset=1")).isEqualTo("""
                {"count":2,"limit":2,"offset":1,"next_offset":3,"rows":[\
                {"flow_id":2,"start_time":"2024-05-01T10:00:02.000000Z","end_time":"2024-05-01T10:00:03.000000Z",\
                "duration":1000000,"ip_0":"10.0.0.3","ip_1":"10.0.0.2","protocol":17,"client_port":53000,\
                "server_port":53,"packet_tx":1,"packet_rx":1,"byte_tx":80,"byte_rx":120,"l4_byte_tx":null,\
                "l4_byte_rx":null,"tcp_flags_bit_0":null,"tcp_flags_bit_1":null,"rtt":null,"rtt_client":null,\
                "rtt_server":null,"srt_sum":null,"srt_count":null,"srt_max":null,"retrans_tx":null,"retrans_rx":null,\
                "zero_win_tx":null,"zero_win_rx":null,\
                "syn_count":null,"synack_count":null,"retrans_syn":null,"retrans_synack":null,"ooo_tx":null,\
                "ooo_rx":null,"lost_tx":null,"lost_rx":null,"art_sum":null,"art_count":null,"art_max":null,"mss_0":null,\
                "mss_1":null,"win_scale_0":null,"win_scale_1":null,"close_type":5,"status":null,"direction_score":null,\
                "l7_protocol":0,"request_domain":null,"l7_request":0,"l7_response":0,"l7_client_error":0,\
                "l7_server_error":null,"l7_server_timeout":null},\
                {"flow_id":3,"start_time":"2024-05-01T10:00:04.000001Z","end_time":"2024-05-01T10:00:05.000000Z",\
                "duration":"18446744073709551615","ip_0":"2001:db8::1","ip_1":"2001:db8::2","protocol":6,\
                "client_port":41000,"server_port":443,"packet_tx":3,"packet_rx":2,"byte_tx":300,"byte_rx":200,\
                "l4_byte_tx":null,"l4_byte_rx":null,"tcp_flags_bit_0":null,"tcp_flags_bit_1":null,"rtt":80.0,\
                "rtt_client":null,"rtt_server":null,"srt_sum":null,"srt_count":null,"srt_max":null,"retrans_tx":null,\
                "retrans_rx":null,"zero_win_tx":null,"zero_win_rx":null,\
                "syn_count":null,"synack_count":null,"retrans_syn":null,"retrans_synack":null,"ooo_tx":null,\
                "ooo_rx":null,"lost_tx":null,"lost_rx":null,"art_sum":null,"art_count":null,"art_max":null,"mss_0":null,\
                "mss_1":null,"win_scale_0":null,"win_scale_1":null,"close_type":2,"status":null,\
                "direction_score":null,"l7_protocol":0,"request_domain":null,"l7_request":1,"l7_response":1,\
                "l7_client_error":0,"l7_server_error":null,"l7_server_timeout":null}]}""");
    }

    @Test
    void aPageOfRequestsKeepsItsKeysOrderAndValueForms() throws Exception {
        assertThat(body("/api/v1/requests?offset=1")).isEqualTo("""
                {"count":2,"limit":100,"offset":1,"next_offset":null,"rows":[\
                {"_id":12,"flow_id":1,"start_time":"2024-05-01T10:00:01.000000Z","end_time":"2024-05-01T10:00:01.300000Z",\
                "ip_0":"10.0.0.1","ip_1":"10.0.0.2","client_port":40000,"server_port":80,"l7_protocol":20,\
                "l7_protocol_str":"http1","version":"1.1","type":2,"request_type":"GET","request_domain":"example.com",\
                "request_resource":"/missing","endpoint":"/missing","request_id":null,"response_status":4,\
                "response_code":404,"response_exception":"Not Found","response_duration":300000,"request_length":95,\
                "response_length":0,"trace_id":null,"span_id":null,"attributes":null,"signal_source":null,\
                "process_id_0":null,"process_id_1":null,"process_kname_0":null,"process_kname_1":null},\
                {"_id":13,"flow_id":3,"start_time":"2024-05-01T10:00:04.500000Z","end_time":"2024-05-01T10:00:04.900000Z",\
                "ip_0":"2001:db8::1","ip_1":"2001:db8::2","client_port":41000,"server_port":443,"l7_protocol":21,\
                "l7_protocol_str":"kvline","version":null,"type":2,"request_type":"PUT","request_domain":null,\
                "request_resource":"k","endpoint":null,"request_id":null,"response_status":3,"response_code":503,\
                "response_exception":"boom","response_duration":400000,"request_length":7,"response_length":4,\
                "trace_id":null,"span_id":null,"attributes":null,"signal_source":null,"process_id_0":null,"process_id_1":null,\
                "process_kname_0":null,"process_kname_1":null}]}""");
    }

    /** Flows whose [start, end] overlaps [from, to], on either side's address or port. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                                              | 1,2,3",
        "from=2024-05-01T10:00:03Z                       | 2,3",
        "from=2024-05-01T10:00:03.000001Z                | 3",
        "to=2024-05-01T10:00:02Z                         | 1,2",
        "to=1714557601.999999                            | 1",
        "from=1714557601.5&to=2024-05-01T10:00:02Z       | 1,2",
        "ip=10.0.0.2                                     | 1,2",
        "ip=10.0.0.3                                     | 2",
        "ip=2001:DB8:0:0:0:0:0:2                         | 3",
        "ip=::1                                          | ''",
        "port=53                                         | 2",
        "port=41000                                      | 3",
        "protocol=tcp                                    | 1,3",
        "protocol=17                                     | 2",
        "protocol=icmp                                   | ''",
        "limit=1&offset=2                                | 3",
        "offset=3                                        | ''"})
    void flowParametersSelect(String query, String flowIds) throws Exception {
        assertThat(ids("/api/v1/flows?" + query, "flow_id")).isEqualTo(flowIds);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                                   | 11,12,13",
        "status=client_error                  | 12",
        "status=SERVER_ERROR                  | 13",
        "status=0                             | 11",
        "status=timeout                       | ''",
        "code=404                             | 12",
        "protocol=kvline                      | 13",
        "protocol=http1&code=200              | 11",
        "ip=2001:db8::1                       | 13",
        "port=80&from=2024-05-01T10:00:00.25Z | 12",
        "to=2024-05-01T10:00:00.1Z            | 11"})
    void requestParametersSelect(String query, String ids) throws Exception {
        assertThat(ids("/api/v1/requests?" + query, "_id")).isEqualTo(ids);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/api/v1/flows?limit=0                    | limit: must be between 1 and 10000",
        "/api/v1/flows?limit=10001                | limit: must be between 1 and 10000",
        "/api/v1/flows?offset=-1                  | offset: must not be negative",
        "/api/v1/flows?from=yesterday             | from: 'yesterday' is neither an ISO-8601 instant nor epoch seconds",
        "/api/v1/flows?to=1969-12-31T23:59:59Z    | to: '1969-12-31T23:59:59Z' is outside 1970-01-01 to 2262-04-11T23:47:16Z",
        "/api/v1/flows?ip=10.0.0.256              | ip: '10.0.0.256' is not an IPv4 or IPv6 address",
        "/api/v1/flows?port=65536                 | port: 65536 is not a port number",
        "/api/v1/flows?protocol=sctp              | protocol: 'sctp' is not tcp, udp, icmp, icmpv6 or a number 0-255",
        "/api/v1/flows?protocol=256               | protocol: '256' is not tcp, udp, icmp, icmpv6 or a number 0-255",
        "/api/v1/flows?port=x                     | port: 'x' is not a valid number",
        "/api/v1/requests?status=Fine             | status: 'fine' is not one of ok, client_error, server_error, timeout, unknown, parse_failed (or 0, 2-6)",
        "/api/v1/requests?status=1                | status: '1' is not one of ok, client_error, server_error, timeout, unknown, parse_failed (or 0, 2-6)",
        "/api/v1/requests?limit=0&ip=x            | limit: must be between 1 and 10000",
        "/api/v1/requests?ip=x&status=fine        | ip: 'x' is not an IPv4 or IPv6 address",
        "/api/v1/flows?port=70000&protocol=sctp   | port: 70000 is not a port number"})
    void badParametersAreRefusedInTheirOwnWords(String path, String message) throws Exception {
        MvcResult r = mvc.perform(get(path)).andReturn();
        assertThat(r.getResponse().getStatus()).isEqualTo(400);
        assertThat(r.getResponse().getContentAsString()).isEqualTo(JsonMapper.builder().build()
                .writeValueAsString(java.util.Map.of("error", message)));
    }

    private String body(String path) throws Exception {
        MvcResult r = mvc.perform(get(path)).andReturn();
        assertThat(r.getResponse().getStatus()).as(r.getResponse().getContentAsString()).isEqualTo(200);
        return r.getResponse().getContentAsString();
    }

    private String ids(String path, String key) throws Exception {
        JsonNode rows = JsonMapper.builder().build().readTree(body(path)).get("rows");
        List<String> ids = new ArrayList<>();
        rows.forEach(row -> ids.add(row.get(key).asString()));
        return String.join(",", ids);
    }
}
