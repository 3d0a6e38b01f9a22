package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.testing.GrpcCaptureSummary;
import io.flowscope.platform.testing.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorded gRPC capture (see {@link GrpcCaptureTest}) against what tshark saw when it was recorded. */
class GrpcGoldenTest {

    static final Path GOLDEN = Path.of("src/test/resources/captures");

    @TempDir
    Path dir;

    /** Needs tshark: skipped with the reason without it, and a failure under CI=true (which installs it). */
    @Test
    @Privileged(programs = "tshark")
    void goldenFileIsWhatTsharkSays() throws Exception {
        int port = Integer.parseInt(Files.readString(GOLDEN.resolve("grpc.port")).trim());
        assertThat(GrpcCaptureSummary.tshark(GOLDEN.resolve("grpc.pcap"), port, dir))
                .isEqualTo(GrpcCaptureSummary.readJson(GOLDEN.resolve("grpc.expected.json")));
    }
}
