package io.flowscope.platform.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.pipeline.Pipelines;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.MariaDb;
import io.flowscope.platform.testing.Privileged;
import io.flowscope.platform.testing.StoreState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MariaDB (Debian's, an instance of the test's own) driven by the mariadb command line, seen from their syscalls
 * only: the same rows a packet capture gives (login, statements, errors, quit) with signal_source 3, the client's
 * process name on side 0 and mariadbd's on side 1.
 */
@Privileged(programs = {"mariadbd", "mariadb-install-db", "mariadb", "bpftool"})
class SocketTraceMariaDbTest {

    @TempDir
    Path dir;

    @Test
    void everyStatementOfTheCommandLineIsOneRowWithBothProcesses() throws Exception {
        try (MariaDb db = MariaDb.start(dir.resolve("l7-mysql-ebpf"));
             PluginHost plugins = PluginHost.start(Importing.pluginsDir());
             DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            db.client("-e", "CREATE DATABASE shop; CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(32))");
            try (SocketTraceCollector c = SocketTraceCollector.start(new Pipelines(plugins, store, null),
                    SocketTraceObjects.bytes(), new SocketTraceCollector.Settings(1024, List.of(), List.of(), List.of(),
                            List.of(db.port()), false))) {
                assertThat(c.attachments()).allMatch(BpfObject.Attachment::attached);
                db.script("INSERT INTO items VALUES (1, 'apple'), (2, 'pear');\nSELECT name FROM items WHERE id > 0;\n"
                        + "SELECT * FROM nope;\nSELEC 1;\n", "-D", "shop");
                long end = System.nanoTime() + 10_000_000_000L;
                while (System.nanoTime() < end && count(store) < 6) {
                    Thread.sleep(100);
                }
                assertThat(c.lostEvents()).isZero();
                assertThat(c.failure()).isNull();
            }
            assertThat(StoreState.rows(store, "SELECT signal_source, type, request_type, request_domain, request_resource,"
                    + " response_status, response_code, response_result, sql_affected_rows, process_kname_0, process_kname_1,"
                    + " server_port = " + db.port() + " FROM flow_log.l7_flow_log WHERE l7_protocol = 60 ORDER BY start_time"))
                    .containsExactly(
                            "3|2|LOGIN|shop|Login username: root|0|null|null|null|mariadb|mariadbd|true",
                            "3|2|INSERT|shop|INSERT INTO items VALUES (?, ?), (?, ?)|0|null|null|2|mariadb|mariadbd|true",
                            "3|2|SELECT|shop|SELECT name FROM items WHERE id > ?|0|null|2 rows|null|mariadb|mariadbd|true",
                            "3|2|SELECT|shop|SELECT * FROM nope|3|1146|null|null|mariadb|mariadbd|true",
                            "3|2|SELEC|shop|SELEC ?|3|1064|null|null|mariadb|mariadbd|true",
                            "3|0|COM_QUIT|shop|null|0|null|null|null|mariadb|mariadbd|true");
            assertThat(StoreState.rows(store, "SELECT count(*) FROM flow_log.l7_flow_log WHERE l7_protocol = 60"
                    + " AND process_id_0 > 0 AND process_id_1 > 0 AND process_id_0 <> process_id_1")).containsExactly("6");
        }
    }

    private static long count(DuckDbStore store) throws Exception {
        return Long.parseLong(StoreState.rows(store, "SELECT count(*) FROM flow_log.l7_flow_log WHERE l7_protocol = 60").get(0));
    }
}
