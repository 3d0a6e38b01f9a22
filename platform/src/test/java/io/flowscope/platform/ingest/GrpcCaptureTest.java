package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.GrpcCaptureSummary;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.GrpcTraffic;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.Tcpdump;
import io.grpc.Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live: a gRPC-java server and client (Netty, h2c) on loopback making the known calls of {@link GrpcTraffic},
 * captured by tcpdump, dissected by tshark and imported by Flowscope, which sees what tshark sees: every call by method, every trailer's grpc-status (OK, NOT_FOUND),
 * the client's reset of the call that passed its deadline (RST_STREAM CANCEL), and the messages each way.
 *
 * <p>With {@code -Dflowscope.golden.update=true} the capture, its port and tshark's view are saved as golden files.
 */
@Privileged(programs = {"tcpdump", "tshark"})
class GrpcCaptureTest {

    @TempDir
    Path dir;

    @Test
    void theCaptureHoldsTheKnownCallsAsTsharkSeesThem() throws Exception {
        Path capture = dir.resolve("grpc.pcap");
        Server server = GrpcTraffic.startServer();
        int port = server.getPort();
        try (Tcpdump tcpdump = Tcpdump.start(capture, "tcp port " + port)) {
            GrpcTraffic.drive(port);
        } finally {
            server.shutdownNow();
            server.awaitTermination(10, TimeUnit.SECONDS);
        }
        GrpcCaptureSummary tshark = GrpcCaptureSummary.tshark(capture, port, dir);
        int ok = GrpcTraffic.UNARY_OK + GrpcTraffic.SERVER_STREAMS + GrpcTraffic.CLIENT_STREAMS;
        assertThat(tshark.calls()).as(tshark.toJson()).isEqualTo(GrpcTraffic.expectedPaths());
        assertThat(tshark.statuses()).as(tshark.toJson()).isEqualTo(Map.of(0, ok, 5, GrpcTraffic.UNARY_NOT_FOUND));
        assertThat(tshark.resets()).as(tshark.toJson()).isEqualTo(Map.of("CANCEL", GrpcTraffic.SLOW));
        assertThat(tshark.requestMessages()).isEqualTo(GrpcTraffic.expectedRequestMessages());
        assertThat(tshark.responseMessages()).isEqualTo(GrpcTraffic.expectedResponseMessages());

        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            FileSummary summary = Importing.importFile(store, capture);
            assertThat(summary.fault()).isNull();
            assertThat(summary.errors()).isEmpty();
            try (Connection c = store.connection()) {
                assertThat(GrpcCaptureSummary.flowscope(c)).isEqualTo(tshark);
            }
        }

        if (Boolean.getBoolean("flowscope.golden.update")) {
            Path golden = Path.of("src/test/resources/captures");
            Files.copy(capture, golden.resolve("grpc.pcap"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(golden.resolve("grpc.expected.json"), tshark.toJson());
            Files.writeString(golden.resolve("grpc.port"), port + "\n");
        }
    }
}
