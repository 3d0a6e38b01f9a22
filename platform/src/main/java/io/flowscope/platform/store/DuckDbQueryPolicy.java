package io.flowscope.platform.store;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Decides on DuckDB's own parse tree (the JSON of {@code json_serialize_sql}) whether a read-only query may
 * run: which tables and table functions it reads, which functions it calls, and how large the values it
 * computes can get.
 *
 * <p>Why a size bound: DuckDB tracks the memory of operators (joins, aggregates, sorts, which spill or fail
 * cleanly at {@code memory_limit}) but not the strings and lists that scalar functions build, and it checks
 * for cancellation only between vectors. Measured here: {@code repeat('x', 500000000)} over 14 rows reached
 * 7.9 GB of resident memory, and a cancel sent after 5 s took effect after 48 s. So every expression gets
 * an upper bound of the bytes of one value, computed from the tree: stored text columns are capped at write
 * time ({@link Schema#MAX_TEXT_CHARS}), functions that amplify (repeat, lpad, printf widths, scalar range,
 * list_resize …) need constant arguments, and the sum over a query's expressions of one vector's worth of
 * values ({@link #VECTOR} rows) must stay under {@code maxVectorBytes}. Collecting aggregates (string_agg,
 * list …) are tracked by DuckDB; their values are unbounded, so they must be cut (left, list_slice) before
 * anything else uses them or they are returned.
 */
final class DuckDbQueryPolicy {

    /** Rows in one DuckDB vector: the unit in which scalar functions materialise values. */
    static final int VECTOR = 2048;
    /** Bytes assumed for a value of a fixed-size type (numbers, times, booleans, uuids). */
    static final double FIXED = 16;

    private static final double INF = Double.POSITIVE_INFINITY;
    /** Deepest nesting of expressions and subqueries checked (DuckDB allows 1000; queries people write stay far below). */
    static final int MAX_DEPTH = 250;

    /** Table functions a query may read from: row generators and the catalog, nothing that touches files. */
    private static final Set<String> TABLE_FUNCTIONS = Set.of(
            "range", "generate_series", "unnest", "duckdb_tables", "duckdb_columns", "duckdb_schemas",
            "duckdb_views", "duckdb_types", "duckdb_functions", "duckdb_keywords", "duckdb_constraints",
            "duckdb_indexes", "duckdb_sequences", "duckdb_dependencies", "pragma_table_info", "pragma_show",
            "pragma_version", "pragma_platform");

    /** Functions with side effects, or that read the environment, files or run SQL of their own. */
    private static final Set<String> DENIED = Set.of(
            "nextval", "currval", "setseed", "getenv", "write_log", "checkpoint", "force_checkpoint",
            "json_execute_serialized_sql", "json_serialize_plan", "query", "query_table", "sniff_csv", "glob",
            "load_aws_credentials", "which_secret", "duckdb_secrets", "enable_logging", "disable_logging",
            "truncate_duckdb_logs", "duckdb_logs");
    private static final List<String> DENIED_PREFIXES = List.of(
            "read_", "parquet_", "iceberg_", "delta_", "sqlite_", "postgres_", "mysql_", "st_read", "ducklake");

    /** Aggregates whose value grows with the rows they see (DuckDB tracks their state, not their result). */
    private static final Set<String> COLLECTING = Set.of(
            "string_agg", "group_concat", "listagg", "list", "array_agg", "json_group_array", "json_group_object",
            "json_group_structure", "histogram", "histogram_exact", "bitstring_agg", "approx_top_k");

    /** Functions whose value has a fixed size whatever their arguments. */
    private static final Set<String> FIXED_SIZE = Set.of(
            "count", "count_star", "count_if", "countif", "sum", "avg", "mean", "approx_count_distinct",
            "length", "len", "octet_length", "strlen", "char_length", "character_length", "bit_length",
            "length_grapheme", "array_length", "cardinality", "list_count", "list_unique", "array_unique",
            "hash", "md5", "md5_number", "sha1", "sha256", "strpos", "instr", "position", "contains",
            "starts_with", "ends_with", "prefix", "suffix", "regexp_matches", "regexp_full_match", "like_escape",
            "ilike_escape", "~~", "!~~", "~~*", "!~~*", "~~~", "json_valid", "json_array_length", "json_type",
            "typeof", "epoch", "epoch_ms", "epoch_us", "epoch_ns", "date_part", "datepart", "extract",
            "list_contains", "list_has", "array_contains", "array_has", "list_position", "array_position",
            "list_sum", "list_avg", "ascii", "unicode", "ord", "levenshtein", "editdist3", "hamming",
            "damerau_levenshtein", "jaccard", "jaro_similarity", "jaro_winkler_similarity", "isnan", "isinf",
            "isfinite", "quantile", "quantile_cont", "quantile_disc", "median", "stddev", "stddev_pop",
            "stddev_samp", "variance", "var_pop", "var_samp", "corr", "covar_pop", "covar_samp", "entropy",
            "kurtosis", "skewness", "bool_and", "bool_or", "bit_and", "bit_or", "bit_xor", "product",
            "approx_quantile", "reservoir_quantile", "row_number", "rank", "dense_rank", "percent_rank",
            "cume_dist", "ntile", "error",
            // arithmetic, numbers and times
            "+", "-", "*", "/", "//", "%", "**", "^", "&", "|", "<<", ">>", "~", "!", "xor", "add", "subtract",
            "multiply", "divide", "mod", "fdiv", "fmod", "abs", "round", "round_even", "floor", "ceil", "ceiling",
            "trunc", "sign", "sqrt", "cbrt", "exp", "ln", "log", "log2", "log10", "pow", "power", "gcd", "lcm",
            "factorial", "bit_count", "get_bit", "greatest_common_divisor", "least_common_multiple", "random",
            "date_add", "date_sub", "date_diff", "datediff", "datesub", "age", "make_date", "make_time",
            "make_timestamp", "make_timestamptz", "make_timestamp_ms", "make_timestamp_ns", "to_timestamp",
            "strptime", "try_strptime", "time_bucket", "date_trunc", "datetrunc", "year", "month", "day", "hour",
            "minute", "second", "millisecond", "microsecond", "nanosecond", "week", "weekday", "dayofweek",
            "dayofmonth", "dayofyear", "quarter", "isodow", "isoyear", "yearweek", "weekofyear", "decade",
            "century", "millennium", "era", "last_day", "now", "current_timestamp", "current_date", "today",
            "get_current_timestamp", "transaction_timestamp", "to_seconds", "to_milliseconds",
            "to_microseconds", "to_minutes", "to_hours", "to_days", "to_weeks", "to_months", "to_years",
            "epoch_second", "uuid", "gen_random_uuid");

    /** Functions whose value is at most the largest argument (selection, case changes, trimming …). */
    private static final Set<String> LARGEST_ARGUMENT = Set.of(
            "upper", "lower", "ucase", "lcase", "trim", "ltrim", "rtrim", "reverse", "min", "max", "first",
            "last", "any_value", "arbitrary", "mode", "arg_max", "arg_min", "argmax", "argmin", "max_by",
            "min_by", "arg_max_null", "arg_min_null", "lag", "lead", "first_value", "last_value", "nth_value",
            "list_sort", "list_reverse_sort", "array_sort", "array_reverse_sort", "list_distinct",
            "array_distinct", "list_filter", "array_filter", "filter", "list_reverse", "array_reverse",
            "strip_accents", "nfc_normalize", "struct_extract", "struct_extract_at", "list_extract",
            "array_extract", "element_at", "list_element", "json_extract", "json_extract_string",
            "json_extract_path", "json_extract_path_text", "json_value", "->", "->>", "split_part",
            "regexp_extract", "unnest", "flatten", "map_keys", "map_values", "map_entries", "map_extract",
            "list_where", "array_where", "list_select", "array_select", "list_intersect", "array_intersect",
            "list_min", "list_max", "list_first", "list_last", "list_any_value", "list_mode", "nullif", "ifnull",
            "greatest", "least", "if", "regexp_escape");

    /** Functions whose value is at most the sum of their arguments (concatenation and construction). */
    private static final Set<String> SUM_OF_ARGUMENTS = Set.of(
            "concat", "||", "concat_ws", "list_concat", "list_cat", "array_concat", "array_cat", "list_value",
            "list_pack", "array_value", "struct_pack", "row", "map", "map_concat", "list_append", "array_append",
            "list_prepend", "array_prepend", "array_push_back", "array_push_front", "list_zip", "array_zip",
            "struct_insert", "struct_concat", "map_from_entries");

    /** Functions that may expand every byte into a few (escaping, encoding). */
    private static final Set<String> ESCAPING = Set.of(
            "bin", "to_binary", "url_encode", "to_json", "json_quote", "array_to_json", "row_to_json",
            "json_object", "json_array", "json", "translate", "hex", "to_hex", "base64", "to_base64", "encode",
            "format_pg_type", "array_to_string", "list_string_agg", "list_aggr", "list_aggregate");

    private static final Set<String> SPLITTING = Set.of(
            "string_split", "str_split", "split", "string_to_array", "regexp_split_to_array", "string_split_regex",
            "str_split_regex", "regexp_extract_all");

    private static final Set<String> FIXED_TYPES = Set.of(
            "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
            "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "DATE", "TIME", "TIME WITH TIME ZONE",
            "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "INTERVAL",
            "UUID", "NULL", "TIMESTAMP_TZ", "TIME_TZ", "TIMESTAMP_SEC", "BIT");

    private static final Set<String> SCHEMAS = Set.of("", "flow_log", "event", "flow_metrics", "main", "information_schema", "pg_catalog");
    private static final Pattern WIDTH = Pattern.compile("\\d+");
    private static final Set<String> METRICS_TABLES = Set.of(Tables.NETWORK_MAP_1S, Tables.NETWORK_MAP_1M,
            Tables.NETWORK_1S, Tables.NETWORK_1M);

    private final Map<String, Double> storedColumns;
    private final double storedMax;
    private final double maxVectorBytes;
    private final double maxValueBytes;

    /**
     * @param storedColumns the largest bytes of one value of each stored column, by name
     * @param maxVectorBytes the most one query's expressions may materialise for one vector of rows
     * @param maxValueBytes the largest value a query may return
     */
    DuckDbQueryPolicy(Map<String, Double> storedColumns, long maxVectorBytes, long maxValueBytes) {
        this.storedColumns = Map.copyOf(storedColumns);
        this.storedMax = storedColumns.values().stream().mapToDouble(Double::doubleValue).max().orElse(FIXED);
        this.maxVectorBytes = maxVectorBytes;
        this.maxValueBytes = maxValueBytes;
    }

    /** Checks one statement's node ({@code statements[0].node}); throws {@link QueryRefusedException} to refuse. */
    void check(JsonNode statement) {
        // Derived columns (CTEs, subqueries) are bounded by what defines them; a reference by name takes the
        // bound of the definitions with that name. Derivations nest at most as deep as there are query nodes,
        // so that many rounds reach every bound.
        int rounds = Math.max(1, countQueryNodes(statement));
        Map<String, Double> derived = new HashMap<>();
        double unnamed = storedMax;
        for (int i = 0; i < rounds; i++) {
            Walk round = new Walk(derived, unnamed);
            round.top(statement);
            derived = round.outputs;
            unnamed = Math.max(storedMax, round.unnamedOutputs);
        }
        // one more round: bounds that still grow belong to a recursive query that builds ever larger values
        Walk walk = new Walk(derived, unnamed);
        walk.top(statement);
        if (walk.recursive && walk.grewSince(derived, unnamed)) {
            throw refused("a recursive query whose values grow with each step is not allowed");
        }
        if (walk.vectorBytes > maxVectorBytes) {
            throw refused(String.format(Locale.ROOT,
                    "the query could build %s of values per %d rows, more than the %s allowed; use smaller "
                            + "constants or fewer text functions (see docs/security.md)",
                    bytes(walk.vectorBytes), VECTOR, bytes(maxVectorBytes)));
        }
    }

    private static int countQueryNodes(JsonNode n) {
        int c = 0;
        if (n.isObject()) {
            JsonNode type = n.get("type");
            if (type != null && type.isString() && type.asString().endsWith("_NODE")) {
                c++;
            }
        }
        if (n.isContainer()) {
            for (JsonNode child : n.values()) {
                c += countQueryNodes(child);
            }
        }
        return c;
    }

    /** One pass over the tree with the column bounds of the previous pass. */
    private final class Walk {
        final Map<String, Double> previous;
        final double previousUnnamed;
        final Map<String, Double> outputs = new HashMap<>();
        double unnamedOutputs;
        double vectorBytes;
        boolean recursive;

        Walk(Map<String, Double> previous, double previousUnnamed) {
            this.previous = previous;
            this.previousUnnamed = previousUnnamed;
        }

        boolean grewSince(Map<String, Double> before, double unnamedBefore) {
            return unnamedOutputs > unnamedBefore || outputs.entrySet().stream()
                    .anyMatch(e -> e.getValue() > before.getOrDefault(e.getKey(), 0.0));
        }

        void top(JsonNode node) {
            double v = query(node);
            if (v > maxValueBytes) {
                throw refused(v == INF
                        ? "the query returns values of unbounded size (string_agg, list, array_agg … or a column "
                                + "derived from them): cut them with left(…, n) or list_slice(…, 1, n)"
                        : "the query could return values of " + bytes(v) + ", more than the " + bytes(maxValueBytes)
                                + " allowed");
            }
        }

        /** A query node; returns the bound of the largest value it outputs. */
        double query(JsonNode node) {
            if (node == null || node.isNull()) {
                return 0;
            }
            String type = text(node, "type");
            switch (type) {
                case "SELECT_NODE" -> {
                    ctes(node.get("cte_map"));
                    table(node.get("from_table"));
                    for (String f : List.of("where_clause", "group_expressions", "group_sets", "having", "qualify",
                            "modifiers", "sample")) {
                        any(node.get(f));
                    }
                    double max = 0;
                    for (JsonNode e : node.path("select_list")) {
                        double v = expr(e);
                        output(e, v);
                        max = Math.max(max, v);
                    }
                    return max;
                }
                case "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE", "CTE_NODE" -> {
                    if (type.equals("RECURSIVE_CTE_NODE")) {
                        recursive = true;
                    }
                    ctes(node.get("cte_map"));
                    any(node.get("modifiers"));
                    double max = Math.max(query(node.get("left")), query(node.get("right")));
                    max = Math.max(max, query(node.get("query")));
                    max = Math.max(max, query(node.get("child")));
                    return max;
                }
                default -> {
                    any(node);
                    return previousUnnamed;
                }
            }
        }

        void ctes(JsonNode cteMap) {
            for (JsonNode entry : cteMap == null ? List.<JsonNode>of() : cteMap.path("map").values()) {
                JsonNode value = entry.path("value");
                double v = query(value.path("query").get("node"));
                for (JsonNode alias : value.path("aliases")) {
                    outputs.merge(alias.asString().toLowerCase(Locale.ROOT), v, Math::max);
                }
            }
        }

        /** Remembers the bound of an output column under the name later references use. */
        void output(JsonNode e, double v) {
            String alias = text(e, "alias");
            if (alias.isEmpty() && "COLUMN_REF".equals(text(e, "class"))) {
                alias = lastName(e);
            }
            if (alias.isEmpty()) {
                unnamedOutputs = Math.max(unnamedOutputs, v);
            } else {
                outputs.merge(alias.toLowerCase(Locale.ROOT), v, Math::max);
            }
        }

        void table(JsonNode t) {
            if (t == null || t.isNull()) {
                return;
            }
            switch (text(t, "type")) {
                case "BASE_TABLE" -> baseTable(t);
                case "JOIN" -> {
                    table(t.get("left"));
                    table(t.get("right"));
                    any(t.get("condition"));
                }
                case "SUBQUERY" -> {
                    double v = query(t.path("subquery").get("node"));
                    for (JsonNode alias : t.path("column_name_alias")) {
                        outputs.merge(alias.asString().toLowerCase(Locale.ROOT), v, Math::max);
                    }
                }
                case "TABLE_FUNCTION" -> {
                    JsonNode fn = t.path("function");
                    String name = functionName(fn);
                    if (!TABLE_FUNCTIONS.contains(name)) {
                        throw refused("the table function " + name + "() is not allowed; the SQL endpoint reads "
                                + "the stored tables, the catalog and range()/generate_series()/unnest() only");
                    }
                    double largestArgument = 0;
                    for (JsonNode arg : fn.path("children")) {
                        largestArgument = Math.max(largestArgument, expr(arg));
                    }
                    // row generators give numbers (or times); unnest gives elements of its list; the catalog text
                    double column = switch (name) {
                        case "range", "generate_series" -> FIXED;
                        case "unnest" -> largestArgument;
                        default -> storedMax;
                    };
                    outputs.merge(name, column, Math::max);
                    for (JsonNode alias : t.path("column_name_alias")) {
                        outputs.merge(alias.asString().toLowerCase(Locale.ROOT), column, Math::max);
                    }
                }
                case "EXPRESSION_LIST" -> {
                    for (JsonNode row : t.path("values")) {
                        for (JsonNode e : row) {
                            unnamedOutputs = Math.max(unnamedOutputs, expr(e));
                        }
                    }
                }
                case "SHOW_REF" -> query(t.get("query"));
                case "EMPTY" -> {
                }
                default -> any(t);
            }
        }

        void baseTable(JsonNode t) {
            String catalog = text(t, "catalog_name");
            String schema = text(t, "schema_name").toLowerCase(Locale.ROOT);
            String name = text(t, "table_name");
            if (!catalog.isEmpty() && !catalog.equals(DuckDbStore.CATALOG)) {
                throw refused("only the Flowscope database can be read, not " + catalog);
            }
            if (!SCHEMAS.contains(schema)) {
                throw refused("the schema " + schema + " is not readable here");
            }
            // flow_metrics' own tables have a dot in their names (DeepFlow's); any other dotted name may be a file
            boolean metricsTable = schema.equals(Tables.METRICS_SCHEMA) && METRICS_TABLES.contains(name);
            if (!metricsTable && (name.contains("/") || name.contains("\\") || name.contains(".") || name.contains(":"))) {
                throw refused("reading files is not allowed (" + name + ")");
            }
        }

        /** Walks any part of the tree (modifiers, frames, filters) for the expressions and queries in it. */
        void any(JsonNode n) {
            if (n == null || !n.isContainer()) {
                return;
            }
            if (n.isObject() && n.has("class")) {
                expr(n);
                return;
            }
            if (n.isObject() && n.get("type") != null && n.get("type").isString()) {
                String type = n.get("type").asString();
                if (type.endsWith("_NODE")) {
                    query(n);
                    return;
                }
                if (Set.of("BASE_TABLE", "JOIN", "SUBQUERY", "TABLE_FUNCTION", "EXPRESSION_LIST", "SHOW_REF")
                        .contains(type)) {
                    table(n);
                    return;
                }
            }
            for (JsonNode child : n.values()) {
                any(child);
            }
        }

        int depth;

        /** An expression: returns the bound of one of its values and adds a vector of them to the total. */
        double expr(JsonNode e) {
            if (e == null || e.isNull()) {
                return 0;
            }
            if (++depth > MAX_DEPTH) {
                throw refused("the query nests expressions more than " + MAX_DEPTH + " deep");
            }
            try {
                return exprAtDepth(e);
            } finally {
                depth--;
            }
        }

        private double exprAtDepth(JsonNode e) {
            String cls = text(e, "class");
            double v;
            switch (cls) {
                case "CONSTANT" -> {
                    JsonNode value = e.path("value").path("value");
                    return value.isString() ? value.asString().getBytes(StandardCharsets.UTF_8).length : FIXED;
                }
                case "COLUMN_REF", "LAMBDA_REF", "POSITIONAL_REFERENCE" -> {
                    return column(lastName(e));
                }
                case "STAR" -> {
                    for (JsonNode r : e.path("replace_list")) {
                        any(r);
                    }
                    any(e.get("expr"));
                    return allColumns();
                }
                case "PARAMETER" -> throw refused("query parameters ($1, ?) are not supported");
                case "FUNCTION" -> {
                    if (isCollecting(functionName(e), e.path("children").size())) {
                        // DuckDB tracks its state while it grows; as a value it is unbounded until cut
                        any(e.get("children"));
                        any(e.get("filter"));
                        any(e.get("order_bys"));
                        return INF;
                    }
                    v = function(e, functionName(e), e.path("children"));
                }
                case "WINDOW" -> {
                    String name = functionName(e);
                    if (COLLECTING.contains(name)) {
                        throw refused(name + "() as a window function builds values that grow with every row");
                    }
                    for (String f : List.of("partitions", "orders", "filter_expr", "start_expr", "end_expr",
                            "offset_expr", "default_expr", "arg_orders")) {
                        any(e.get(f));
                    }
                    v = function(e, name, e.path("children"));
                }
                case "CAST" -> {
                    double child = expr(e.get("child"));
                    v = FIXED_TYPES.contains(text(e.path("cast_type"), "id")) ? FIXED : 2 * child + 64;
                }
                case "CASE" -> {
                    v = expr(e.get("else_expr"));
                    for (JsonNode check : e.path("case_checks")) {
                        expr(check.get("when_expr"));
                        v = Math.max(v, expr(check.get("then_expr")));
                    }
                }
                case "OPERATOR" -> v = operator(e);
                case "SUBQUERY" -> {
                    expr(e.get("child"));
                    double q = query(e.path("subquery").get("node"));
                    v = "SCALAR".equals(text(e, "subquery_type")) ? q : FIXED;
                }
                case "LAMBDA" -> {
                    return expr(e.get("expr"));
                }
                case "COLLATE" -> v = expr(e.get("child"));
                case "COMPARISON", "CONJUNCTION", "BETWEEN", "DEFAULT" -> {
                    any(e.get("left"));
                    any(e.get("right"));
                    any(e.get("children"));
                    any(e.get("input"));
                    any(e.get("lower"));
                    any(e.get("upper"));
                    v = FIXED;
                }
                default -> {
                    double sum = 0;
                    for (JsonNode child : e.values()) {
                        if (child.isObject() && child.has("class")) {
                            sum += expr(child);
                        } else {
                            any(child);
                        }
                    }
                    v = 2 * sum + 64;
                }
            }
            if (v == INF) {
                throw refused("an expression over string_agg/list/array_agg (or a column derived from them) can "
                        + "build values of unbounded size; cut the aggregate first with left(…, n) or list_slice(…, 1, n)");
            }
            vectorBytes += v * VECTOR;
            return v;
        }

        double operator(JsonNode e) {
            JsonNode children = e.path("children");
            switch (text(e, "type")) {
                case "ARRAY_SLICE" -> {
                    double list = expr(children.get(0));
                    for (int i = 1; i < children.size(); i++) {
                        expr(children.get(i));
                    }
                    return slice(children.get(0), list, constantCount(children.get(1), children.get(2), null));
                }
                case "OPERATOR_COALESCE", "ARRAY_EXTRACT", "STRUCT_EXTRACT", "OPERATOR_TRY", "OPERATOR_NULLIF" -> {
                    double max = 0;
                    for (JsonNode c : children) {
                        max = Math.max(max, expr(c));
                    }
                    return max;
                }
                default -> {
                    for (JsonNode c : children) {
                        expr(c);
                    }
                    return FIXED;
                }
            }
        }

        double function(JsonNode e, String name, JsonNode args) {
            if (DENIED.contains(name) || DENIED_PREFIXES.stream().anyMatch(name::startsWith)) {
                throw refused("the function " + name + "() is not allowed on the SQL endpoint");
            }
            any(e.get("filter"));
            any(e.get("order_bys"));
            int n = args.size();
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                a[i] = expr(args.get(i));
            }
            if (FIXED_SIZE.contains(name)) {
                return FIXED;
            }
            if (LARGEST_ARGUMENT.contains(name)) {
                return max(a);
            }
            if (SUM_OF_ARGUMENTS.contains(name)) {
                return sum(a);
            }
            if (ESCAPING.contains(name)) {
                return 8 * sum(a) + 64;
            }
            if (SPLITTING.contains(name)) {
                return 17 * sum(a) + 64;
            }
            return switch (name) {
                case "repeat" -> a[0] * constant(name, args, 1, 0, 1 << 20);
                case "lpad", "rpad" -> Math.max(0, constant(name, args, 1, 0, 1 << 20)) * 4 + FIXED;
                case "bar" -> (n > 3 ? constant(name, args, 3, 80, 1 << 16) : 80) * 4 + FIXED;
                case "to_base" -> 64 + (n > 2 ? constant(name, args, 2, 0, 1 << 16) : 0);
                case "list_resize", "array_resize" -> a[0]
                        + constant(name, args, 1, 0, 1 << 20) * (n > 2 ? Math.max(FIXED, a[2]) : FIXED);
                case "range", "generate_series" -> rangeList(name, args);
                case "printf", "format" -> formatted(name, args, a);
                case "strftime" -> 32 * sum(a) + 64;
                case "replace" -> a[0] * Math.max(1, n > 2 ? a[2] : 1);
                case "regexp_replace" -> (a[0] + 1) * Math.max(1, n > 2 ? a[2] : 1);
                case "json_pretty" -> a[0] * Math.max(1, a[0]);
                case "list_transform", "array_transform", "apply", "list_apply" ->
                        n > 1 ? a[0] * Math.max(1, a[1] / Math.max(1, column(""))) : a[0];
                case "list_reduce", "array_reduce", "reduce" -> {
                    if (n > 1 && a[1] > column("")) {
                        throw refused(name + "() with a step that grows its accumulator is not allowed");
                    }
                    yield max(a);
                }
                case "substring", "substr", "substring_grapheme" -> n > 2
                        ? Math.min(a[0], 4 * Math.max(0, constantOr(args.get(2), a[0] / 4))) : a[0];
                case "left", "right", "left_grapheme", "right_grapheme" -> n > 1
                        ? Math.min(a[0], 4 * Math.max(0, constantOr(args.get(1), a[0] / 4))) : a[0];
                case "list_slice", "array_slice" -> slice(args.get(0), a[0],
                        n > 2 ? constantCount(args.get(1), args.get(2), n > 3 ? args.get(3) : null) : -1);
                // anything else: at most twice its arguments (casts to text, most string and list functions)
                default -> 2 * sum(a) + 64;
            };
        }

        /**
         * A slice of {@code count} elements (or -1: not constant) of a list bounded by {@code list}. A slice is no
         * larger than its list; of a collecting aggregate it is {@code count} of the aggregated values.
         */
        double slice(JsonNode listExpr, double list, double count) {
            if (list != INF || count < 0) {
                return list;
            }
            if (!"FUNCTION".equals(text(listExpr, "class"))
                    || !isCollecting(functionName(listExpr), listExpr.path("children").size())) {
                return INF;
            }
            double saved = vectorBytes;
            double element = 0;
            for (JsonNode c : listExpr.path("children")) {
                element = Math.max(element, expr(c));
            }
            vectorBytes = saved; // already counted when the aggregate itself was walked
            return count * (element + FIXED);
        }

        /** The scalar (list) form of range/generate_series: constant integer bounds only. */
        double rangeList(String name, JsonNode args) {
            long start = 0;
            long stop;
            long step = 1;
            if (args.size() == 1) {
                stop = (long) constant(name, args, 0, 0, Long.MAX_VALUE);
            } else {
                start = (long) constant(name, args, 0, 0, Long.MAX_VALUE);
                stop = (long) constant(name, args, 1, 0, Long.MAX_VALUE);
                if (args.size() > 2) {
                    step = (long) constant(name, args, 2, 1, Long.MAX_VALUE);
                }
            }
            double count = step == 0 ? 0 : Math.abs(((double) stop - start) / step) + 1;
            return count * FIXED;
        }

        double formatted(String name, JsonNode args, double[] a) {
            JsonNode format = constantNode(args.get(0));
            if (format == null || !format.isString()) {
                throw refused(name + "() needs a constant format string here");
            }
            double widths = 0;
            Matcher m = WIDTH.matcher(format.asString());
            while (m.find()) {
                widths += m.group().length() > 9 ? INF : Long.parseLong(m.group());
            }
            if (format.asString().contains("*")) {
                throw refused(name + "() with a width taken from an argument (*) is not allowed here");
            }
            return sum(a) + widths * 4 + 64;
        }

        double column(String name) {
            String key = name.toLowerCase(Locale.ROOT);
            Double derived = previous.get(key);
            Double stored = storedColumns.get(key);
            if (derived == null && stored == null) {
                return allColumns();
            }
            return Math.max(derived == null ? 0 : derived, stored == null ? 0 : stored);
        }

        double allColumns() {
            double max = Math.max(storedMax, previousUnnamed);
            for (double d : previous.values()) {
                max = Math.max(max, d);
            }
            return max;
        }
    }

    private static boolean isCollecting(String name, int args) {
        return COLLECTING.contains(name) || (args >= 2 && (name.equals("min") || name.equals("max")))
                || (args >= 3 && Set.of("arg_max", "arg_min", "max_by", "min_by").contains(name));
    }

    /** The constant integer argument {@code i} (default {@code dflt} when absent), at most {@code max}. */
    private static double constant(String name, JsonNode args, int i, double dflt, double max) {
        if (i >= args.size()) {
            return dflt;
        }
        JsonNode c = constantNode(args.get(i));
        if (c == null || !c.isNumber()) {
            throw refused(name + "() needs a constant number as argument " + (i + 1) + " here (it sets the size of the result)");
        }
        double v = c.asDouble();
        if (v > max) {
            throw refused(name + "() argument " + (i + 1) + " is " + c.asString() + ", more than the " + (long) max + " allowed here");
        }
        return v;
    }

    private static double constantOr(JsonNode arg, double dflt) {
        JsonNode c = constantNode(arg);
        return c != null && c.isNumber() ? c.asDouble() : dflt;
    }

    /** Elements between two constant list positions, or -1 when they are not constants. */
    private static double constantCount(JsonNode from, JsonNode to, JsonNode step) {
        JsonNode a = from == null ? null : constantNode(from);
        JsonNode b = to == null ? null : constantNode(to);
        if (a == null || b == null || !a.isNumber() || !b.isNumber()) {
            return -1;
        }
        double s = 1;
        if (step != null) {
            JsonNode c = constantNode(step);
            if (c == null || !c.isNumber() || c.asDouble() == 0) {
                return -1;
            }
            s = Math.abs(c.asDouble());
        }
        return Math.max(0, (b.asDouble() - a.asDouble()) / s + 1);
    }

    /** The value of a constant (also under a cast or a unary minus), or null. */
    private static JsonNode constantNode(JsonNode e) {
        if (e == null) {
            return null;
        }
        return switch (text(e, "class")) {
            case "CONSTANT" -> e.path("value").path("value");
            case "CAST" -> constantNode(e.get("child"));
            case "FUNCTION" -> {
                if ("-".equals(text(e, "function_name")) && e.path("children").size() == 1) {
                    JsonNode c = constantNode(e.path("children").get(0));
                    yield c != null && c.isNumber() ? tools.jackson.databind.node.JsonNodeFactory.instance.numberNode(-c.asDouble()) : null;
                }
                yield null;
            }
            default -> null;
        };
    }

    private static String functionName(JsonNode fn) {
        return text(fn, "function_name").toLowerCase(Locale.ROOT);
    }

    private static String lastName(JsonNode columnRef) {
        JsonNode names = columnRef.path("column_names");
        return names.isArray() && !names.isEmpty() ? names.get(names.size() - 1).asString() : "";
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || !v.isString() ? "" : v.asString();
    }

    private static double max(double[] a) {
        double m = 0;
        for (double d : a) {
            m = Math.max(m, d);
        }
        return m;
    }

    private static double sum(double[] a) {
        double s = 0;
        for (double d : a) {
            s += d;
        }
        return s;
    }

    static String bytes(double b) {
        if (b == INF) {
            return "an unbounded size";
        }
        if (b >= 1 << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", b / (1 << 30));
        }
        if (b >= 1 << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", b / (1 << 20));
        }
        return String.format(Locale.ROOT, "%.0f KiB", Math.ceil(b / 1024));
    }

    private static QueryRefusedException refused(String why) {
        return new QueryRefusedException("sql: " + why);
    }
}
