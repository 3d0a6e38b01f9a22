package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.RedisCaptureSummary;
import io.flowscope.platform.testing.RedisTraffic;
import io.flowscope.platform.testing.StoreState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorded Redis capture (see {@link RedisCaptureTest}) against its golden files, without tshark: the commands
 * and errors tshark saw when it was recorded ({@code redis.expected.json}), redis-benchmark's 20,000 SET and GET
 * requests each paired with its reply, and every column of every other row ({@code redis.rows.txt}: the
 * redis-cli script with its errors, MULTI/EXEC, AUTH, the RESP2 pub/sub and the RESP3 sessions).
 * {@code -Dflowscope.golden.update=true} writes the rows file anew (say why in the commit).
 */
class RedisGoldenCaptureTest {

    static final Path CAPTURE = Path.of("src/test/resources/captures/redis.pcap");
    static final Path EXPECTED = Path.of("src/test/resources/captures/redis.expected.json");
    static final Path ROWS = Path.of("src/test/resources/captures/redis.rows.txt");
    /** The columns of the rows file: every column DeepFlow's l7_flow_log has for Redis, but ids and addresses. */
    static final String COLUMNS = "start_time|end_time|client_port|server_port|l7_protocol|l7_protocol_str|version|type"
            + "|request_type|request_domain|request_resource|endpoint|request_id|response_status|response_code"
            + "|response_exception|response_result|sql_affected_rows|response_duration|request_length|response_length|attributes";
    /** redis-benchmark's connections: every one of their rows is a SET or GET of key:__rand_int__. */
    static final String BENCHMARK = "request_resource IN ('SET key:__rand_int__ ?', 'GET key:__rand_int__')";

    @TempDir
    Path dir;

    @Test
    void recordedRedisCaptureMatchesItsGoldenFiles() throws Exception {
        RedisCaptureSummary expected = RedisCaptureSummary.readJson(EXPECTED);
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            FileSummary s = Importing.importFile(store, CAPTURE);
            assertThat(s.fault()).isNull();
            assertThat(s.errors()).isEmpty();
            try (Connection c = store.connection()) {
                assertThat(RedisCaptureSummary.flowscope(c)).isEqualTo(expected);
            }
            checkRows(store);
            List<String> rows = StoreState.rows(store, "SELECT " + COLUMNS.replace('|', ',')
                    + " FROM flow_log.l7_flow_log WHERE l7_protocol = 80 AND NOT coalesce(" + BENCHMARK + ", false)"
                    + " ORDER BY start_time, end_time, request_type, type");
            if (Boolean.getBoolean("flowscope.golden.update")) {
                Files.writeString(ROWS, COLUMNS + "\n" + String.join("\n", rows) + "\n", StandardCharsets.UTF_8);
                return;
            }
            List<String> lines = Files.readAllLines(ROWS, StandardCharsets.UTF_8);
            assertThat(lines.get(0)).isEqualTo(COLUMNS);
            assertThat(rows).containsExactlyElementsOf(lines.subList(1, lines.size()));
        }
    }

    /** What holds for any capture of {@link RedisTraffic}, live or golden. */
    static void checkRows(DuckDbStore store) throws Exception {
        // redis-benchmark: exactly 20,000 SET and GET requests, each paired with its reply, none failed
        assertThat(StoreState.rows(store, "SELECT request_type, count(*), count(*) FILTER (WHERE type = 2 AND response_status = 0"
                + " AND response_duration IS NOT NULL AND response_length > 0) FROM flow_log.l7_flow_log WHERE l7_protocol = 80 AND "
                + BENCHMARK + " GROUP BY 1 ORDER BY 1"))
                .containsExactly("GET|" + RedisTraffic.BENCHMARK_REQUESTS + "|" + RedisTraffic.BENCHMARK_REQUESTS,
                        "SET|" + RedisTraffic.BENCHMARK_REQUESTS + "|" + RedisTraffic.BENCHMARK_REQUESTS);
        // the script's errors: client errors (DeepFlow's choice), the text with its prefix
        assertThat(StoreState.rows(store, "SELECT request_resource, response_exception FROM flow_log.l7_flow_log"
                + " WHERE response_status = 3 ORDER BY start_time"))
                .containsExactly(
                        "GET list:1|" + RedisTraffic.SCRIPT_ERRORS.get(0),
                        "FOO bar|" + RedisTraffic.SCRIPT_ERRORS.get(1),
                        "GET|" + RedisTraffic.SCRIPT_ERRORS.get(2),
                        "INCR user:1|" + RedisTraffic.SCRIPT_ERRORS.get(3),
                        "AUTH ?|" + RedisTraffic.SCRIPT_ERRORS.get(4));
        // no password anywhere, values obfuscated
        assertThat(StoreState.rows(store, "SELECT count(*) FROM flow_log.l7_flow_log WHERE request_resource LIKE '%secret%'"
                + " OR request_resource LIKE '% pw%' OR request_resource LIKE '%alice%' OR request_resource LIKE '%hello%'"))
                .containsExactly("0");
        // MULTI/EXEC: each queued command answered by +QUEUED, EXEC by its array
        assertThat(StoreState.rows(store, "SELECT request_resource, response_length FROM flow_log.l7_flow_log"
                + " WHERE request_type IN ('MULTI', 'EXEC') OR request_resource IN ('SET k:1 ?', 'INCR k:1') ORDER BY start_time"))
                .containsExactly("MULTI|5", "SET k:1 ?|9", "INCR k:1|9", "EXEC|13");
        // pub/sub: SUBSCRIBE's two confirmations are its one reply; messages are lone responses saying what they are
        // (their payload, a value, never kept) with their number among the connection's pushes as request_id
        assertThat(StoreState.rows(store, "SELECT type, request_resource, response_result, request_id, response_status"
                + " FROM flow_log.l7_flow_log WHERE request_type LIKE '%SUBSCRIBE' OR response_result IS NOT NULL"
                + " ORDER BY start_time, type"))
                .containsExactly(
                        "2|SUBSCRIBE ch1 ch2|null|null|0",
                        "1|null|message ch1|1|0",
                        "2|PSUBSCRIBE c*|null|null|0",
                        "1|null|message ch2|2|0",
                        "1|null|pmessage c* ch2|3|0",
                        "2|UNSUBSCRIBE ch1 ch2|null|null|0",
                        "2|PUNSUBSCRIBE c*|null|null|0",
                        "2|SUBSCRIBE ch3|null|null|0",
                        "1|null|message ch3|1|0",
                        "2|UNSUBSCRIBE ch3|null|null|0");
        // nothing waits without a reply: every request was answered (pushes are the only lone rows)
        assertThat(StoreState.rows(store, "SELECT count(*) FROM flow_log.l7_flow_log WHERE l7_protocol = 80 AND type = 0"))
                .containsExactly("0");
    }

    /** Needs tshark: skipped with the reason without it, and a failure under CI=true (which installs it). */
    @Test
    @Privileged(programs = "tshark")
    void goldenFileIsWhatTsharkSays() throws Exception {
        int port = Integer.parseInt(Files.readString(Path.of("src/test/resources/captures/redis.port")).trim());
        assertThat(RedisCaptureSummary.tshark(CAPTURE, port, dir)).isEqualTo(RedisCaptureSummary.readJson(EXPECTED));
    }
}
