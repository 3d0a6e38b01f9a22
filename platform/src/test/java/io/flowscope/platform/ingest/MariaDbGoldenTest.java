package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.l7.FailurePolicy;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.MariaDbTraffic;
import io.flowscope.platform.testing.MysqlCaptureSummary;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.StoreState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorded MariaDB capture (see MariaDbCaptureTest) against its golden files, without privileges: every column
 * of every l7 row but the ids, what tshark saw when it was recorded, and the details a user looks at first (errors by
 * code, prepared statements, row counts, the compressed connection). Re-checking tshark's view needs tshark.
 * {@code -Dflowscope.golden.update=true} writes the rows anew from the capture (say why in the commit).
 */
class MariaDbGoldenTest {

    static final Path CAPTURE = Path.of("src/test/resources/captures/mariadb.pcap");
    static final Path EXPECTED = Path.of("src/test/resources/captures/mariadb.expected.json");
    static final Path ROWS = Path.of("src/test/resources/captures/mariadb.rows.txt");
    static final String L7_COLUMNS = "time|start_time|end_time|signal_source|client_port|server_port|l7_protocol|"
            + "l7_protocol_str|version|type|request_type|request_domain|request_resource|endpoint|request_id|"
            + "response_status|response_code|response_exception|response_result|sql_affected_rows|response_duration|"
            + "request_length|response_length|attributes|";

    @TempDir
    Path dir;

