package io.flowscope.plugins.mysql;

import java.nio.charset.StandardCharsets;

/**
 * What the parser takes from a statement's bytes: its verb ({@code SELECT}), and its text with literals replaced by
 * {@code ?} when obfuscation is on. One pass of a small tokenizer over the bytes (no regular expressions): quoted
 * strings ({@code '…'}, {@code "…"}, with doubled quotes and backslash escapes), numbers (integers, decimals,
 * exponents, {@code 0x…}, {@code 0b…}) and hexadecimal or bit strings ({@code X'…'}, {@code B'…'}) become {@code ?};
 * keywords, identifiers (also {@code `quoted`} ones, and names with digits such as {@code t1}), operators,
 * placeholders, comments and whitespace stay as they are. A statement cut by the capture limit ends inside a literal
 * at worst, which is replaced too.
 */
final class SqlText {

    private SqlText() {
    }

    private static final String[] VERBS = {
        "SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "SET", "SHOW", "CREATE", "DROP", "ALTER", "USE", "BEGIN",
        "COMMIT", "ROLLBACK", "START", "CALL", "EXPLAIN", "DESCRIBE", "DESC", "TRUNCATE", "GRANT", "REVOKE", "LOCK",
        "UNLOCK", "WITH", "PREPARE", "EXECUTE", "DEALLOCATE", "ANALYZE", "OPTIMIZE", "LOAD", "HANDLER", "DO", "KILL",
        "FLUSH", "RENAME", "SAVEPOINT", "RELEASE", "XA", "VALUES", "TABLE", "CHECK", "REPAIR", "INSTALL", "UNINSTALL",
        "BINLOG", "PURGE", "RESET", "CHANGE", "HELP", "SIGNAL", "RESIGNAL", "GET",
    };

    /** The first word of the statement, upper case, after whitespace, comments and opening parentheses; null if none. */
    static String verb(byte[] b, int from, int to) {
        int p = skipSpaceAndComments(b, from, to);
        while (p < to && b[p] == '(') {
            p = skipSpaceAndComments(b, p + 1, to);
        }
        int start = p;
        while (p < to && p - start < 16 && isLetter(b[p])) {
            p++;
        }
        int n = p - start;
        if (n == 0 || (p < to && isWordByte(b[p]))) {
            return null;
        }
        for (String v : VERBS) {
            if (v.length() == n && sameIgnoringCase(v, b, start)) {
                return v; // the constant: no String made per statement for the usual verbs
            }
        }
        return new String(b, start, n, StandardCharsets.US_ASCII).toUpperCase(java.util.Locale.ROOT);
    }

