package io.flowscope.platform.query;

import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.DescribeStatement;
import net.sf.jsqlparser.statement.ShowColumnsStatement;
import net.sf.jsqlparser.statement.ShowStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.statement.show.ShowTablesStatement;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * Lets through exactly one read-only statement: SELECT (with WITH), DESCRIBE or SHOW, reading tables
 * by name only. Refused: anything else (DROP, INSERT, ATTACH, COPY, PRAGMA, SET …), several statements,
 * table functions in FROM ({@code read_csv(...)}, {@code duckdb_settings()}), file paths as tables
 * ({@code FROM 'x.csv'}) and functions that read files or the environment anywhere in the query.
 * The server also turns DuckDB's external access off, so a miss here still reads no file.
 */
final class SqlGuard {

    private static final Set<String> FORBIDDEN_FUNCTIONS = Set.of(
            "read_text", "read_blob", "read_csv", "read_csv_auto", "read_json", "read_json_auto", "read_json_objects",
            "read_ndjson", "read_ndjson_auto", "read_ndjson_objects", "read_parquet", "parquet_scan", "parquet_metadata",
            "parquet_schema", "parquet_file_metadata", "parquet_kv_metadata", "glob", "getenv", "query", "query_table",
            "sniff_csv", "read_xlsx", "st_read", "iceberg_scan", "delta_scan", "sqlite_scan", "postgres_scan", "mysql_scan");

    private static final Set<String> ALLOWED_FIRST_WORDS = Set.of("SELECT", "WITH", "DESCRIBE", "SHOW", "");

    private SqlGuard() {
    }

    /** Returns the parsed statement, or throws {@link BadQueryException} saying why it is refused. */
    static Statement check(String sql) {
        if (sql == null || sql.isBlank()) {
            throw new BadQueryException("sql: empty query");
        }
        String first = sql.strip().split("[\\s(;]+", 2)[0].toUpperCase(Locale.ROOT);
        if (!ALLOWED_FIRST_WORDS.contains(first)) {
            throw new BadQueryException("sql: only SELECT, WITH … SELECT, DESCRIBE and SHOW are allowed, not " + first);
        }
        Statements all;
        try {
            all = CCJSqlParserUtil.parseStatements(sql);
        } catch (JSQLParserException e) {
            String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            throw new BadQueryException("sql: cannot parse the query: " + firstLine(why));
        }
        if (all.size() != 1) {
            throw new BadQueryException("sql: exactly one statement is allowed, got " + all.size());
        }
        Statement s = all.get(0);
        if (!(s instanceof Select || s instanceof DescribeStatement || s instanceof ShowStatement
                || s instanceof ShowTablesStatement || s instanceof ShowColumnsStatement)) {
            throw new BadQueryException("sql: only SELECT, WITH … SELECT, DESCRIBE and SHOW are allowed, not "
                    + s.getClass().getSimpleName().replace("Statement", "").toUpperCase(Locale.ROOT));
        }
        if (s instanceof Select) {
            new Inspector().inspect(s);
        }
        return s;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "syntax error";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.replace("net.sf.jsqlparser.parser.ParseException: ", "");
    }

    /** Walks the whole query (subqueries, CTEs, expressions) with JSqlParser's table finder. */
    private static final class Inspector extends TablesNamesFinder<Void> {

        void inspect(Statement s) {
            init(true);
            s.accept(this, null);
        }

        @Override
        public <S> Void visit(Table table, S context) {
            String name = table.getFullyQualifiedName();
            if (name.startsWith("'") || name.contains("/") || name.contains("\\")) {
                throw new BadQueryException("sql: reading files is not allowed (" + name + ")");
            }
            return super.visit(table, context);
        }

        @Override
        public <S> Void visit(TableFunction function, S context) {
            throw new BadQueryException("sql: table functions are not allowed (" + function.getFunction().getName() + ")");
        }

        @Override
        public <S> Void visit(Function function, S context) {
            String name = function.getName() == null ? "" : function.getName().toLowerCase(Locale.ROOT);
            int dot = name.lastIndexOf('.');
            if (FORBIDDEN_FUNCTIONS.contains(dot < 0 ? name : name.substring(dot + 1))) {
                throw new BadQueryException("sql: the function " + name + " is not allowed");
            }
            return super.visit(function, context);
        }
    }
}
