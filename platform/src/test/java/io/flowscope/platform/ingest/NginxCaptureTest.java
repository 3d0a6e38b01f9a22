package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.HttpCaptureSummary;
import io.flowscope.platform.testing.HttpTraffic;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Nginx;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.Tcpdump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live: nginx on loopback, driven by curl and raw sockets, captured by tcpdump, imported by Flowscope and
 * dissected by tshark. TCP flows equal tshark's conversations (the traffic reuses one 4-tuple after a
 * close: both count it twice), and HTTP requests and status codes equal tshark's (tshark's 1xx interim
 * responses are not answers and are left out, see {@link HttpCaptureSummary}).
 *
 * <p>With {@code -Dflowscope.golden.update=true} the capture and tshark's view are saved as the golden
 * files of {@code GoldenCaptureTest}.
 */
@Privileged(programs = {"nginx", "tcpdump", "tshark", "curl"})
class NginxCaptureTest {

    @TempDir
    Path dir;

    @Test
    void importAgreesWithTshark() throws Exception {
        Path capture = dir.resolve("nginx-http1.pcap");
        int port;
        try (Nginx nginx = Nginx.start(dir)) {
            port = nginx.port();
            try (Tcpdump tcpdump = Tcpdump.start(capture, "tcp port " + port)) {
                HttpTraffic.drive(port, dir);
            }
        }
        HttpCaptureSummary tshark = HttpCaptureSummary.tshark(capture, port, dir);
        assertThat(tshark.requests()).hasSizeGreaterThanOrEqualTo(15);
        assertThat(tshark.interimResponses()).isEqualTo(1);

        FileSummary summary;
        HttpCaptureSummary ours;
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            summary = Importing.importFile(store, capture);
            try (Connection c = store.connection()) {
                ours = HttpCaptureSummary.flowscope(c, tshark.interimResponses());
            }
        }
        assertThat(summary.fault()).isNull();
        assertThat(summary.errors()).isEmpty();
        assertThat(ours).isEqualTo(tshark);
        assertThat(summary.requests()).containsEntry("http1", (long) tshark.requests().size());

        if (Boolean.getBoolean("flowscope.golden.update")) {
            Path golden = Path.of("src/test/resources/captures");
            Files.createDirectories(golden);
            Files.copy(capture, golden.resolve("nginx-http1.pcap"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(golden.resolve("nginx-http1.expected.json"), tshark.toJson());
            Files.writeString(golden.resolve("nginx-http1.port"), port + "\n");
        }
    }
}
