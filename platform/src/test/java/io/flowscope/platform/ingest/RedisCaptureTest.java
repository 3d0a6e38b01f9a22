package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.Redis;
import io.flowscope.platform.testing.RedisCaptureSummary;
import io.flowscope.platform.testing.RedisTraffic;
import io.flowscope.platform.testing.Tcpdump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live: redis-server (Debian's) on a random loopback port, driven by redis-benchmark, redis-cli and raw sockets
 * ({@link RedisTraffic}), captured by tcpdump, imported by Flowscope and dissected by tshark's RESP dissector. The
 * commands (by name and count) and the error replies equal tshark's; the rows are checked as
 * {@link RedisGoldenCaptureTest} checks the golden capture.
 *
 * <p>With {@code -Dflowscope.golden.update=true} the capture, its port and tshark's view are saved as the golden
 * files of {@code RedisGoldenCaptureTest} (then run it with the same flag to write the expected rows).
 */
@Privileged(programs = {"redis-server", "redis-cli", "redis-benchmark", "tcpdump", "tshark"})
class RedisCaptureTest {

    @TempDir
    Path dir;

    @Test
    void importAgreesWithTsharkAndEveryRowIsAsDeepFlowWouldShowIt() throws Exception {
        Path capture = dir.resolve("redis.pcap");
        int port = 0;
        RedisCaptureSummary tshark = null;
        // tcpdump on this shared machine loses packets of redis-benchmark's bursts now and then (tshark then sees
        // fewer commands than were sent): such a capture is recorded again, at most twice
        for (int attempt = 1; attempt <= 3; attempt++) {
            Path attemptDir = Files.createDirectories(dir.resolve("attempt-" + attempt));
            try (Redis redis = Redis.start(attemptDir.resolve("l7-redis-server"))) {
                port = redis.port();
                try (Tcpdump tcpdump = Tcpdump.start(capture, "tcp port " + port)) {
                    RedisTraffic.drive(port, attemptDir);
                }
            }
            tshark = RedisCaptureSummary.tshark(capture, port, dir);
            if (tshark.commands().getOrDefault("SET", 0) == RedisTraffic.BENCHMARK_REQUESTS + 2
                    && tshark.commands().getOrDefault("GET", 0) == RedisTraffic.BENCHMARK_REQUESTS + 4) {
                break;
            }
            System.err.println("RedisCaptureTest: capture " + attempt + " is incomplete (tshark: " + tshark.commands()
                    + "), recording it again");
        }
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            FileSummary summary = Importing.importFile(store, capture);
            assertThat(summary.fault()).isNull();
            assertThat(summary.errors()).isEmpty();
            try (Connection c = store.connection()) {
                assertThat(RedisCaptureSummary.flowscope(c)).isEqualTo(tshark);
            }
            assertThat(summary.requests()).containsEntry("redis", (long) tshark.requests());
            RedisGoldenCaptureTest.checkRows(store);
        }

        if (Boolean.getBoolean("flowscope.golden.update")) {
            Path golden = Path.of("src/test/resources/captures");
            Files.copy(capture, golden.resolve("redis.pcap"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(golden.resolve("redis.expected.json"), tshark.toJson());
            Files.writeString(golden.resolve("redis.port"), port + "\n");
        }
    }
}
