package io.flowscope.platform.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.store.StoreConfiguration;
import io.flowscope.platform.testing.Http;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.MockHttp;
import io.flowscope.platform.testing.StoreState;
import io.flowscope.platform.testing.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;

/**
 * The read-only SQL endpoint against a hostile user: every statement kind DuckDB knows, the parser
 * differentials that once got through (JSqlParser and DuckDB reading one text differently), comments and
 * strings of every form DuckDB's and PostgreSQL's grammars have, and statement separators in every
 * position. Each is refused with 400 or runs as one read-only query; after each, every table's rows, the
 * catalog, the settings and the attached databases are exactly as before. The web layer of /sql and /flows
 * only, on the server's store (locked down as the server does it).
 */
@WebMvcTest(controllers = {SqlController.class, FlowsController.class})
@Import({StoreConfiguration.class, SqlAdmission.class, SimpleMeterRegistry.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlEndpointHostileTest {

    static final Path data = TestServer.dataDir("flowscope-hostile-sql");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        TestServer.properties(r, data);
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    DuckDbStore store;

    MockHttp http;
    Map<String, Object> before;

    @BeforeAll
    void knownContents() throws Exception {
        http = new MockHttp(mvc);
        Importing.importFile(store, Path.of("src/test/resources/captures/nginx-http1.pcap"));
        before = StoreState.of(store);
        assertThat(before.toString()).contains("rows flow_log.l4_flow_log=[12 ", "rows flow_log.l7_flow_log=[17 ");
    }

    /** Every statement kind of DuckDB's grammar that is not a query. */
    static Stream<String> statementsOfEveryKind() {
        return Stream.of(
                "ALTER TABLE flow_log.l7_flow_log RENAME TO gone",
                "ALTER TABLE flow_log.l4_flow_log ADD COLUMN x INTEGER",
                "ALTER VIEW v RENAME TO w",
                "ANALYZE",
                "ATTACH ':memory:' AS m",
                "ATTACH '/tmp/flowscope-hostile.duckdb' AS other",
                "BEGIN", "BEGIN TRANSACTION", "COMMIT", "ROLLBACK", "ABORT", "END",
                "CALL pragma_version()",
                "CALL checkpoint()",
                "CHECKPOINT", "FORCE CHECKPOINT",
                "COMMENT ON TABLE flow_log.l4_flow_log IS 'x'",
                "COPY flow_log.l4_flow_log TO '/tmp/flowscope-hostile.csv'",
                "COPY flow_log.l4_flow_log FROM '/tmp/flowscope-hostile.csv'",
                "COPY (SELECT 1) TO '/tmp/flowscope-hostile.csv'",
                "COPY FROM DATABASE flowscope TO memory",
                "CREATE TABLE t (a INTEGER)",
                "CREATE TEMP TABLE t AS SELECT 1",
                "CREATE TABLE main.slow AS SELECT * FROM range(10)",
                "CREATE VIEW v AS SELECT 1",
                "CREATE MACRO m(a) AS a",
                "CREATE OR REPLACE MACRO ip4_str(x) AS 'hacked'",
                "CREATE MACRO t() AS TABLE SELECT 1",
                "CREATE SEQUENCE s",
                "CREATE SCHEMA s",
                "CREATE INDEX i ON flow_log.l4_flow_log (flow_id)",
                "CREATE TYPE e AS ENUM ('a')",
                "CREATE SECRET (TYPE s3, KEY_ID 'x', SECRET 'y')",
                "CREATE FUNCTION f(a) AS a + 1",
                "DEALLOCATE p",
                "DELETE FROM flow_log.l4_flow_log",
                "DELETE FROM flow_log.l7_flow_log WHERE _id % 2 = 0",
                "DETACH flowscope",
                "DROP TABLE flow_log.l4_flow_log",
                "DROP MACRO ip4_str",
                "DROP SCHEMA flow_log CASCADE",
                "EXECUTE p",
                "EXPLAIN SELECT 1",
                "EXPLAIN ANALYZE SELECT 1",
                "EXPORT DATABASE '/tmp/flowscope-hostile-export'",
                "IMPORT DATABASE '/tmp/flowscope-hostile-export'",
                "INSERT INTO flow_log.l4_flow_log SELECT * FROM flow_log.l4_flow_log",
                "INSERT OR REPLACE INTO flow_log.l4_flow_log SELECT * FROM flow_log.l4_flow_log",
                "INSERT INTO flow_log.l7_flow_log SELECT * FROM flow_log.l7_flow_log RETURNING *",
                "INSTALL httpfs", "FORCE INSTALL httpfs", "LOAD httpfs", "LOAD '/tmp/x.duckdb_extension'",
                "UPDATE EXTENSIONS",
                "MERGE INTO flow_log.l7_flow_log t USING (SELECT 1 AS id) s ON t._id = s.id WHEN MATCHED THEN DELETE",
                "PIVOT flow_log.l4_flow_log ON protocol USING count(*)",
                "PRAGMA database_list", "PRAGMA enable_profiling", "PRAGMA memory_limit='64GB'",
                "PREPARE p AS SELECT 1",
                "RESET memory_limit", "RESET ALL",
                "SET memory_limit = '100GB'", "SET threads = 1", "SET GLOBAL enable_external_access = true",
                "SET lock_configuration = false", "SET VARIABLE x = 1", "SET search_path = 'flow_log'",
                "TRUNCATE flow_log.l4_flow_log",
                "UPDATE flow_log.l7_flow_log SET endpoint = 'HACKED'",
                "USE memory",
                "VACUUM", "VACUUM ANALYZE flow_log.l4_flow_log",
                "WITH x AS (DELETE FROM flow_log.l4_flow_log RETURNING *) SELECT * FROM x",
                "WITH x AS (UPDATE flow_log.l7_flow_log SET endpoint = 'HACKED' RETURNING *) SELECT count(*) FROM x",
                "WITH x AS (INSERT INTO flow_log.l4_flow_log SELECT * FROM flow_log.l4_flow_log RETURNING *) SELECT 1",
                // side effects and file or environment access inside a query
                "SELECT nextval('s')", "SELECT setseed(0.5)", "SELECT * FROM checkpoint()", "SELECT * FROM force_checkpoint()",
                "SELECT * FROM query('DROP TABLE flow_log.l4_flow_log')", "SELECT * FROM query_table('flow_log.l4_flow_log')",
                "SELECT getenv('HOME')", "SELECT write_log('x')",
                "SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1'))",
                "SELECT json_serialize_plan('DELETE FROM flow_log.l4_flow_log')",
                "SELECT * FROM read_csv('/etc/passwd')", "SELECT * FROM read_text('/etc/hostname')",
                "SELECT read_blob('/etc/hostname')", "SELECT * FROM '/etc/passwd'", "FROM 'x.parquet'",
                "SELECT * FROM glob('/*')", "SELECT * FROM duckdb_settings()", "SELECT * FROM duckdb_databases()",
                "SELECT * FROM (SELECT * FROM read_parquet('/tmp/x.parquet'))", "SELECT * FROM sniff_csv('/etc/passwd')",
                "SELECT * FROM memory.main.x", "SELECT * FROM other_schema.t", "SELECT $1",
                "SELECT '127.0.0.1'::INET", "SELECT * FROM sqlite_scan('/tmp/x.db', 't')");
    }

    /** Texts that once ran a second statement, and every comment, string and separator form. */
    static Stream<String> smuggledStatements() {
        List<String> s = new ArrayList<>(List.of(
                // the three differentials of the report
                "SELECT 10 // 2 ; CREATE TABLE main.slow AS SELECT * FROM range(10); SELECT 1",
                "SELECT 1 /* /* */ ; DROP TABLE flow_log.l4_flow_log; SELECT 1 -- */",
                "SELECT E'\\'' ; DELETE FROM flow_log.l4_flow_log WHERE flow_id % 2 = 0; SELECT 1 -- '",
                // comments
                "SELECT 1 -- ; DROP TABLE flow_log.l4_flow_log",
                "SELECT 1 --\n; DROP TABLE flow_log.l4_flow_log",
                "SELECT /* ; */ 1; DROP TABLE flow_log.l4_flow_log",
                "/* /* */ DROP TABLE flow_log.l4_flow_log; */ SELECT 1",
                "/* /* */ */ DROP TABLE flow_log.l4_flow_log",
                "SELECT 4 // 2; DROP TABLE flow_log.l4_flow_log",
                "SELECT 1 # ; DROP TABLE flow_log.l4_flow_log",
                "-- SELECT 1\nDROP TABLE flow_log.l4_flow_log",
                "SELECT 1 /* unterminated ; DROP TABLE flow_log.l4_flow_log",
                // strings and identifiers
                "SELECT 'a'';DROP TABLE flow_log.l4_flow_log;--'",
                "SELECT '\\'; DROP TABLE flow_log.l4_flow_log; --'",
                "SELECT E'\\\\'; DROP TABLE flow_log.l4_flow_log; --'",
                "SELECT e'\\x27'; DROP TABLE flow_log.l4_flow_log; --'",
                "SELECT $$;DROP TABLE flow_log.l4_flow_log;$$",
                "SELECT $a$ $$ ; $a$; DROP TABLE flow_log.l4_flow_log",
                "SELECT $tag$';DROP TABLE flow_log.l4_flow_log;--$tag$",
                "SELECT 1 AS \"x;DROP TABLE flow_log.l4_flow_log\"",
                "SELECT 1 AS \"x\"\";DROP TABLE flow_log.l4_flow_log;--\"",
                "SELECT U&'d\\0061t\\+000061'; DROP TABLE flow_log.l4_flow_log",
                "SELECT X'ff'; DROP TABLE flow_log.l4_flow_log",
                "SELECT B'0101'; DROP TABLE flow_log.l4_flow_log",
                "SELECT N'x'; DROP TABLE flow_log.l4_flow_log",
                "SELECT 'unterminated; DROP TABLE flow_log.l4_flow_log",
                // separators in every position
                ";SELECT 1", "SELECT 1;", "SELECT 1;;", ";", ";;", " ; ; ",
                "SELECT 1;\nDROP TABLE flow_log.l4_flow_log", "SELECT 1\n;DROP TABLE flow_log.l4_flow_log",
                "SELECT 1 ; ; DROP TABLE flow_log.l4_flow_log", "DROP TABLE flow_log.l4_flow_log; SELECT 1",
                "SELECT (1; DROP TABLE flow_log.l4_flow_log)", "SELECT 1; SELECT 2",
                "WITH x AS (SELECT 1; DROP TABLE flow_log.l4_flow_log) SELECT * FROM x",
                "SELECT ';' ; DELETE FROM flow_log.l4_flow_log",
                "SELECT 1 \u037e DROP TABLE flow_log.l4_flow_log",
                "SELECT 1\u0000; DROP TABLE flow_log.l4_flow_log"));
        return s.stream();
    }

    @ParameterizedTest
    @MethodSource("statementsOfEveryKind")
    void statementsThatAreNotQueriesAreRefused(String sql) throws Exception {
        Http.Response r = http.postText("/api/v1/sql", sql);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertClean(r);
        assertThat(StoreState.of(store)).isEqualTo(before);
    }

    @ParameterizedTest
    @MethodSource("smuggledStatements")
    void noTextRunsASecondStatement(String sql) throws Exception {
        Http.Response r = http.postText("/api/v1/sql", sql);
        assertThat(r.status()).as(r.body()).isIn(200, 400);
        assertClean(r);
        assertThat(StoreState.of(store)).isEqualTo(before);
    }

    @Test
    void queriesOfEveryReadOnlyFormRun() throws Exception {
        for (String sql : List.of("SELECT 1", "FROM flow_log.l4_flow_log SELECT count(*)", "VALUES (1), (2)",
                "DESCRIBE flow_log.l7_flow_log", "SHOW TABLES", "SHOW ALL TABLES", "SUMMARIZE flow_log.l4_flow_log",
                "SELECT 10 // 2", "SELECT 1 -- comment", "SELECT /* /* nested */ */ 2", "SELECT $$a';b$$",
                "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT sum(n) FROM r",
                "SELECT * FROM duckdb_tables()", "SELECT current_setting('memory_limit')",
                "SELECT left(string_agg(endpoint, ','), 100) FROM flow_log.l7_flow_log",
                "SELECT list_slice(list(response_code), 1, 5) FROM flow_log.l7_flow_log",
                "SELECT request_type, count(*) FROM flow_log.l7_flow_log GROUP BY ALL ORDER BY 2 DESC",
                "SELECT ip4_str(ip4_0), upper(request_resource) FROM flow_log.l7_flow_log LIMIT 3",
                "SELECT * FROM flow_log.l7_flow_log",
                "UNPIVOT flow_log.l4_flow_log ON byte_tx, byte_rx INTO NAME k VALUE v",
                "SELECT time_bucket(INTERVAL 1 minute, start_time) AS m, count(*) FROM flow_log.l7_flow_log GROUP BY m")) {
            Http.Response r = http.postText("/api/v1/sql", sql);
            assertThat(r.status()).as(sql + " → " + r.body()).isEqualTo(200);
        }
        assertThat(StoreState.of(store)).isEqualTo(before);
    }

    @Test
    void theSerializedQueryGivesTheSameRowsInTheSameOrder() throws Exception {
        JsonNode r = http.postText("/api/v1/sql",
                "SELECT _id, endpoint AS e, response_code FROM flow_log.l7_flow_log ORDER BY response_code DESC, _id").json();
        assertThat(r.get("columns").get(1).get("name").asString()).isEqualTo("e");
        List<Long> ids = new ArrayList<>();
        r.get("rows").forEach(row -> ids.add(row.get(0).asLong()));
        List<Long> expected = new ArrayList<>();
        try (var c = store.connection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT _id FROM flow_log.l7_flow_log ORDER BY response_code DESC, _id")) {
            while (rs.next()) {
                expected.add(rs.getLong(1));
            }
        }
        assertThat(ids).isEqualTo(expected).hasSize(17);
    }

    @Test
    void valuesThatCouldExhaustMemoryAreRefusedBeforeTheyAreBuilt() throws Exception {
        for (String sql : List.of(
                "SELECT repeat('x', 500000000) || x::VARCHAR FROM (SELECT unnest(range(14)) x)",
                "SELECT repeat('x', 1000000) FROM range(100)",
                "SELECT repeat(endpoint, response_code) FROM flow_log.l7_flow_log",
                "SELECT lpad('x', 2000000000, 'y')",
                "SELECT printf('%0900000000d', 1)",
                "SELECT range(3000000000)",
                "SELECT string_agg(request_resource, ',') FROM flow_log.l7_flow_log",
                "SELECT upper(string_agg(endpoint, ',')) FROM flow_log.l7_flow_log",
                "WITH a AS (SELECT list(endpoint) l FROM flow_log.l7_flow_log) SELECT l FROM a",
                "SELECT string_agg(endpoint, ',') OVER (ORDER BY _id) FROM flow_log.l7_flow_log",
                "WITH RECURSIVE r(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM r WHERE length(s) < 1000000000) "
                        + "SELECT max(length(s)) FROM r",
                "SELECT " + "endpoint || ".repeat(900) + "endpoint FROM flow_log.l7_flow_log")) {
            Http.Response r = http.postText("/api/v1/sql", sql);
            assertThat(r.status()).as(sql + " → " + r.body()).isEqualTo(400);
            assertClean(r);
        }
    }

    @Test
    void extensionsAreNeverFetchedOrLoaded() throws Exception {
        JsonNode r = http.postText("/api/v1/sql", "SELECT current_setting('autoinstall_known_extensions'), "
                + "current_setting('autoload_known_extensions'), current_setting('enable_external_access'), "
                + "current_setting('lock_configuration')").json();
        assertThat(r.get("rows").get(0).toString()).isEqualTo("[false,false,false,true]");
        Http.Response inet = http.postText("/api/v1/sql", "SELECT '127.0.0.1'::INET");
        assertThat(inet.status()).isEqualTo(400);
        assertThat(inet.json().get("error").asString()).contains("INET");
    }

    @Test
    void limitsAndBadRequestsGetShortClientErrors() throws Exception {
        assertThat(http.postText("/api/v1/sql", "SELECT 1 /*" + "x".repeat(70_000) + "*/").status()).isEqualTo(413);
        Http.Response slow = http.postJson("/api/v1/sql",
                "{\"sql\": \"SELECT count(*) FROM range(100000000000)\", \"timeout_seconds\": 1}");
        assertThat(slow.status()).isEqualTo(400);
        assertThat(slow.json().get("error").asString()).contains("longer than 1 s");
        // results stream: ten billion rows stop at the row limit at once instead of being materialised first
        JsonNode endless = http.postJson("/api/v1/sql", "{\"sql\": \"SELECT * FROM range(10000000000)\", \"max_rows\": 10, \"timeout_seconds\": 20}").json();
        assertThat(endless.get("truncated_by").asString()).isEqualTo("max_rows");
        assertThat(endless.get("elapsed_ms").asLong()).isLessThan(5_000);
        JsonNode big = http.postJson("/api/v1/sql", "{\"sql\": \"SELECT repeat('x', 1000) FROM range(100000)\"}").json();
        assertThat(big.get("truncated_by").asString()).isIn("max_response_bytes", "max_rows");
        for (String[] bad : List.of(
                new String[] {"application/json", "{\"sql\": 1"},
                new String[] {"application/json", "{\"sql\": \"SELECT 1\", \"max_rows\": \"x\"}"},
                new String[] {"application/json", "{\"sql\": \"SELECT 1\", \"nope\": 1}"},
                new String[] {"application/json", "[1]"},
                new String[] {"application/json", "{\"sql\": \"SELECT 1\", \"max_rows\": 0}"},
                new String[] {"application/json", "{\"sql\": \"" + "(".repeat(100_00) + "\"}"},
                new String[] {"text/plain", "SELECT " + "(".repeat(20_000) + "1" + ")".repeat(20_000)},
                new String[] {"text/plain", "SELECT " + "1+".repeat(20_000) + "1"},
                new String[] {"text/plain", "WITH x AS (DELETE FROM flow_log.l4_flow_log RETURNING *) SELECT 1"},
                new String[] {"text/plain", ""},
                new String[] {"application/xml", "<sql/>"})) {
            Http.Response r = http.post("/api/v1/sql", bad[0], bad[1]);
            assertThat(r.status()).as(bad[1].substring(0, Math.min(60, bad[1].length())) + " → " + r.body()).isBetween(400, 499);
            assertClean(r);
        }
        Http.Response r = http.get("/api/v1/flows?limit=abc");
        assertThat(r.status()).isEqualTo(400);
        assertClean(r);
        assertThat(r.json().get("error").asString()).isEqualTo("limit: 'abc' is not a valid number");
        for (String t : List.of("+999999999-12-31T23:59:59Z", "-1000-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
                "2262-04-12T00:00:00Z", "999999999999")) {
            Http.Response times = http.get("/api/v1/flows?from=" + java.net.URLEncoder.encode(t, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(times.status()).as(t + " → " + times.body()).isEqualTo(400);
            assertThat(times.json().get("error").asString()).contains("outside");
        }
        assertThat(StoreState.of(store)).isEqualTo(before);
    }

    /** A client error says what is wrong in a few words: no Java class, method or exception name. */
    static void assertClean(Http.Response r) {
        assertThat(r.status()).isNotEqualTo(500);
        assertThat(r.body()).doesNotContainPattern("(java|jakarta|org\\.springframework|io\\.flowscope|tools\\.jackson)\\.")
                .doesNotContainPattern("\\b[A-Z][A-Za-z]*[a-z](Exception|Error)\\b")
                .doesNotContain("\tat ");
        assertThat(r.body().length()).isLessThan(2_000);
    }
}
