package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.l7.FailurePolicy;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.MariaDb;
import io.flowscope.platform.testing.MariaDbTraffic;
import io.flowscope.platform.testing.MysqlCaptureSummary;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.Tcpdump;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live: a MariaDB server of the test's own (Debian's mariadbd on a free loopback port), driven by the mariadb command
 * line, mariadb-admin, MariaDB Connector/J with server-side prepared statements and mariadb-slap, captured by
 * tcpdump, imported by Flowscope and dissected by tshark. Flows, logins, every command with its statement, and every
 * error code equal tshark's (the rules where they differ: {@link MysqlCaptureSummary}); the failing statements are
 * counted exactly by code; the prepared statements show their SQL on every EXECUTE; mariadb-slap's statements are
 * as many rows as the server counted SELECTs.
 *
 * <p>With {@code -Dflowscope.golden.update=true} the capture, tshark's view and the rows are saved as the golden
 * files of {@code MariaDbGoldenTest}.
 */
@Privileged(programs = {"mariadbd", "mariadb-install-db", "mariadb", "mariadb-admin", "mariadb-slap", "tcpdump", "tshark"})
class MariaDbCaptureTest {

    @TempDir
    Path dir;

    @Test
    void importAgreesWithTsharkAndWithTheServer() throws Exception {
        Path capture = dir.resolve("mariadb.pcap");
        int port;
        MariaDbTraffic.Expected expected;
        try (MariaDb db = MariaDb.start(dir.resolve("l7-mysql-server"))) {
            port = db.port();
            MariaDbTraffic.setUp(db);
            try (Tcpdump tcpdump = Tcpdump.start(capture, "tcp port " + port)) {
                expected = MariaDbTraffic.drive(db);
            }
        }
        // kept beside the build's output, to look at when this test fails
        Files.copy(capture, Path.of("target/mariadb-last.pcap"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(expected.slapSelects()).isEqualTo(MariaDbTraffic.SLAP_QUERIES);
        MysqlCaptureSummary tshark = MysqlCaptureSummary.tshark(capture, port, dir);
        // what the clients did: 4 failing statements of the command line; of Connector/J a failing prepare (1146),
        // the execute it had pipelined behind it (1243, unknown statement), the same statement as a text query it
        // falls back to (1146), and a failing execute (1062)
        assertThat(tshark.errorCodes()).containsExactly(1062, 1062, 1064, 1146, 1146, 1146, 1146, 1243);

        MysqlCaptureSummary ours;
        FileSummary summary;
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("plain"));
             PluginHost plugins = PluginHost.start(Importing.pluginsDir(), List.of(), FailurePolicy.DEFAULT, false)) {
            summary = new CaptureImporter(plugins, store).importFile(capture, capture.toString(), null).summary();
            try (Connection c = store.connection()) {
                ours = MysqlCaptureSummary.flowscope(c);
            }
        }
        assertThat(summary.fault()).isNull();
        // the one problem of the traffic: the compressed connection, reported and not parsed
        assertThat(summary.errors()).containsExactly(java.util.Map.entry("mysql_compressed", 1L));
        assertThat(ours).isEqualTo(tshark);

        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            Importing.importFile(store, capture);
            MariaDbGoldenTest.checkDetails(store, expected.slapSelects());
            if (Boolean.getBoolean("flowscope.golden.update")) {
                Path golden = Path.of("src/test/resources/captures");
                Files.copy(capture, golden.resolve("mariadb.pcap"), StandardCopyOption.REPLACE_EXISTING);
                Files.writeString(golden.resolve("mariadb.expected.json"), tshark.toJson());
                Files.writeString(golden.resolve("mariadb.port"), port + "\n");
                List<String> all = new ArrayList<>();
                try (Connection c = store.connection()) {
                    all.addAll(MariaDbGoldenTest.canonical(GoldenRowsTest.rows(c, "l7_flow_log", MariaDbGoldenTest.L7_COLUMNS)));
                }
                Files.write(MariaDbGoldenTest.ROWS, all, StandardCharsets.UTF_8);
            }
        }
    }
}
