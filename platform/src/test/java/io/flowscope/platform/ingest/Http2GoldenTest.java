package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.testing.Http2CaptureSummary;
import io.flowscope.platform.testing.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorded h2c capture (see {@link Http2CaptureTest}) against what tshark saw when it was recorded. */
class Http2GoldenTest {

    static final Path GOLDEN = Path.of("src/test/resources/captures");

    @TempDir
    Path dir;

    /** Needs tshark: skipped with the reason without it, and a failure under CI=true (which installs it). */
    @Test
    @Privileged(programs = "tshark")
    void goldenFileIsWhatTsharkSays() throws Exception {
        int port = Integer.parseInt(Files.readString(GOLDEN.resolve("http2.port")).trim());
        assertThat(Http2CaptureSummary.tshark(GOLDEN.resolve("http2.pcap"), port, dir))
                .isEqualTo(Http2CaptureSummary.readJson(GOLDEN.resolve("http2.expected.json")));
    }
}