    /** Whether the statement starts with one of the verbs above (for detection: a known verb, not just a word). */
    static boolean knownVerb(byte[] b, int from, int to) {
        String v = verb(b, from, to);
        if (v == null) {
            return false;
        }
        for (String known : VERBS) {
            if (known == v) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameIgnoringCase(String v, byte[] b, int at) {
        for (int i = 0; i < v.length(); i++) {
            if ((b[at + i] & 0xdf) != v.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int skipSpaceAndComments(byte[] b, int p, int to) {
        while (p < to) {
            byte c = b[p];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                p++;
            } else if (c == '/' && p + 1 < to && b[p + 1] == '*') {
                if (p + 2 < to && b[p + 2] == '!') {
                    return p; // an executable comment (/*!40101 SET … */) is the statement itself
                }
                p = endOfBlockComment(b, p + 2, to);
            } else if (c == '#' || (c == '-' && p + 2 < to && b[p + 1] == '-' && (b[p + 2] == ' ' || b[p + 2] == '\t'))) {
                while (p < to && b[p] != '\n') {
                    p++;
                }
            } else {
                return p;
            }
        }
        return p;
    }

    private static int endOfBlockComment(byte[] b, int p, int to) {
        while (p + 1 < to && !(b[p] == '*' && b[p + 1] == '/')) {
            p++;
        }
        return Math.min(to, p + 2);
    }

    /** The statement as text: literals replaced by {@code ?} when {@code obfuscate}, else as it came (UTF-8). */
    static String text(byte[] b, int from, int to, boolean obfuscate, byte[] scratch) {
        if (!obfuscate) {
            return new String(b, from, to - from, StandardCharsets.UTF_8);
        }
        int n = obfuscate(b, from, to, scratch);
        return new String(scratch, 0, n, StandardCharsets.UTF_8);
    }

    /** Writes the obfuscated statement into {@code out} (at least {@code to - from} long) and returns its length. */
    static int obfuscate(byte[] b, int from, int to, byte[] out) {
        int o = 0;
        int p = from;
        while (p < to) {
            byte c = b[p];
            if (c == '\'' || c == '"') {
                p = endOfQuoted(b, p + 1, to, c);
                out[o++] = '?';
            } else if (c == '`') {
                int end = endOfQuoted(b, p + 1, to, c);
                System.arraycopy(b, p, out, o, end - p);
                o += end - p;
                p = end;
            } else if ((c == 'x' || c == 'X' || c == 'b' || c == 'B' || c == 'n' || c == 'N') && p + 1 < to
                    && b[p + 1] == '\'' && (p == from || !isWordByte(b[p - 1]))) {
                // X'0A' B'101' N'text': a literal with a one-letter prefix
                p = endOfQuoted(b, p + 2, to, (byte) '\'');
                out[o++] = '?';
            } else if (c == '_' && p + 1 < to && isLetter(b[p + 1]) && (p == from || !isWordByte(b[p - 1]))
                    && introducedString(b, p, to) > 0) {
                // _utf8mb4'text': a character set introducer and its string
                p = endOfQuoted(b, introducedString(b, p, to) + 1, to, (byte) '\'');
                out[o++] = '?';
            } else if (isDigit(c) || (c == '.' && p + 1 < to && isDigit(b[p + 1]))) {
                if (p > from && isWordByte(b[p - 1])) {
                    out[o++] = c; // inside a name (t1, col_2): copied as part of it
                    p++;
                    continue;
                }
                int end = endOfNumber(b, p, to);
                if (end < to && isWordByte(b[end])) {
                    // a name that starts with digits (MySQL allows 1abc): kept
                    while (end < to && isWordByte(b[end])) {
                        end++;
                    }
                    System.arraycopy(b, p, out, o, end - p);
                    o += end - p;
                } else {
                    out[o++] = '?';
                }
                p = end;
            } else if (c == '/' && p + 1 < to && b[p + 1] == '*') {
                int end = endOfBlockComment(b, p + 2, to);
                System.arraycopy(b, p, out, o, end - p);
                o += end - p;
                p = end;
            } else if (c == '#' || (c == '-' && p + 2 < to && b[p + 1] == '-' && (b[p + 2] == ' ' || b[p + 2] == '\t'))) {
                int end = p;
                while (end < to && b[end] != '\n') {
                    end++;
                }
                System.arraycopy(b, p, out, o, end - p);
                o += end - p;
                p = end;
            } else if (isWordByte(c)) {
                // a whole word at once: keywords and names, digits inside them included
                int end = p + 1;
                while (end < to && isWordByte(b[end])) {
                    end++;
                }
                System.arraycopy(b, p, out, o, end - p);
                o += end - p;
                p = end;
            } else {
                out[o++] = c;
                p++;
            }
        }
        return o;
    }

    /** For {@code _charset'…'} at {@code p}: the index of the quote, or -1. */
    private static int introducedString(byte[] b, int p, int to) {
        int q = p + 1;
        while (q < to && (isLetter(b[q]) || isDigit(b[q]))) {
            q++;
        }
        return q < to && b[q] == '\'' && q - p <= 16 ? q : -1;
    }

    /** After the opening quote: the index after the closing one (doubled quotes and backslash escapes inside). */
    private static int endOfQuoted(byte[] b, int p, int to, byte quote) {
        while (p < to) {
            byte c = b[p];
            if (c == '\\' && quote != '`') {
                p += 2;
            } else if (c == quote) {
                if (p + 1 < to && b[p + 1] == quote) {
                    p += 2;
                } else {
                    return p + 1;
                }
            } else {
                p++;
            }
        }
        return to;
    }

    private static int endOfNumber(byte[] b, int p, int to) {
        if (b[p] == '0' && p + 1 < to && (b[p + 1] == 'x' || b[p + 1] == 'X' || b[p + 1] == 'b' || b[p + 1] == 'B')) {
            int q = p + 2;
            while (q < to && (isDigit(b[q]) || ((b[q] | 0x20) >= 'a' && (b[q] | 0x20) <= 'f'))) {
                q++;
            }
            return q;
        }
        int q = p;
        while (q < to && isDigit(b[q])) {
            q++;
        }
        if (q < to && b[q] == '.') {
            q++;
            while (q < to && isDigit(b[q])) {
                q++;
            }
        }
        if (q < to && (b[q] == 'e' || b[q] == 'E')) {
            int e = q + 1;
            if (e < to && (b[e] == '+' || b[e] == '-')) {
                e++;
            }
            if (e < to && isDigit(b[e])) {
                q = e;
                while (q < to && isDigit(b[q])) {
                    q++;
                }
            }
        }
        return q;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLetter(byte c) {
        int l = c | 0x20;
        return l >= 'a' && l <= 'z';
    }

    /** Letters, digits, '_', '$' and any byte of a multi-byte UTF-8 character: what names are made of. */
    private static boolean isWordByte(byte c) {
        return isLetter(c) || isDigit(c) || c == '_' || c == '$' || c < 0;
    }
}
