package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.H2cUpgradeSummary;
import io.flowscope.platform.testing.H2cUpgradeTraffic;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.JettyH2c;
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
 * Live: Jetty 12 ({@link JettyH2c}) taking {@code Upgrade: h2c} from curl {@code --http2} ({@link H2cUpgradeTraffic})
 * on a random loopback port, captured by tcpdump, dissected by tshark and imported by Flowscope, which sees what
 * tshark sees on both sides of the switch: each connection's HTTP/1.1 request answered by 101, then every HTTP/2
 * request by method and path (stream 1's being the upgraded one) and every response by status, as sent.
 *
 * <p>With {@code -Dflowscope.golden.update=true} the capture, its port and tshark's view are saved as golden files
 * ({@link H2cUpgradeGoldenTest}).
 */
@Privileged(programs = {"curl", "tcpdump", "tshark"})
class H2cUpgradeCaptureTest {

    @TempDir
    Path dir;

    @Test
    void bothSidesOfTheSwitchAreWhatTsharkSees() throws Exception {
        Path capture = dir.resolve("h2c-upgrade.pcap");
        int port;
        try (JettyH2c jetty = JettyH2c.start(H2cUpgradeTraffic.PATHS)) {
            port = jetty.port();
            try (Tcpdump tcpdump = Tcpdump.start(capture, "tcp port " + port)) {
                H2cUpgradeTraffic.drive(port, dir);
            }
        }
        H2cUpgradeSummary tshark = H2cUpgradeSummary.tshark(capture, port, dir);
        Map<String, Integer> upgraded = new TreeMap<>();
        H2cUpgradeTraffic.upgradedPaths().forEach((p, n) -> upgraded.put("GET " + p, n));
        Map<String, Integer> all = new TreeMap<>();
        H2cUpgradeTraffic.allPaths().forEach((p, n) -> all.put("GET " + p, n));
        assertThat(tshark).as(tshark.toJson()).isEqualTo(new H2cUpgradeSummary(upgraded,
                Map.of(101, H2cUpgradeTraffic.ROUNDS), all, H2cUpgradeTraffic.statuses()));

        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            FileSummary summary = Importing.importFile(store, capture);
            assertThat(summary.fault()).isNull();
            assertThat(summary.errors()).isEmpty();
            try (Connection c = store.connection()) {
                assertThat(H2cUpgradeSummary.flowscope(c)).isEqualTo(tshark);
            }
        }

        if (Boolean.getBoolean("flowscope.golden.update")) {
            Path golden = Path.of("src/test/resources/captures");
            Files.copy(capture, golden.resolve("h2c-upgrade.pcap"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(golden.resolve("h2c-upgrade.expected.json"), tshark.toJson());
            Files.writeString(golden.resolve("h2c-upgrade.port"), port + "\n");
        }
    }
}
