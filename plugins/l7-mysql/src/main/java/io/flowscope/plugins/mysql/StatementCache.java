package io.flowscope.plugins.mysql;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prepared statements of one connection, by the id the server gave them, so an EXECUTE, RESET or CLOSE shows the
 * statement it runs. Bounded by count and by the characters held; the oldest go first (a client's statement
 * cache keeps the ones it reuses, and those are prepared again if the server forgot them, so are we).
 */
final class StatementCache {

    static final int MAX_STATEMENTS = 256;
    static final int MAX_CHARS = 256 * 1024;
    /** Characters kept of one statement: the store keeps 4,096 of a text. */
    static final int MAX_STATEMENT_CHARS = 4096;

    record Statement(String sql, String verb) {
    }

    private final LinkedHashMap<Long, Statement> byId = new LinkedHashMap<>();
    private long chars;
    private long evicted;

    void put(long id, String sql, String verb) {
        if (sql != null && sql.length() > MAX_STATEMENT_CHARS) {
            sql = sql.substring(0, MAX_STATEMENT_CHARS);
        }
        Statement old = byId.put(id, new Statement(sql, verb));
        if (old != null) {
            chars -= length(old);
        }
        chars += length(byId.get(id));
        Iterator<Map.Entry<Long, Statement>> it = byId.entrySet().iterator();
        while ((byId.size() > MAX_STATEMENTS || chars > MAX_CHARS) && it.hasNext()) {
            Map.Entry<Long, Statement> e = it.next();
            if (e.getKey() == id) {
                continue;
            }
            chars -= length(e.getValue());
            it.remove();
            evicted++;
        }
    }

    Statement get(long id) {
        return byId.get(id);
    }

    void remove(long id) {
        Statement s = byId.remove(id);
        if (s != null) {
            chars -= length(s);
        }
    }

    void clear() {
        byId.clear();
        chars = 0;
    }

    long evicted() {
        return evicted;
    }

    /** Bytes held: the entries and their texts (two bytes a character at worst). */
    long retainedBytes() {
        return 2 * chars + 96L * byId.size();
    }

    private static long length(Statement s) {
        return s.sql() == null ? 0 : s.sql().length();
    }
}
