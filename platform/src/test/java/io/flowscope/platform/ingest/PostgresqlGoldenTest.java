package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.PostgresCaptureSummary;
import io.flowscope.platform.testing.Privileged;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorded PostgreSQL capture (see {@link PostgresqlCaptureTest}) against its golden files, without
 * privileges: what tshark saw when it was recorded ({@code postgresql-15.expected.json}), what pgbench reported
 * ({@code postgresql-15.pgbench}), and every column of every l7 row but the ids ({@code postgresql-15.rows.txt};
 * {@code -Dflowscope.golden.update=true} writes it anew: say why in the commit). Re-checking tshark's view
 * needs tshark.
 */
class PostgresqlGoldenTest {

    static final Path GOLDEN = Path.of("src/test/resources/captures");
    static final Path CAPTURE = GOLDEN.resolve("postgresql-15.pcap");
    static final Path EXPECTED = GOLDEN.resolve("postgresql-15.expected.json");
    static final Path ROWS = GOLDEN.resolve("postgresql-15.rows.txt");
    static final String HEADER = "start_time|end_time|signal_source|ip4_0|ip4_1|client_port|server_port|l7_protocol"
            + "|l7_protocol_str|type|request_type|request_domain|request_resource|endpoint|response_status"
            + "|response_code|response_exception|response_result|sql_affected_rows|response_duration|request_length"
            + "|response_length|attributes|";

    @TempDir
    Path dir;

    @Test
    void recordedCaptureGivesItsGoldenRows() throws Exception {
        PostgresCaptureSummary expected = PostgresCaptureSummary.readJson(EXPECTED);
        List<String> golden = Files.readAllLines(ROWS, StandardCharsets.UTF_8);
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            FileSummary s = Importing.importFile(store, CAPTURE);
            assertThat(s.fault()).isNull();
            assertThat(s.errors()).isEmpty();
            try (Connection c = store.connection()) {
                assertThat(PostgresCaptureSummary.flowscope(c, expected.sslRequests())).isEqualTo(expected);
                PostgresqlRows.check(c, PostgresqlRows.read(GOLDEN.resolve("postgresql-15.pgbench")));
                List<String> ours = GoldenRowsTest.rows(c, "l7_flow_log", golden.get(0));
                if (Boolean.getBoolean("flowscope.golden.update")) {
                    Files.write(ROWS, ours, StandardCharsets.UTF_8);
                    return;
                }
                assertThat(ours).containsExactlyElementsOf(golden);
            }
        }
    }

    /** Needs tshark: skipped with the reason without it, and a failure under CI=true (which installs it). */
    @Test
    @Privileged(programs = "tshark")
    void goldenFileIsWhatTsharkSays() throws Exception {
        int port = Integer.parseInt(Files.readString(GOLDEN.resolve("postgresql-15.port")).trim());
        assertThat(PostgresCaptureSummary.tshark(CAPTURE, port, dir)).isEqualTo(PostgresCaptureSummary.readJson(EXPECTED));
    }
}
