package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Http2CaptureSummary;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Http2Traffic;
import io.flowscope.platform.testing.Nginx;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.Tcpdump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live: nginx (Debian's) serving h2c by prior knowledge on a random loopback port to curl's parallel transfers
 * ({@link Http2Traffic}), captured by tcpdump, dissected by tshark and imported by Flowscope, which sees what tshark sees: every request by method and path, every
 * response by status, as sent.
 *
 * <p>With {@code -Dflowscope.golden.update=true} the capture, its port and tshark's view are saved as golden files.
 */
@Privileged(programs = {"nginx", "curl", "tcpdump", "tshark"})
class Http2CaptureTest {

    @TempDir
    Path dir;

    @Test
    void theCaptureHoldsTheKnownStreamsAsTsharkSeesThem() throws Exception {
        Path capture = dir.resolve("http2.pcap");
        int port;
        try (Nginx nginx = Nginx.startHttp2(Files.createDirectories(dir.resolve("nginx")))) {
            port = nginx.port();
            try (Tcpdump tcpdump = Tcpdump.start(capture, "tcp port " + port)) {
                Http2Traffic.drive(port, dir);
            }
        }
        Http2CaptureSummary tshark = Http2CaptureSummary.tshark(capture, port, dir);
        Map<String, Integer> byPath = new TreeMap<>();
        Http2Traffic.expectedPaths().forEach((path, n) -> byPath.put("GET " + path, n));
        assertThat(tshark).as(tshark.toJson()).isEqualTo(new Http2CaptureSummary(byPath, Http2Traffic.expectedStatuses()));

        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            FileSummary summary = Importing.importFile(store, capture);
            assertThat(summary.fault()).isNull();
            assertThat(summary.errors()).isEmpty();
            try (Connection c = store.connection()) {
                assertThat(Http2CaptureSummary.flowscope(c)).isEqualTo(tshark);
            }
        }

        if (Boolean.getBoolean("flowscope.golden.update")) {
            Path golden = Path.of("src/test/resources/captures");
            Files.copy(capture, golden.resolve("http2.pcap"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(golden.resolve("http2.expected.json"), tshark.toJson());
            Files.writeString(golden.resolve("http2.port"), port + "\n");
        }
    }
}
