package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.Postgres;
import io.flowscope.platform.testing.PostgresCaptureSummary;
import io.flowscope.platform.testing.PostgresTraffic;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.Tcpdump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live: a private PostgreSQL 15 cluster on loopback (initdb and the server run as the postgres user), driven by
 * psql, pgbench and the JDBC driver ({@link PostgresTraffic}), captured by tcpdump, imported by Flowscope and
 * dissected by tshark. Startups, Query and Execute messages, prepare-only batches, CopyData and error codes
 * equal tshark's (the rules in {@link PostgresCaptureSummary}); pgbench's statements appear as many times as
 * pgbench says it ran them and the known failures with their SQLSTATEs ({@link PostgresqlRows}).
 *
 * <p>With {@code -Dflowscope.golden.update=true} the capture, tshark's view, pgbench's figures and the rows are
 * saved as the golden files of {@code PostgresqlGoldenTest}.
 */
@Privileged(programs = {"tcpdump", "tshark", "psql", "pgbench", "setpriv"})
class PostgresqlCaptureTest {

    @TempDir
    Path dir;

    @Test
    void importAgreesWithTsharkAndPgbench() throws Exception {
        Path capture = dir.resolve("postgresql-15.pcap");
        int port;
        PostgresTraffic.Expected expected;
        try (Postgres pg = Postgres.start()) {
            port = pg.port();
            try (Tcpdump tcpdump = Tcpdump.start(capture, "tcp port " + port)) {
                expected = PostgresTraffic.drive(port, dir);
            }
        }
        PostgresCaptureSummary tshark = PostgresCaptureSummary.tshark(capture, port, dir);
        List<String> failures = new ArrayList<>();
        PostgresTraffic.FAILURES.forEach((code, n) -> {
            for (int i = 0; i < n; i++) {
                failures.add(code);
            }
        });
        failures.sort(null);
        assertThat(tshark.errorCodes()).isEqualTo(failures);
        assertThat(tshark.sslRequests()).isEqualTo(tshark.startups());

        FileSummary summary;
        PostgresCaptureSummary ours;
        List<String> rows;
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            summary = Importing.importFile(store, capture);
            try (Connection c = store.connection()) {
                ours = PostgresCaptureSummary.flowscope(c, tshark.sslRequests());
                PostgresqlRows.check(c, expected);
                rows = GoldenRowsTest.rows(c, "l7_flow_log", PostgresqlGoldenTest.HEADER);
            }
        }
        assertThat(summary.fault()).isNull();
        assertThat(summary.errors()).isEmpty();
        assertThat(ours).isEqualTo(tshark);
        assertThat(summary.requests()).containsEntry("postgresql", (long) rows.size() - 1);

        if (Boolean.getBoolean("flowscope.golden.update")) {
            Path golden = Path.of("src/test/resources/captures");
            Files.createDirectories(golden);
            Files.copy(capture, golden.resolve("postgresql-15.pcap"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(golden.resolve("postgresql-15.expected.json"), tshark.toJson());
            Files.writeString(golden.resolve("postgresql-15.port"), port + "\n");
            PostgresqlRows.write(golden.resolve("postgresql-15.pgbench"), expected);
            Files.write(golden.resolve("postgresql-15.rows.txt"), rows);
        }
    }
}
