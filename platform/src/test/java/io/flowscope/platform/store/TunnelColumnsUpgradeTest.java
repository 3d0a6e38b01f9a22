package io.flowscope.platform.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.ingest.FileSummary;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.StoreState;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory made before the tunnel columns (here: made now, then the columns dropped) gets them when the
 * store opens, at the end of its tables, and a tunnelled capture's rows fill them.
 */
class TunnelColumnsUpgradeTest {

    @TempDir
    Path dir;

    @Test
    void anOlderStoreGetsTheTunnelColumns() throws Exception {
        Path data = dir.resolve("data");
        try (DuckDbStore store = DuckDbStore.open(data); Connection c = store.connection(); Statement s = c.createStatement()) {
            // in l4 too, the tunnel columns were the last: what came after them did not exist yet either
            boolean afterTunnel = false;
            for (Column<?> col : Tables.L4) {
                afterTunnel |= col.name().startsWith("tunnel_");
                if (afterTunnel) {
                    s.execute("ALTER TABLE flow_log.l4_flow_log DROP COLUMN " + col.name());
                }
            }
            // a store of that version: tunnel_type was l7's last column, what came after it did not exist yet
            for (String later : new String[] {"sql_affected_rows", "response_result", "tunnel_type"}) {
                s.execute("ALTER TABLE flow_log.l7_flow_log DROP COLUMN " + later);
            }
        }
        try (DuckDbStore store = DuckDbStore.open(data)) {
            assertThat(StoreState.rows(store, "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'l4_flow_log'"
                    + " AND column_name LIKE 'tunnel%'")).containsExactly("17");
            FileSummary s = Importing.importFile(store, Path.of("src/test/resources/captures/tunnels/vxlan.pcap"));
            assertThat(s.errors()).isEmpty();
            assertThat(StoreState.rows(store, "SELECT DISTINCT tunnel_type, tunnel_tx_id, ip4_str(tunnel_rx_ip4_0)"
                    + " FROM flow_log.l4_flow_log")).containsExactly("1|42|192.0.2.2");
            assertThat(StoreState.rows(store, "SELECT DISTINCT tunnel_type FROM flow_log.l7_flow_log")).containsExactly("1");
        }
    }
}
