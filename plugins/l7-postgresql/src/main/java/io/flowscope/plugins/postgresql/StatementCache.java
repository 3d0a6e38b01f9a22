package io.flowscope.plugins.postgresql;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one connection's extended protocol refers to by name: prepared statements (Parse) and portals (Bind),
 * each leading to the statement's verb and text, so that an Execute's row shows its SQL. Bounded: at most
 * {@link #MAX_STATEMENTS} named statements holding at most {@link #MAX_STATEMENT_CHARS} characters of text
 * (the least recently used go first), {@link #MAX_PORTALS} named portals.
 *
 * <p>Texts seen again (the same unnamed Parse of every execution, {@code BEGIN} in every transaction) are
 * found in a small memo by their bytes instead of being decoded and obfuscated again.
 */
final class StatementCache {

    static final int MAX_STATEMENTS = 256;
    static final int MAX_STATEMENT_CHARS = 256 * 1024;
    static final int MAX_PORTALS = 64;
    static final int MEMO_SLOTS = 64;
    static final int MEMO_MAX_TEXT = 512;
    static final int NAME_SLOTS = 16;

    /** A statement's verb and text as rows show them. */
    static final class Entry {
        final String verb;
        final String resource;
        final byte[] raw; // the text's bytes, for the memo (null when too long for it)

        Entry(String verb, String resource, byte[] raw) {
            this.verb = verb;
            this.resource = resource;
            this.raw = raw;
        }

        int chars() {
            return resource.length();
        }
    }

    private final boolean obfuscate;
    /** Slots never used hold EMPTY (no nulls: the conformance kit's walk of the parser's state needs none). */
    private static final Entry EMPTY = new Entry(null, "", new byte[0]);
    private final Entry[] memo = new Entry[MEMO_SLOTS];
    private final LinkedHashMap<String, Entry> statements = new LinkedHashMap<>(16, 0.75f, true);
    private long statementChars;
    private Entry unnamedStatement;
    private final Map<String, Entry> portals = new HashMap<>();
    private Entry unnamedPortal;
    private final byte[][] nameBytes = new byte[NAME_SLOTS][];
    private final String[] names = new String[NAME_SLOTS];
    private int nextName;

    StatementCache(boolean obfuscate) {
        this.obfuscate = obfuscate;
        java.util.Arrays.fill(memo, EMPTY);
        java.util.Arrays.fill(nameBytes, new byte[0]);
        java.util.Arrays.fill(names, "");
    }

    /** The entry for a statement's text {@code b[from, to)}. */
    Entry text(byte[] b, int from, int to) {
        int n = to - from;
        if (n > MEMO_MAX_TEXT) {
            return new Entry(SqlText.verb(b, from, to), SqlText.resource(b, from, to, obfuscate), null);
        }
        int h = 1;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        int slot = (h ^ (h >>> 16)) & (MEMO_SLOTS - 1);
        Entry e = memo[slot];
        if (e.raw.length == n && java.util.Arrays.equals(e.raw, 0, n, b, from, to)) {
            return e;
        }
        e = new Entry(SqlText.verb(b, from, to), SqlText.resource(b, from, to, obfuscate),
                java.util.Arrays.copyOfRange(b, from, to));
        memo[slot] = e;
        return e;
    }

    void parsed(String name, Entry e) {
        if (name.isEmpty()) {
            unnamedStatement = e;
            return;
        }
        Entry old = statements.put(name, e);
        if (old != null) {
            statementChars -= old.chars();
        }
        statementChars += e.chars();
        Iterator<Entry> it = statements.values().iterator();
        while ((statements.size() > MAX_STATEMENTS || statementChars > MAX_STATEMENT_CHARS) && it.hasNext()) {
            Entry eldest = it.next();
            if (eldest == e) {
                break;
            }
            statementChars -= eldest.chars();
            it.remove();
        }
    }

    /** The statement a name refers to, or null when its Parse was not seen. */
    Entry statement(String name) {
        return name.isEmpty() ? unnamedStatement : statements.get(name);
    }

    void bound(String portal, Entry e) {
        if (portal.isEmpty()) {
            unnamedPortal = e;
            return;
        }
        if (e == null) {
            portals.remove(portal);
            return;
        }
        if (portals.size() >= MAX_PORTALS && !portals.containsKey(portal)) {
            portals.clear(); // portals rarely outlive their transaction: starting afresh loses little
        }
        portals.put(portal, e);
    }

    Entry portal(String name) {
        return name.isEmpty() ? unnamedPortal : portals.get(name);
    }

    void closeStatement(String name) {
        if (name.isEmpty()) {
            unnamedStatement = null;
        } else {
            Entry old = statements.remove(name);
            if (old != null) {
                statementChars -= old.chars();
            }
        }
    }

    void closePortal(String name) {
        if (name.isEmpty()) {
            unnamedPortal = null;
        } else {
            portals.remove(name);
        }
    }

    /** A new session on the connection: nothing named survives it. */
    void clear() {
        statements.clear();
        statementChars = 0;
        unnamedStatement = null;
        portals.clear();
        unnamedPortal = null;
    }

    /**
     * The name in {@code b[from, to)} as a String, the same instance as last time for a name seen recently
     * (names recur on every Bind and Execute).
     */
    String name(byte[] b, int from, int to) {
        if (from == to) {
            return "";
        }
        for (int i = 0; i < NAME_SLOTS; i++) {
            byte[] k = nameBytes[i];
            if (k.length == to - from && java.util.Arrays.equals(k, 0, k.length, b, from, to)) {
                return names[i];
            }
        }
        String s = new String(b, from, to - from, StandardCharsets.UTF_8);
        nameBytes[nextName] = java.util.Arrays.copyOfRange(b, from, to);
        names[nextName] = s;
        nextName = (nextName + 1) % NAME_SLOTS;
        return s;
    }

    long retainedBytes() {
        return statementChars + statements.size() * 96L + MEMO_SLOTS * (MEMO_MAX_TEXT * 2L + 64) + portals.size() * 64L;
    }
}
