package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.Importing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every column of every row the golden nginx capture imports into, but the ids (which are new each time):
 * a change of the pipeline that changes any value shows here. The file holds the l4 rows, then the l7 rows,
 * each under a header naming its columns; columns added since it was written are not compared.
 * {@code -Dflowscope.golden.update=true} writes it anew (say why in the commit).
 */
class GoldenRowsTest {

    static final Path ROWS = Path.of("src/test/resources/captures/nginx-http1.rows.txt");

    @TempDir
    Path dir;

    @Test
    void everyColumnOfEveryRowIsAsRecorded() throws Exception {
        List<String> lines = Files.readAllLines(ROWS, StandardCharsets.UTF_8);
        int l7Header = lines.indexOf(lines.stream().skip(1).filter(l -> l.startsWith("time|")).findFirst().orElseThrow());
        List<String> l4 = lines.subList(0, l7Header);
        List<String> l7 = lines.subList(l7Header, lines.size());
        try (DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            Importing.importFile(store, GoldenCaptureTest.CAPTURE);
            try (Connection c = store.connection()) {
                List<String> ourL4 = rows(c, "l4_flow_log", l4.get(0));
                List<String> ourL7 = rows(c, "l7_flow_log", l7.get(0));
                if (Boolean.getBoolean("flowscope.golden.update")) {
                    List<String> all = new ArrayList<>(ourL4);
                    all.addAll(ourL7);
                    Files.write(ROWS, all, StandardCharsets.UTF_8);
                    return;
                }
                assertThat(ourL4).hasSize(13).containsExactlyElementsOf(l4);
                assertThat(ourL7).hasSize(18).containsExactlyElementsOf(l7);
            }
        }
    }

    /** The header, then the rows ordered by all columns, each value as text and a '|' after it. */
    static List<String> rows(Connection c, String table, String header) throws Exception {
        String columns = String.join(", ", header.split("\\|"));
        List<String> out = new ArrayList<>(List.of(header));
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + columns + " FROM flow_log." + table + " ORDER BY ALL")) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    sb.append(rs.getString(i)).append('|');
                }
                out.add(sb.toString());
            }
        }
        return out;
    }
}
