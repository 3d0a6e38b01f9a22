package io.flowscope.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.testing.PostgresTraffic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The rows {@link PostgresTraffic} must give, checked on a store that imported its capture (live or golden):
 * pgbench's statements as many times as pgbench says it ran them, every known failure with its SQLSTATE,
 * the row counts of the command tags, COPY, the JDBC driver's pipelined batches.
 */
final class PostgresqlRows {

    static final String PG = " FROM flow_log.l7_flow_log WHERE l7_protocol_str = 'postgresql' AND ";

    /** pgbench's TPC-B-like script as it sends it in extended and prepared mode ($n parameters). */
    static final List<String> PGBENCH_EXTENDED = List.of("BEGIN;",
            "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;",
            "SELECT abalance FROM pgbench_accounts WHERE aid = $1;",
            "UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2;",
            "UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2;",
            "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP);",
            "END;");
    /** The same in simple mode, its literal values obfuscated. */
    static final List<String> PGBENCH_SIMPLE = List.of("BEGIN;",
            "UPDATE pgbench_accounts SET abalance = abalance + ? WHERE aid = ?;",
            "SELECT abalance FROM pgbench_accounts WHERE aid = ?;",
            "UPDATE pgbench_tellers SET tbalance = tbalance + ? WHERE tid = ?;",
            "UPDATE pgbench_branches SET bbalance = bbalance + ? WHERE bid = ?;",
            "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP);",
            "END;");

    private PostgresqlRows() {
    }

    static void check(Connection c, PostgresTraffic.Expected expected) throws SQLException {
        try (Statement s = c.createStatement()) {
            // pgbench: each statement of its script once per transaction it reports, all answered OK
            for (String sql : PGBENCH_EXTENDED) {
                assertThat(count(s, "message", "Execute", sql, 0)).as(sql)
                        .isEqualTo(expected.preparedTransactions() + expected.extendedTransactions());
                assertThat(count(s, "message", "Parse", sql, 0)).as("PREPARE " + sql).isEqualTo(expected.preparedClients());
            }
            for (String sql : PGBENCH_SIMPLE) {
                if (sql.equals("BEGIN;") || sql.equals("END;")) {
                    continue; // psql's and pgbench's own BEGIN/END would blur the count: checked below
                }
                assertThat(count(s, "message", "Query", sql, 0)).as(sql).isEqualTo(expected.simpleTransactions());
            }
            assertThat(scalar(s, "SELECT count(*)" + PG + "request_resource = 'BEGIN;' AND attributes LIKE '%Query%'"))
                    .isEqualTo(expected.simpleTransactions());

            // the failures, each with its SQLSTATE, DeepFlow's condition name and the server's message
            Map<String, Integer> failures = new HashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT response_result, count(*)" + PG
                    + "response_status = 4 GROUP BY 1")) {
                while (rs.next()) {
                    failures.put(rs.getString(1), rs.getInt(2));
                }
            }
            assertThat(failures).isEqualTo(PostgresTraffic.FAILURES);
            assertThat(scalar(s, "SELECT count(*)" + PG + "response_status = 3")).isZero();
            assertThat(scalar(s, "SELECT count(*)" + PG + "response_result = '42P01' AND response_exception"
                    + " = 'undefined_table: relation \"nope\" does not exist'")).isEqualTo(3);
            assertThat(scalar(s, "SELECT count(*)" + PG + "response_result = '23505' AND request_type = 'INSERT'"
                    + " AND request_resource = 'INSERT INTO items VALUES ($1, $2, $3)'"
                    + " AND response_exception LIKE 'unique_violation: duplicate key value violates unique constraint%'"))
                    .isEqualTo(1);
            // the JDBC batch after its failed insert: the third insert was not executed
            assertThat(scalar(s, "SELECT count(*)" + PG + "type = 2 AND response_status = 5 AND response_exception LIKE"
                    + " 'not executed: an earlier message of its batch failed%'")).isEqualTo(1);
            assertThat(scalar(s, "SELECT count(*)" + PG + "request_resource = 'INSERT INTO items VALUES ($1, $2, $3)'"
                    + " AND response_status = 0")).isEqualTo(5);

            // command tags, with literals obfuscated
            assertThat(rows(s, "INSERT INTO items VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?), (?, ?, ?), (?, ?, ?);")).isEqualTo(5);
            assertThat(rows(s, "UPDATE items SET price = price + ? WHERE id <= ?;")).isEqualTo(3);
            assertThat(rows(s, "SELECT * FROM items ORDER BY id;")).isEqualTo(5);
            assertThat(rows(s, "DELETE FROM items WHERE id = ?;")).isEqualTo(1);
            assertThat(rows(s, "COPY  items FROM STDIN ")).isEqualTo(3);
            assertThat(rows(s, "COPY items TO STDOUT")).isEqualTo(7);
            // two statements in one Query: one row, the last count
            assertThat(rows(s, "SELECT count(*) FROM items; SELECT name FROM items WHERE name = ? OR price > ?")).isEqualTo(3);

            // every connection started with an SSLRequest refused in clear, then its startup: one row each
            assertThat(scalar(s, "SELECT count(*)" + PG + "request_type = 'STARTUP' AND response_status = 0"
                    + " AND attributes = '{\"user\":\"postgres\"}'"))
                    .isEqualTo(scalar(s, "SELECT count(*) FROM flow_log.l4_flow_log WHERE protocol = 6"));
            // nothing left unpaired but the statement the failed batch discarded
            assertThat(scalar(s, "SELECT count(*)" + PG + "type <> 2")).isZero();
        }
    }

    private static int count(Statement s, String attribute, String value, String sql, int status) throws SQLException {
        return scalar(s, "SELECT count(*)" + PG + "attributes LIKE '%\"" + attribute + "\":\"" + value + "\"%'"
                + " AND request_resource = '" + sql.replace("'", "''") + "' AND response_status = " + status);
    }

    /** sql_affected_rows of the one row of the statement. */
    private static long rows(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT sql_affected_rows" + PG + "request_resource = '"
                + sql.replace("'", "''") + "'")) {
            assertThat(rs.next()).as(sql).isTrue();
            long n = rs.getLong(1);
            assertThat(rs.next()).as("one row of " + sql).isFalse();
            return n;
        }
    }

    private static int scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static void write(Path file, PostgresTraffic.Expected e) throws IOException {
        Files.writeString(file, "# what pgbench reported when the golden capture was recorded\nprepared_transactions="
                + e.preparedTransactions() + "\nprepared_clients=" + e.preparedClients() + "\nextended_transactions="
                + e.extendedTransactions() + "\nsimple_transactions=" + e.simpleTransactions() + "\n");
    }

    static PostgresTraffic.Expected read(Path file) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return new PostgresTraffic.Expected(Integer.parseInt(p.getProperty("prepared_transactions")),
                Integer.parseInt(p.getProperty("prepared_clients")), Integer.parseInt(p.getProperty("extended_transactions")),
                Integer.parseInt(p.getProperty("simple_transactions")));
    }
}
