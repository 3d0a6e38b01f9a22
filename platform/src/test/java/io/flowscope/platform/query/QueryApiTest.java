package io.flowscope.platform.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.FlowscopeApplication;
import io.flowscope.platform.testing.Http;
import io.flowscope.platform.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The server end to end: import through the API, then flows, requests, SQL, plugins, health and metrics. */
@SpringBootTest(classes = FlowscopeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryApiTest {

    static final Path data = TestServer.dataDir("flowscope-api-test");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        TestServer.properties(r, data);
    }

    @LocalServerPort
    int port;

    Http http;

    @BeforeAll
    void importGoldenCapture() throws Exception {
        http = new Http(port);
        Http.Response r = http.postFile("/api/v1/import?name=nginx-http1.pcap", Path.of("src/test/resources/captures/nginx-http1.pcap"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("requests").get("http1").asLong()).isEqualTo(17);
        assertThat(r.json().get("flows").get("tcp").asLong()).isEqualTo(12);
    }

    @Test
    void healthIsUpAndOwnMetricsAreExported() throws Exception {
        assertThat(http.get("/actuator/health").body()).contains("\"status\":\"UP\"");
        String prom = http.get("/actuator/prometheus").body();
        assertThat(prom).contains("flowscope_packets_read_total", "flowscope_flows_total{transport=\"tcp\"}",
                "flowscope_l7_requests_total{protocol=\"http1\"} 17.0", "flowscope_store_write_batches_total");
    }

    @Test
    void flowsAreFilteredAndPaged() throws Exception {
        JsonNode all = http.get("/api/v1/flows?limit=100").json();
        assertThat(all.get("count").asInt()).isEqualTo(12);
        JsonNode first = all.get("rows").get(0);
        assertThat(first.get("ip_0").asString()).isEqualTo("127.0.0.1");
        assertThat(first.get("protocol").asInt()).isEqualTo(6);
        assertThat(first.get("close_type").asInt()).isEqualTo(1);
        assertThat(first.has("request_domain")).isTrue(); // stable keys: present even when null

        JsonNode page1 = http.get("/api/v1/flows?limit=5").json();
        JsonNode page3 = http.get("/api/v1/flows?limit=5&offset=10").json();
        assertThat(page1.get("next_offset").asInt()).isEqualTo(5);
        assertThat(page3.get("count").asInt()).isEqualTo(2);
        assertThat(page3.get("next_offset").isNull()).isTrue();

        int serverPort = first.get("server_port").asInt();
        assertThat(http.get("/api/v1/flows?port=" + serverPort + "&protocol=tcp&ip=127.0.0.1").json().get("count").asInt()).isEqualTo(12);
        assertThat(http.get("/api/v1/flows?protocol=udp").json().get("count").asInt()).isZero();
        assertThat(http.get("/api/v1/flows?ip=::1").json().get("count").asInt()).isZero();
        assertThat(http.get("/api/v1/flows?from=2100-01-01T00:00:00Z").json().get("count").asInt()).isZero();
        assertThat(http.get("/api/v1/flows?to=1000000000").json().get("count").asInt()).isZero();
    }

    @Test
    void requestsAreFilteredByStatusAndCode() throws Exception {
        assertThat(http.get("/api/v1/requests?limit=1000").json().get("count").asInt()).isEqualTo(17);
        assertThat(http.get("/api/v1/requests?status=client_error").json().get("count").asInt()).isEqualTo(4);
        assertThat(http.get("/api/v1/requests?status=3").json().get("count").asInt()).isEqualTo(1);
        JsonNode notFound = http.get("/api/v1/requests?code=404&protocol=http1").json();
        assertThat(notFound.get("count").asInt()).isEqualTo(2);
        JsonNode row = notFound.get("rows").get(0);
        assertThat(row.get("request_type").asString()).isEqualTo("GET");
        assertThat(row.get("response_exception").asString()).isEqualTo("Not Found");
        assertThat(row.get("response_duration").asLong()).isPositive();
        assertThat(row.get("l7_protocol").asInt()).isEqualTo(20);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/flows?limit=0", "/api/v1/flows?limit=100000", "/api/v1/flows?ip=not-an-ip",
        "/api/v1/flows?from=yesterday", "/api/v1/flows?protocol=sctp-ish", "/api/v1/requests?status=fine",
        "/api/v1/flows?port=70000", "/api/v1/flows?offset=-1", "/api/v1/flows?port=abc"})
    void badParametersAre400WithAMessage(String path) throws Exception {
        Http.Response r = http.get(path);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asString()).isNotBlank();
    }

    @Test
    void sqlRunsReadOnlyQueries() throws Exception {
        JsonNode r = http.postJson("/api/v1/sql", "{\"sql\": "
                + Http.quote("SELECT response_code, count(*) AS n FROM flow_log.l7_flow_log GROUP BY 1 ORDER BY 1") + "}").json();
        assertThat(r.get("columns").get(0).get("name").asString()).isEqualTo("response_code");
        assertThat(r.get("rows").get(0).get(0).asInt()).isEqualTo(200);
        assertThat(r.get("rows").get(0).get(1).asInt()).isEqualTo(11);

        JsonNode limited = http.postJson("/api/v1/sql", "{\"sql\": \"SELECT * FROM flow_log.l4_flow_log\", \"max_rows\": 3}").json();
        assertThat(limited.get("row_count").asInt()).isEqualTo(3);
        assertThat(limited.get("truncated").asBoolean()).isTrue();

        assertThat(http.postText("/api/v1/sql", "WITH x AS (SELECT ip4_str(ip4_1) AS ip FROM flow_log.l4_flow_log) SELECT DISTINCT ip FROM x")
                .json().get("rows").get(0).get(0).asString()).isEqualTo("127.0.0.1");
        assertThat(http.postText("/api/v1/sql", "DESCRIBE flow_log.l7_flow_log").status()).isEqualTo(200);
    }

    /** The imported capture's network metrics: by API, its seconds summed per port are its minute; by SQL, its bytes. */
    @Test
    void networkMetricsOfTheImportAreServedByApiAndSql() throws Exception {
        JsonNode seconds = http.get("/api/v1/metrics/network?interval=1s&group_by=time,server_port").json();
        JsonNode minute = http.get("/api/v1/metrics/network?interval=1m&group_by=server_port").json();
        JsonNode totals = http.get("/api/v1/metrics/network?interval=1s&group_by=server_port").json();
        assertThat(seconds.get("count").asInt()).isPositive();
        assertThat(minute.get("count").asInt()).isEqualTo(1);
        assertThat(totals.get("rows")).isEqualTo(minute.get("rows"));
        JsonNode row = minute.get("rows").get(0);
        assertThat(row.get("new_flow").asLong()).isEqualTo(12);
        assertThat(row.get("closed_flow").asLong()).isEqualTo(12);
        assertThat(row.get("rtt_count").asLong()).isEqualTo(12);
        assertThat(row.get("l7_request").asLong()).isEqualTo(17);
        Http.Response bytes = http.postText("/api/v1/sql", "SELECT sum(byte) AS b FROM flow_metrics.\"network_map.1s\"");
        Http.Response flowBytes = http.postText("/api/v1/sql", "SELECT sum(byte_tx + byte_rx) AS b FROM flow_log.l4_flow_log");
        assertThat(bytes.status()).as(bytes.body()).isEqualTo(200);
        assertThat(bytes.json().get("rows").get(0).get(0).asLong()).isPositive()
                .isEqualTo(flowBytes.json().get("rows").get(0).get(0).asLong());
        assertThat(http.postText("/api/v1/sql", "DELETE FROM flow_metrics.\"network.1s\"").status()).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "DROP TABLE flow_log.l4_flow_log",
        "DELETE FROM event.proc_event",
        "INSERT INTO flow_log.l4_flow_log SELECT * FROM flow_log.l4_flow_log",
        "ATTACH '/tmp/other.duckdb' AS other",
        "COPY flow_log.l4_flow_log TO '/tmp/out.csv'",
        "PRAGMA database_list",
        "SELECT 1; SELECT 2",
        "SELECT 1; DROP TABLE flow_log.l4_flow_log",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM '/etc/passwd'",
        "SELECT read_blob('/etc/hostname')",
        "SELECT * FROM (SELECT * FROM read_parquet('/tmp/x.parquet'))",
        "SET enable_external_access = true",
        "UPDATE flow_log.l7_flow_log SET response_code = 0",
        "DELETE FROM flow_log.l7_flow_log",
        "CREATE TABLE t AS SELECT 1",
        "INSTALL httpfs",
        "SELECT * FROM duckdb_settings()"})
    void sqlRefusesEverythingElse(String sql) throws Exception {
        Http.Response r = http.postText("/api/v1/sql", sql);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("error").asString()).startsWith("sql: ");
        assertThat(http.postText("/api/v1/sql", "SELECT count(*) FROM flow_log.l4_flow_log").json()
                .get("rows").get(0).get(0).asInt()).isEqualTo(12);
        assertThat(http.get("/actuator/prometheus").body()).contains("flowscope_api_refused_total{endpoint=\"/api/v1/sql\",status=\"400\"}");
    }

    @Test
    void pluginsAreListed() throws Exception {
        JsonNode plugins = http.get("/api/v1/plugins").json();
        // found by id: the list is sorted by it, and other protocol plugins (l7-dns …) come before
        JsonNode http1 = null;
        for (JsonNode p : plugins) {
            if (p.get("id").asString().equals("l7-http1")) {
                http1 = p;
            }
        }
        assertThat(http1).as("l7-http1 in " + plugins).isNotNull();
        assertThat(http1.get("kind").asString()).isEqualTo("protocol");
        assertThat(http1.get("state").asString()).isEqualTo("STARTED");
        assertThat(http1.has("lastError")).isTrue();
    }

    @Test
    void probesAreListedWithTheirStateAndSettings() throws Exception {
        Http.Response r = http.get("/api/v1/probes");
        assertThat(r.status()).isEqualTo(200);
        // the build turns the probes off for server tests (they would capture and trace the tests' own traffic)
        java.util.Map<String, JsonNode> byId = new java.util.TreeMap<>();
        r.json().forEach(n -> byId.put(n.get("id").asString(), n));
        assertThat(byId).containsOnlyKeys("afpacket", "socket-trace");
        assertThat(byId.get("socket-trace").get("state").asString()).isEqualTo("DISABLED");
        assertThat(byId.get("socket-trace").get("kind").asString()).isEqualTo("SYSCALL");
        JsonNode p = byId.get("afpacket");
        assertThat(p.get("id").asString()).isEqualTo("afpacket");
        assertThat(p.get("kind").asString()).isEqualTo("PACKET");
        assertThat(p.get("state").asString()).isEqualTo("DISABLED");
        assertThat(p.get("detail").asString()).isEqualTo("disabled by flowscope.probes.afpacket.enabled=false");
        assertThat(p.get("settings").get("interfaces").asString()).isEqualTo("lo");
        assertThat(p.get("interfaces").isEmpty()).isTrue();
        Http.Response restart = http.postText("/api/v1/probes/nope/restart", "");
        assertThat(restart.status()).isEqualTo(404);
        assertThat(restart.json().get("error").asString()).isEqualTo("no probe nope");
    }

    @Test
    void unknownPathsAndMethodsKeepTheirStatus() throws Exception {
        assertThat(http.get("/api/v1/nothing-here").status()).isEqualTo(404);
        assertThat(http.get("/api/v1/sql").status()).isEqualTo(405);
    }

    @Test
    void consoleIsServed() throws Exception {
        Http.Response r = http.get("/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("Flowscope");
    }
}
