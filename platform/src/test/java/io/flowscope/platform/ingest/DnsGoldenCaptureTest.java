package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.DnsCaptureSummary;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.StoreState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorded dnsmasq capture (see {@link DnsmasqCaptureTest}) against its golden files, without privileges: the
 * ids, names, types and rcodes tshark saw when it was recorded, the rows as the live test checks them, and every
 * column of every DNS row ({@code dnsmasq-dns.rows.txt}; {@code -Dflowscope.golden.update=true} writes it anew).
 */
class DnsGoldenCaptureTest {

    static final Path CAPTURE = Path.of("src/test/resources/captures/dnsmasq-dns.pcap");
    static final Path EXPECTED = Path.of("src/test/resources/captures/dnsmasq-dns.expected.json");
    static final Path ROWS = Path.of("src/test/resources/captures/dnsmasq-dns.rows.txt");
    static final String ALL_COLUMNS = "time|start_time|end_time|signal_source|ip4_0|ip4_1|client_port|server_port"
            + "|l7_protocol|l7_protocol_str|version|type|request_type|request_domain|request_resource|endpoint|request_id"
            + "|response_status|response_code|response_exception|response_duration|request_length|response_length"
            + "|attributes|response_result";

    @TempDir
    Path dir;

    private static int port() throws Exception {
        return Integer.parseInt(Files.readString(Path.of("src/test/resources/captures/dnsmasq-dns.port")).trim());
    }

    @Test
    void recordedDnsmasqCaptureMatchesItsGoldenFiles() throws Exception {
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            FileSummary s = Importing.importFile(store, CAPTURE);
            assertThat(s.fault()).isNull();
            assertThat(s.errors()).isEmpty();
            assertThat(s.requests()).containsEntry("dns", 5L).containsEntry("dns-tcp", 5L);
            try (Connection c = store.connection()) {
                assertThat(DnsCaptureSummary.flowscope(c)).isEqualTo(DnsCaptureSummary.readJson(EXPECTED));
                List<String> all = GoldenRowsTest.rows(c, "l7_flow_log", ALL_COLUMNS);
                if (Boolean.getBoolean("flowscope.golden.update")) {
                    Files.write(ROWS, all, StandardCharsets.UTF_8);
                }
                assertThat(all).hasSize(11).containsExactlyElementsOf(Files.readAllLines(ROWS, StandardCharsets.UTF_8));
            }
            assertThat(StoreState.rows(store, "SELECT " + DnsmasqCaptureTest.ROW_COLUMNS + ", server_port,"
                    + " request_id IS NOT NULL, response_duration IS NOT NULL FROM flow_log.l7_flow_log ORDER BY start_time"))
                    .containsExactlyElementsOf(DnsmasqCaptureTest.expectedRows(port()));
        }
    }

    /** Needs tshark: skipped with the reason without it, and a failure under CI=true. */
    @Test
    @Privileged(programs = "tshark")
    void goldenFileIsWhatTsharkSays() throws Exception {
        assertThat(DnsCaptureSummary.tshark(CAPTURE, port(), dir)).isEqualTo(DnsCaptureSummary.readJson(EXPECTED));
    }
}
