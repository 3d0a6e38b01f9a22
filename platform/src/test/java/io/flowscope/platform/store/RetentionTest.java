package io.flowscope.platform.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowscope.platform.testing.LogRows;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Store#deleteBefore}: rows of both tables whose time is before the cut-off go, together or not at all. */
class RetentionTest {

    @TempDir
    Path dir;

    @Test
    void rowsBeforeTheCutOffAreDeletedFromBothTables() throws Exception {
        try (DuckDbStore store = DuckDbStore.open(dir)) {
            LogRows.insert(store);
            // times: flows 1, 2, 3 at 10:00:01, :03, :05; requests 11, 12, 13 at 10:00:00, :01, :04
            store.deleteBefore(Instant.parse("2024-05-01T10:00:03Z"));
            assertThat(ids(store, "SELECT flow_id FROM flow_log.l4_flow_log ORDER BY 1")).containsExactly(2L, 3L);
            assertThat(ids(store, "SELECT _id FROM flow_log.l7_flow_log ORDER BY 1")).containsExactly(13L);
            // the stored time has microseconds: a cut-off a nanosecond later is after it
            store.deleteBefore(Instant.parse("2024-05-01T10:00:03.000000001Z"));
            assertThat(ids(store, "SELECT flow_id FROM flow_log.l4_flow_log ORDER BY 1")).containsExactly(3L);
            store.deleteBefore(Instant.EPOCH);
            assertThat(ids(store, "SELECT _id FROM flow_log.l7_flow_log ORDER BY 1")).containsExactly(13L);
        }
    }

    @Test
    void aFailureLeavesBothTablesAsTheyWere() throws Exception {
        try (DuckDbStore store = DuckDbStore.open(dir)) {
            LogRows.insert(store);
            // another transaction holds a request row deleted but not committed: the l7 DELETE conflicts with it
            // after the l4 one has run
            try (Connection other = store.connection(); Statement st = other.createStatement()) {
                other.setAutoCommit(false);
                st.execute("DELETE FROM flow_log.l7_flow_log WHERE _id = 11");
                assertThatThrownBy(() -> store.deleteBefore(Instant.parse("2024-05-01T10:00:03Z")))
                        .isInstanceOf(SQLException.class);
                other.rollback();
            }
            assertThat(ids(store, "SELECT flow_id FROM flow_log.l4_flow_log ORDER BY 1")).containsExactly(1L, 2L, 3L);
            assertThat(ids(store, "SELECT _id FROM flow_log.l7_flow_log ORDER BY 1")).containsExactly(11L, 12L, 13L);
        }
    }

    private static List<Long> ids(DuckDbStore store, String sql) throws SQLException {
        try (Connection c = store.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<Long> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
            return out;
        }
    }
}
