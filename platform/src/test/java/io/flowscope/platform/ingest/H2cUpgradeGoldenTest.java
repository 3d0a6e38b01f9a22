package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.H2cUpgradeSummary;
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
 * The recorded h2c-by-upgrade (Jetty 12 and curl {@code --http2}) capture (see {@link H2cUpgradeCaptureTest}) against
 * its golden files, without privileges: tshark's view of both sides of the switch when it was recorded
 * ({@code h2c-upgrade.expected.json}), which Flowscope's import equals, and every column of every l7 row but the ids
 * ({@code h2c-upgrade.rows.txt}: each connection's HTTP/1.1 row answered by 101, then its HTTP/2 rows, stream 1's with
 * the upgraded request; {@code -Dflowscope.golden.update=true} writes it anew: say why in the commit). Re-checking
 * tshark's view needs tshark.
 */
class H2cUpgradeGoldenTest {

    static final Path GOLDEN = Path.of("src/test/resources/captures");
    static final Path CAPTURE = GOLDEN.resolve("h2c-upgrade.pcap");
    static final Path EXPECTED = GOLDEN.resolve("h2c-upgrade.expected.json");
    static final Path ROWS = GOLDEN.resolve("h2c-upgrade.rows.txt");
    /** The columns of Http2GoldenTest: l7_protocol tells the HTTP/1.1 rows from the HTTP/2 ones. */
    static final String HEADER = Http2GoldenTest.HEADER;

    @TempDir
    Path dir;

    @Test
    void recordedCaptureGivesTsharksViewAndItsGoldenRows() throws Exception {
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            FileSummary s = Importing.importFile(store, CAPTURE);
            assertThat(s.fault()).isNull();
            assertThat(s.errors()).isEmpty();
            try (Connection c = store.connection()) {
                assertThat(H2cUpgradeSummary.flowscope(c)).isEqualTo(H2cUpgradeSummary.readJson(EXPECTED));
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
        int port = Integer.parseInt(Files.readString(GOLDEN.resolve("h2c-upgrade.port")).trim());
        assertThat(H2cUpgradeSummary.tshark(CAPTURE, port, dir)).isEqualTo(H2cUpgradeSummary.readJson(EXPECTED));
    }
}
