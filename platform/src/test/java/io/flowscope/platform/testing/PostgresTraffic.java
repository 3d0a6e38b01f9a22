package io.flowscope.platform.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Traffic of real clients against a {@link Postgres} server, every connection over TCP with
 * {@code sslmode=prefer} (so each starts with an SSLRequest the server refuses with {@code N}):
 * <ul>
 *   <li>psql: CREATE DATABASE; a script of single statements (CREATE, INSERT of 5 rows, UPDATE of 3, SELECT of
 *       5, DELETE of 1) with {@link #FAILURES known failures}; two statements in one Query; COPY from a file
 *       ({@code \copy}: COPY FROM STDIN, 3 rows) and COPY TO STDOUT (7 rows);</li>
 *   <li>pgbench: {@code -i} (server-side data generation: small traffic), then its TPC-B-like script with
 *       {@code -M prepared}, {@code -M extended} and {@code -M simple};</li>
 *   <li>the PostgreSQL JDBC driver: a prepared statement run 7 times (server-prepared from the 5th), a batch
 *       of 4 inserts (4 Executes, one Sync), a batch whose second insert fails (the third is then not
 *       executed), a prepared statement on a missing table.</li>
 * </ul>
 */
public final class PostgresTraffic {

    /** The statements that fail, by SQLSTATE, and how many times. */
    public static final Map<String, Integer> FAILURES = Map.of("42P01", 3, "42601", 1, "22012", 1, "23505", 1);
    /** pgbench's TPC-B-like script: statements per transaction. */
    public static final int PGBENCH_STATEMENTS = 7;

    /** What pgbench said it did: transactions per protocol mode, and the clients of the prepared run. */
    public record Expected(int preparedTransactions, int preparedClients, int extendedTransactions, int simpleTransactions) {
    }

    private PostgresTraffic() {
    }

    public static Expected drive(int port, Path dir) throws IOException, InterruptedException, SQLException {
        psql(dir, port, "postgres", "-c", "CREATE DATABASE shop");
        Path script = dir.resolve("statements.sql");
        Files.writeString(script, """
                CREATE TABLE items (id int PRIMARY KEY, name text, price numeric);
                INSERT INTO items VALUES (1, 'apple', 1.5), (2, 'pear', 2), (3, 'plum', 0.5), (4, 'fig', 3.25), (5, 'kiwi', 1);
                UPDATE items SET price = price + 1 WHERE id <= 3;
                SELECT * FROM items ORDER BY id;
                SELECT * FROM nope;
                SELECT * FROM nope WHERE id = 2;
                SELEC 1;
                SELECT 1/0;
                DELETE FROM items WHERE id = 5;
                """);
        psql(dir, port, "shop", "-f", script.toString());
        psql(dir, port, "shop", "-c", "SELECT count(*) FROM items; SELECT name FROM items WHERE name = 'it''s' OR price > 2");
        Path rows = dir.resolve("rows.tsv");
        Files.writeString(rows, "10\ta\t1\n11\tb\t2\n12\tc\t3\n");
        psql(dir, port, "shop", "-c", "\\copy items FROM '" + rows + "'");
        psql(dir, port, "shop", "-c", "COPY items TO STDOUT");

        pgbench(dir, port, "-i", "-I", "dtGvp", "-s", "1", "-q");
        int prepared = transactions(pgbench(dir, port, "-n", "-M", "prepared", "-t", "10", "-c", "2"));
        int extended = transactions(pgbench(dir, port, "-n", "-M", "extended", "-t", "5", "-c", "1"));
        int simple = transactions(pgbench(dir, port, "-n", "-M", "simple", "-t", "3", "-c", "1"));

        jdbc(port);
        return new Expected(prepared, 2, extended, simple);
    }

    private static void jdbc(int port) throws SQLException {
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/shop?user=postgres&sslmode=prefer";
        try (Connection c = DriverManager.getConnection(url)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM items WHERE id = ?")) {
                for (int i = 0; i < 7; i++) {
                    ps.setInt(1, 1 + i % 4);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rs.getString(1);
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO items VALUES (?, ?, ?)")) {
                for (int id = 20; id < 24; id++) {
                    ps.setInt(1, id);
                    ps.setString(2, "batch " + id);
                    ps.setBigDecimal(3, java.math.BigDecimal.valueOf(id));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO items VALUES (?, ?, ?)")) {
                for (int id : new int[] {30, 20, 31}) {
                    ps.setInt(1, id);
                    ps.setString(2, "again " + id);
                    ps.setBigDecimal(3, java.math.BigDecimal.ONE);
                    ps.addBatch();
                }
                ps.executeBatch();
                throw new IllegalStateException("the batch with a duplicate key did not fail");
            } catch (BatchUpdateException expected) {
                // 23505 on the second insert; the third was not executed
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM nope WHERE id = ?")) {
                ps.setInt(1, 1);
                ps.executeQuery();
                throw new IllegalStateException("a query of a missing table did not fail");
            } catch (SQLException expected) {
                if (!"42P01".equals(expected.getSQLState())) {
                    throw expected;
                }
            }
        }
    }

    private static String psql(Path dir, int port, String db, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PrivilegedCondition.which("psql"), "-X", "-q",
                "host=127.0.0.1 port=" + port + " user=postgres dbname=" + db + " sslmode=prefer"));
        cmd.addAll(List.of(args));
        return Processes.run(dir, cmd);
    }

    private static String pgbench(Path dir, int port, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PrivilegedCondition.which("pgbench"), "-h", "127.0.0.1",
                "-p", Integer.toString(port), "-U", "postgres"));
        cmd.addAll(List.of(args));
        cmd.add("shop");
        return Processes.run(dir, cmd);
    }

    private static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: (\\d+)/(\\d+)");

    /** The transactions pgbench reports it processed (failing if it says some failed). */
    static int transactions(String pgbenchOutput) {
        Matcher m = PROCESSED.matcher(pgbenchOutput);
        if (!m.find() || !m.group(1).equals(m.group(2))) {
            throw new IllegalStateException("pgbench did not process all its transactions: " + pgbenchOutput);
        }
        return Integer.parseInt(m.group(1));
    }
}
