package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.GrpcCaptureSummary;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Privileged;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorded gRPC (gRPC-java server and client) capture (see {@link GrpcCaptureTest}) against its golden files, without privileges:
 * tshark's view when it was recorded ({@code grpc.expected.json}), which Flowscope's import equals, and every column of
 * every l7 row but the ids ({@code grpc.rows.txt}; {@code -Dflowscope.golden.update=true} writes it anew: say why in the
 * commit). Re-checking tshark's view needs tshark.
 */
class GrpcGoldenTest {

    static final Path GOLDEN = Path.of("src/test/resources/captures");
    static final Path CAPTURE = GOLDEN.resolve("grpc.pcap");
    static final Path EXPECTED = GOLDEN.resolve("grpc.expected.json");
    static final Path ROWS = GOLDEN.resolve("grpc.rows.txt");
    static final String HEADER = "start_time|end_time|signal_source|client_port|server_port|l7_protocol|l7_protocol_str"
            + "|type|version|request_type|request_domain|request_resource|endpoint|response_status|response_code"
            + "|response_exception|response_duration|request_length|response_length|request_id|trace_id|attributes|";

    @TempDir
    Path dir;

    @Test
    void recordedCaptureGivesTsharksViewAndItsGoldenRows() throws Exception {
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            FileSummary s = Importing.importFile(store, CAPTURE);
            assertThat(s.fault()).isNull();
            assertThat(s.errors()).isEmpty();
            try (Connection c = store.connection()) {
                assertThat(GrpcCaptureSummary.flowscope(c)).isEqualTo(GrpcCaptureSummary.readJson(EXPECTED));
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
    void goldenFileIsWhatTsharkSays() throws Exception {
        int port = Integer.parseInt(Files.readString(GOLDEN.resolve("grpc.port")).trim());
        assertThat(GrpcCaptureSummary.tshark(CAPTURE, port, dir)).isEqualTo(GrpcCaptureSummary.readJson(EXPECTED));
    }
}
