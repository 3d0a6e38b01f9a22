package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.HttpCaptureSummary;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorded nginx capture (see NginxCaptureTest) against its golden file: what tshark saw when it
 * was recorded. The golden rows are checked without tshark; re-checking the golden file needs tshark.
 */
class GoldenCaptureTest {

    static final Path CAPTURE = Path.of("src/test/resources/captures/nginx-http1.pcap");
    static final Path EXPECTED = Path.of("src/test/resources/captures/nginx-http1.expected.json");

    @TempDir
    Path dir;

    @Test
    void recordedNginxCaptureMatchesItsGoldenFile() throws Exception {
        HttpCaptureSummary expected = HttpCaptureSummary.readJson(EXPECTED);
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            FileSummary s = Importing.importFile(store, CAPTURE);
            assertThat(s.fault()).isNull();
            assertThat(s.errors()).isEmpty();
            assertThat(s.flows()).containsEntry("tcp", (long) expected.tcpConversations());
            try (Connection c = store.connection()) {
                assertThat(HttpCaptureSummary.flowscope(c, expected.interimResponses())).isEqualTo(expected);
                checkDetails(c);
            }
        }
    }

    /** A few fields a demanding user looks at first. */
    private static void checkDetails(Connection c) throws Exception {
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT trace_id, span_id, response_code, type FROM flow_log.l7_flow_log"
                    + " WHERE trace_id IS NOT NULL")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
                assertThat(rs.getString(2)).isEqualTo("00f067aa0ba902b7");
                assertThat(rs.getInt(3)).isEqualTo(200);
                assertThat(rs.getInt(4)).isEqualTo(2);
            }
            // every request of the capture has its response: all rows are sessions with a duration
            try (ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE type <> 2 OR response_duration IS NULL),"
                    + " count(*) FILTER (WHERE response_status = 4), count(*) FILTER (WHERE response_status = 3)"
                    + " FROM flow_log.l7_flow_log")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
                assertThat(rs.getInt(2)).isEqualTo(4); // 404 404 405 418
                assertThat(rs.getInt(3)).isEqualTo(1); // 500
            }
            // flows: handshakes seen, so every flow is oriented with certainty and its RTT is measured
            try (ResultSet rs = s.executeQuery("SELECT min(direction_score), count(rtt), count(*),"
                    + " count(*) FILTER (WHERE close_type = 1), sum(l7_request) FROM flow_log.l4_flow_log")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(255);
                assertThat(rs.getInt(2)).isEqualTo(rs.getInt(3));
                assertThat(rs.getInt(4)).isEqualTo(rs.getInt(3));
                assertThat(rs.getInt(5)).isEqualTo(17);
            }
        }
    }

    /** Needs tshark: skipped with the reason without it, and a failure under CI=true (which installs it). */
    @Test
    @Privileged(programs = "tshark")
    void goldenFileIsWhatTsharkSays() throws Exception {
        int port = Integer.parseInt(Files.readString(Path.of("src/test/resources/captures/nginx-http1.port")).trim());
        assertThat(HttpCaptureSummary.tshark(CAPTURE, port, dir)).isEqualTo(HttpCaptureSummary.readJson(EXPECTED));
    }
}