    @Test
    void everyColumnOfEveryRowIsAsRecorded() throws Exception {
        List<String> golden = Files.readAllLines(ROWS, StandardCharsets.UTF_8);
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            FileSummary s = Importing.importFile(store, CAPTURE);
            assertThat(s.fault()).isNull();
            // the one problem of the traffic: the compressed connection, reported and not parsed
            assertThat(s.errors()).containsExactly(java.util.Map.entry("mysql_compressed", 1L));
            try (Connection c = store.connection()) {
                List<String> ours = canonical(GoldenRowsTest.rows(c, "l7_flow_log", golden.get(0)));
                if (Boolean.getBoolean("flowscope.golden.update")) {
                    Files.write(ROWS, ours, StandardCharsets.UTF_8);
                    return;
                }
                assertThat(ours).containsExactlyElementsOf(golden);
            }
            checkDetails(store, MariaDbTraffic.SLAP_QUERIES);
        }
    }

    @Test
    void statementsAsSentEqualTheGoldenFile() throws Exception {
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("plain"));
             PluginHost plugins = PluginHost.start(Importing.pluginsDir(), List.of(), FailurePolicy.DEFAULT, false)) {
            new CaptureImporter(plugins, store).importFile(CAPTURE, CAPTURE.toString(), null);
            try (Connection c = store.connection()) {
                assertThat(MysqlCaptureSummary.flowscope(c)).isEqualTo(MysqlCaptureSummary.readJson(EXPECTED));
            }
        }
    }

    /** Needs tshark: skipped with the reason without it, and a failure under CI=true (which installs it). */
    @Test
    @Privileged(programs = "tshark")
    void goldenFileIsWhatTsharkSays() throws Exception {
        int port = Integer.parseInt(Files.readString(Path.of("src/test/resources/captures/mariadb.port")).trim());
        assertThat(MysqlCaptureSummary.tshark(CAPTURE, port, dir)).isEqualTo(MysqlCaptureSummary.readJson(EXPECTED));
    }

    /**
     * The rows with their attributes' keys sorted: the JSON is written in the order of the message's attribute map,
     * which plugin-api's L7Message does not keep from one JVM to the next.
     */
    static List<String> canonical(List<String> rows) {
        tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
        List<String> out = new java.util.ArrayList<>();
        for (String row : rows) {
            int at = row.lastIndexOf("|{");
            if (at < 0 || !row.endsWith("}|")) {
                out.add(row);
                continue;
            }
            java.util.TreeMap<?, ?> attrs = json.readValue(row.substring(at + 1, row.length() - 1), java.util.TreeMap.class);
            out.add(row.substring(0, at + 1) + json.writeValueAsString(attrs) + "|");
        }
        return out;
    }

    /** What the traffic of {@link MariaDbTraffic} is known to hold, on an import with obfuscation on (the default). */
    static void checkDetails(DuckDbStore store, int slapSelects) throws Exception {
        String mysql = " FROM flow_log.l7_flow_log WHERE l7_protocol_str = 'mysql' AND l7_protocol = 60";
        // every failing statement, by code: DeepFlow's rule makes the server's errors server errors
        assertThat(StoreState.rows(store, "SELECT response_code, response_status, count(*)" + mysql
                + " AND response_code IS NOT NULL GROUP BY ALL ORDER BY ALL"))
                .containsExactly("1062|3|2", "1064|3|1", "1146|3|4", "1243|3|1");
        assertThat(StoreState.rows(store, "SELECT response_exception" + mysql + " AND response_code = 1146 ORDER BY 1"))
                .containsExactly("42S02: Table 'shop.missing_table' doesn't exist", "42S02: Table 'shop.nowhere' doesn't exist",
                        "42S02: Table 'shop.nowhere' doesn't exist", "42S02: Table 'shop.other_missing' doesn't exist");
        // mariadb-slap: one row per statement the server counted
        assertThat(StoreState.rows(store, "SELECT count(*), count(*) FILTER (WHERE type = 2 AND response_status = 0"
                + " AND response_result = '1 row')" + mysql + " AND request_resource = 'SELECT name FROM shop.items WHERE id = ?'"))
                .containsExactly(slapSelects + "|" + slapSelects);
        // the command line: literals obfuscated, affected rows, row counts, the database of the connection
        assertThat(StoreState.rows(store, "SELECT request_type, request_domain, request_resource, response_result,"
                + " sql_affected_rows" + mysql + " AND json_extract_string(attributes, '$.command') = 'COM_QUERY'"
                + " AND request_domain IS NOT NULL AND client_port = (SELECT client_port" + mysql
                + " AND request_resource LIKE 'UPDATE items%') ORDER BY start_time"))
                .containsExactly(
                        "INSERT|shop|INSERT INTO items (id, name, price) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)|null|3",
                        "UPDATE|shop|UPDATE items SET price = price * ? WHERE name = ?|null|1",
                        "SELECT|shop|SELECT id, name, price FROM items WHERE price > ? ORDER BY id|2 rows|null",
                        "SELECT|shop|SELECT * FROM missing_table|null|null",
                        "SELEC|shop|SELEC ?|null|null",
                        "SELECT|shop|SELECT count(*) FROM items WHERE name LIKE ?|1 row|null",
                        "DELETE|shop|DELETE FROM items WHERE id = ?|null|1",
                        "SELECT|shop|SELECT * FROM other_missing WHERE id = ?|null|null",
                        "INSERT|shop|INSERT INTO items VALUES (?, ?, ?)|null|null",
                        "SELECT|shop|SELECT DATABASE()|1 row|null",
                        "SELECT|mysql|SELECT ?|1 row|null");
        // Connector/J's server-side prepared statements: each EXECUTE shows the statement prepared
        assertThat(StoreState.rows(store, "SELECT request_type, request_resource, response_status, coalesce(response_result, ''),"
                + " coalesce(sql_affected_rows, -1), coalesce(response_code, 0)" + mysql
                + " AND json_extract_string(attributes, '$.command') = 'COM_STMT_EXECUTE' ORDER BY start_time"))
                .containsExactly(
                        "INSERT|INSERT INTO items (id, name, price) VALUES (?, ?, ?)|0||1|0",
                        "INSERT|INSERT INTO items (id, name, price) VALUES (?, ?, ?)|0||1|0",
                        "INSERT|INSERT INTO items (id, name, price) VALUES (?, ?, ?)|0||1|0",
                        "SELECT|SELECT id, name FROM items WHERE id >= ?|0|3 rows|-1|0",
                        "SELECT|SELECT id, name FROM items WHERE id >= ?|0|2 rows|-1|0",
                        // pipelined behind a prepare that failed: the statement it names is the one sent before it
                        "SELECT|SELECT * FROM nowhere WHERE id = ?|3||-1|1243",
                        "INSERT|INSERT INTO items (id, name, price) VALUES (?, ?, ?)|3||-1|1062");
        assertThat(StoreState.rows(store, "SELECT request_resource, response_status, coalesce(response_code, 0),"
                + " json_extract_string(attributes, '$.params')" + mysql + " AND request_type = 'COM_STMT_PREPARE' ORDER BY start_time"))
                .containsExactly(
                        "INSERT INTO items (id, name, price) VALUES (?, ?, ?)|0|0|3",
                        "SELECT id, name FROM items WHERE id >= ?|0|0|1",
                        "SELECT * FROM nowhere WHERE id = ?|3|1146|null",
                        "INSERT INTO items (id, name, price) VALUES (?, ?, ?)|0|0|3");
        // no response expected: one row each, never a timeout
        assertThat(StoreState.rows(store, "SELECT request_type, type, response_status, count(*)" + mysql
                + " AND request_type IN ('COM_QUIT', 'COM_STMT_CLOSE') GROUP BY ALL ORDER BY ALL"))
                .containsExactly("COM_QUIT|0|0|9", "COM_STMT_CLOSE|0|0|3");
        // the compressed connection is said so, and parsed no further than its login
        assertThat(StoreState.rows(store, "SELECT type, response_status, json_extract_string(attributes, '$.compression')" + mysql
                + " AND json_extract_string(attributes, '$.compression') IS NOT NULL"))
                .containsExactly("2|0|zlib");
        // every row a session but those that expect no response; nothing lost, nothing unknown
        assertThat(StoreState.rows(store, "SELECT count(*) FILTER (WHERE type <> 2 AND request_type NOT IN ('COM_QUIT',"
                + " 'COM_STMT_CLOSE')), count(*) FILTER (WHERE response_status IN (2, 5, 6)),"
                + " count(*) FILTER (WHERE attributes LIKE '%incomplete%')" + mysql)).containsExactly("0|0|0");
    }
}
