package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.KafkaCaptureSummary;
import io.flowscope.platform.testing.Privileged;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorded Kafka capture (see {@link KafkaCaptureTest}: a KRaft broker, kafka-clients' admin client, producer
 * and consumer) against its golden files, without privileges: kafka-clients' reading of it, which tshark's
 * agrees with for the requests ({@code kafka.expected.json}) and every column of every l7 row but the ids ({@code kafka.rows.txt};
 * {@code -Dflowscope.golden.update=true} writes it anew: say why in the commit). Re-checking tshark's view needs
 * tshark.
 */
class KafkaGoldenTest {

    static final Path GOLDEN = Path.of("src/test/resources/captures");
    static final Path CAPTURE = GOLDEN.resolve("kafka.pcap");
    static final Path EXPECTED = GOLDEN.resolve("kafka.expected.json");
    static final Path ROWS = GOLDEN.resolve("kafka.rows.txt");
    static final String HEADER = "start_time|end_time|signal_source|ip4_0|ip4_1|client_port|server_port|l7_protocol"
            + "|l7_protocol_str|type|version|request_type|request_domain|request_resource|endpoint|response_status"
            + "|response_code|response_exception|response_duration|request_length|response_length|trace_id|attributes|";

    @TempDir
    Path dir;

    @Test
    void recordedCaptureGivesKafkaClientsViewAndItsGoldenRows() throws Exception {
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            FileSummary s = Importing.importFile(store, CAPTURE);
            assertThat(s.fault()).isNull();
            assertThat(s.errors()).isEmpty();
            try (Connection c = store.connection()) {
                KafkaCaptureSummary expected = KafkaCaptureSummary.readJson(EXPECTED);
                assertThat(KafkaCaptureSummary.flowscope(c)).isEqualTo(expected);
                assertThat(s.requests()).containsEntry("kafka", (long) expected.requestCount());
                // the second CreateTopics of the same topic: refused
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT response_code, response_exception, response_status"
                             + " FROM flow_log.l7_flow_log WHERE request_type = 'CreateTopics' ORDER BY start_time")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isZero();
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(36);
                    assertThat(rs.getString(2)).isEqualTo("TOPIC_ALREADY_EXISTS");
                    assertThat(rs.getInt(3)).isEqualTo(3);
                    assertThat(rs.next()).isFalse();
                }
                // kafka-clients 4.1 produces (v13) and fetches (v18) by topic id; the admin client's CreateTopics and
                // the producer's Metadata, on other connections, named the ids
                assertThat(KafkaCaptureSummary.topicsById(c)).isEqualTo(java.util.Map.of(
                        "Produce orders", 7, "Produce payments", 3, "Fetch payments", 2));
                List<String> ours = GoldenRowsTest.rows(c, "l7_flow_log", HEADER);
                if (Boolean.getBoolean("flowscope.golden.update")) {
                    Files.write(ROWS, ours, StandardCharsets.UTF_8);
                    return;
                }
                assertThat(ours).containsExactlyElementsOf(Files.readAllLines(ROWS, StandardCharsets.UTF_8));
            }
        }
    }

    /** Needs tshark: skipped with the reason without it, and a failure under CI=true (which installs it). */
    @Test
    @Privileged(programs = "tshark")
    void goldenFileIsWhatKafkaClientsAndTsharkSay() throws Exception {
        int port = Integer.parseInt(Files.readString(GOLDEN.resolve("kafka.port")).trim());
        KafkaCaptureSummary expected = KafkaCaptureSummary.readJson(EXPECTED);
        assertThat(KafkaCaptureSummary.kafkaClients(CAPTURE, port, dir)).isEqualTo(expected);
        assertThat(KafkaCaptureSummary.tsharkRequests(CAPTURE, port, dir)).isEqualTo(expected.requests());
    }
}
