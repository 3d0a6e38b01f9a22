package io.flowscope.platform.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * MySQL traffic of real clients against a {@link MariaDb}: the {@code mariadb} command line (text queries, a
 * database change, failing statements), the same client with the compressed protocol, {@code mariadb-admin ping},
 * MariaDB Connector/J with server-side prepared statements (prepare, execute, close; one prepare and one execute
 * failing), and a {@code mariadb-slap} run. {@link #setUp} makes the schema first, outside any capture.
 */
public final class MariaDbTraffic {

    /** Statements of the command-line session, one connection, run with {@code --force}. */
    public static final String SCRIPT = """
            INSERT INTO items (id, name, price) VALUES (1, 'apple', 0.5), (2, 'pear', 0.75), (3, 'plum', 1.25);
            UPDATE items SET price = price * 2 WHERE name = 'plum';
            SELECT id, name, price FROM items WHERE price > 0.6 ORDER BY id;
            SELECT * FROM missing_table;
            SELEC 1;
            SELECT count(*) FROM items WHERE name LIKE 'p%';
            DELETE FROM items WHERE id = 2;
            SELECT * FROM other_missing WHERE id = 7;
            INSERT INTO items VALUES (1, 'dup', 1);
            USE mysql;
            SELECT 'done';
            """;

    /** The statement mariadb-slap repeats, and how many times in all. */
    public static final String SLAP_QUERY = "SELECT name FROM shop.items WHERE id = 1";
    public static final int SLAP_QUERIES = 60;
    public static final int SLAP_CONCURRENCY = 3;

    /** What the traffic is known to contain. */
    public record Expected(int slapSelects) {
    }

    private MariaDbTraffic() {
    }

    public static void setUp(MariaDb db) throws Exception {
        db.client("-e", "CREATE DATABASE shop; CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(32), price DECIMAL(8,2))");
    }

    public static Expected drive(MariaDb db) throws Exception {
        db.script(SCRIPT, "-D", "shop");
        db.client("--compress", "-e", "SELECT 1");
        db.tool("mariadb-admin", "ping");
        connectorJ(db.port());
        long before = comSelect(db);
        db.tool("mariadb-slap", "--query=" + SLAP_QUERY, "--concurrency=" + SLAP_CONCURRENCY, "--iterations=1",
                "--number-of-queries=" + SLAP_QUERIES, "--create-schema=shop", "--no-drop");
        // the server's own count of SELECT statements: read with SHOW, which is not one (Com_show_status)
        long after = comSelect(db);
        return new Expected((int) (after - before));
    }

    private static long comSelect(MariaDb db) throws Exception {
        String out = db.client("-N", "-B", "-e", "SHOW GLOBAL STATUS LIKE 'Com_select'");
        return Long.parseLong(out.trim().split("\\s+")[1]);
    }

    /** Connector/J with server-side prepared statements, not cached (so each close is a COM_STMT_CLOSE). */
    static void connectorJ(int port) throws SQLException {
        String url = "jdbc:mariadb://127.0.0.1:" + port + "/shop?user=root&useServerPrepStmts=true"
                + "&cachePrepStmts=false&sslMode=disable";
        try (Connection c = DriverManager.getConnection(url)) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (id, name, price) VALUES (?, ?, ?)")) {
                for (int i = 10; i <= 12; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "item-" + i);
                    ps.setBigDecimal(3, new java.math.BigDecimal("9.99"));
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id, name FROM items WHERE id >= ?")) {
                List<Integer> ids = new ArrayList<>();
                for (int from : new int[] {10, 11}) {
                    ps.setInt(1, from);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getInt(1));
                        }
                    }
                }
                if (ids.size() != 5) {
                    throw new IllegalStateException("expected 3 + 2 rows, got " + ids);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM nowhere WHERE id = ?")) {
                ps.setInt(1, 1);
                ps.executeQuery();
                throw new IllegalStateException("nowhere exists");
            } catch (SQLException expected) {
                if (expected.getErrorCode() != 1146) {
                    throw expected;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (id, name, price) VALUES (?, ?, ?)")) {
                ps.setInt(1, 10);
                ps.setString(2, "again");
                ps.setBigDecimal(3, java.math.BigDecimal.ONE);
                ps.executeUpdate();
                throw new IllegalStateException("duplicate accepted");
            } catch (SQLException expected) {
                if (expected.getErrorCode() != 1062) {
                    throw expected;
                }
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT name FROM items WHERE price < 1")) {
                while (rs.next()) {
                    rs.getString(1);
                }
            }
            if (!c.isValid(2)) {
                throw new IllegalStateException("connection not valid");
            }
        }
    }
}
