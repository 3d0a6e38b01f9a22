package io.flowscope.platform.store;

import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * One stored column, declared once: its name, its type and how a row gives its value. The DDL and the
 * writers' appends both come from these declarations ({@link Tables}), so they cannot drift apart.
 * Integer and time values use {@link #NULL} for SQL NULL, doubles NaN, text null.
 *
 * @param added whether the column came after the table's first version: an existing table gets it with
 *              {@code ADD COLUMN} when the store opens (new columns go at the end, where appends put them)
 */
record Column<T>(String name, Type type, boolean notNull, boolean added, ToLongFunction<T> integer,
                 ToDoubleFunction<T> real, Function<T, String> text) {

    /** The NULL of integer and time columns. */
    static final long NULL = Long.MIN_VALUE;

    /** Column types, DeepFlow's where it has the column (unsigned where DeepFlow is). */
    enum Type {
        UTINYINT, USMALLINT, UINTEGER, INTEGER, UBIGINT, BIGINT, DOUBLE,
        /** µs since the epoch, UTC. */
        TIMESTAMP,
        /** Cut at {@link Schema#MAX_TEXT_CHARS} when written. */
        VARCHAR
    }

    static <T> Column<T> integer(String name, Type type, ToLongFunction<T> value) {
        return new Column<>(name, type, false, false, value, null, null);
    }

    static <T> Column<T> time(String name, ToLongFunction<T> value) {
        return new Column<>(name, Type.TIMESTAMP, true, false, value, null, null);
    }

    static <T> Column<T> real(String name, ToDoubleFunction<T> value) {
        return new Column<>(name, Type.DOUBLE, false, false, null, value, null);
    }

    static <T> Column<T> text(String name, Function<T, String> value) {
        return new Column<>(name, Type.VARCHAR, false, false, null, null, value);
    }

    /** The same column, NOT NULL. */
    Column<T> required() {
        return new Column<>(name, type, true, added, integer, real, text);
    }

    /** The same column, NULL allowed (for a time that may be unknown). */
    Column<T> nullable() {
        return new Column<>(name, type, false, added, integer, real, text);
    }

    /** The same column, added after the table's first version. */
    Column<T> addedLater() {
        return new Column<>(name, type, notNull, true, integer, real, text);
    }
}
