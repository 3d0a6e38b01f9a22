package io.flowscope.plugins.postgresql;

import java.nio.charset.StandardCharsets;

/**
 * What a statement's text gives a row: its verb ({@code request_type}) and the text itself
 * ({@code request_resource}), with literals replaced by {@code ?} when obfuscating.
 *
 * <p>A single pass of a small tokenizer over the UTF-8 bytes (every character it looks for is ASCII, so
 * multi-byte characters pass through untouched). PostgreSQL's lexical rules that matter here:
 * <ul>
 *   <li>{@code '...'} strings ({@code ''} inside is a quote), with an optional prefix {@code E} (backslash
 *       escapes), {@code B}, {@code X}, {@code N} or {@code U&}: the prefix and the string become {@code ?};</li>
 *   <li>dollar-quoted strings {@code $tag$...$tag$} (the tag empty or an identifier) become {@code ?};
 *       {@code $1} parameters stay;</li>
 *   <li>numbers ({@code 42}, {@code 3.5}, {@code .5}, {@code 1e-3}, {@code 0x1F}) become {@code ?} unless they
 *       are part of an identifier ({@code t1});</li>
 *   <li>{@code "quoted identifiers"}, {@code -- line} and (nested) {@code /* block *}{@code /} comments are
 *       kept as they are, and nothing inside them is changed;</li>
 *   <li>a literal the text ends inside (a statement cut at the kept length) becomes {@code ?}.</li>
 * </ul>
 */
final class SqlText {

    private SqlText() {
    }

    /** The text as stored: obfuscated or not; never null. */
    static String resource(byte[] b, int from, int to, boolean obfuscate) {
        if (!obfuscate) {
            return new String(b, from, to - from, StandardCharsets.UTF_8);
        }
        byte[] out = null; // allocated at the first literal: a text without any is decoded as it is
        int o = 0;
        int copied = from; // bytes before this index are in out (or need not be)
        int i = from;
        while (i < to) {
            int c = b[i] & 0xff;
            int end = -1; // end of a literal starting at 'start'
            int start = i;
            if (c == '\'') {
                end = quoted(b, i, to, false);
            } else if ((c == 'E' || c == 'e') && i + 1 < to && b[i + 1] == '\'' && !identifierBefore(b, from, i)) {
                end = quoted(b, i + 1, to, true);
            } else if ((c == 'B' || c == 'b' || c == 'X' || c == 'x' || c == 'N' || c == 'n')
                    && i + 1 < to && b[i + 1] == '\'' && !identifierBefore(b, from, i)) {
                end = quoted(b, i + 1, to, false);
            } else if ((c == 'U' || c == 'u') && i + 2 < to && b[i + 1] == '&' && b[i + 2] == '\''
                    && !identifierBefore(b, from, i)) {
                end = quoted(b, i + 2, to, false);
            } else if (c == '$') {
                end = dollarQuoted(b, i, to);
            } else if ((isDigit(c) || (c == '.' && i + 1 < to && isDigit(b[i + 1] & 0xff))) && !identifierBefore(b, from, i)) {
                end = number(b, i, to);
            } else if (c == '-' && i + 1 < to && (isDigit(b[i + 1] & 0xff) || b[i + 1] == '.') && signContext(b, from, i)) {
                end = number(b, i + 1, to); // a negative number: the sign goes with it
            } else if (c == '"') {
                i = quotedIdentifier(b, i, to);
                continue;
            } else if (c == '-' && i + 1 < to && b[i + 1] == '-') {
                i = lineComment(b, i, to);
                continue;
            } else if (c == '/' && i + 1 < to && b[i + 1] == '*') {
                i = blockComment(b, i, to);
                continue;
            } else if (isIdentifierPart(c)) {
                // a whole word at once: a digit or quote inside it is not a literal
                i++;
                while (i < to && isIdentifierPart(b[i] & 0xff)) {
                    i++;
                }
                continue;
            }
            if (end < 0) {
                i++;
                continue;
            }
            if (out == null) {
                out = new byte[to - from];
            }
            int n = start - copied;
            System.arraycopy(b, copied, out, o, n);
            o += n;
            out[o++] = '?';
            copied = end;
            i = end;
        }
        if (out == null) {
            return new String(b, from, to - from, StandardCharsets.UTF_8);
        }
        System.arraycopy(b, copied, out, o, to - copied);
        o += to - copied;
        return new String(out, 0, o, StandardCharsets.UTF_8);
    }

    /**
     * The statement's first keyword in upper case ({@code SELECT}, {@code WITH}, {@code BEGIN}), after blanks,
     * comments and opening parentheses; null when it does not start with a word.
     */
    static String verb(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int c = b[i] & 0xff;
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '(') {
                i++;
            } else if (c == '-' && i + 1 < to && b[i + 1] == '-') {
                i = lineComment(b, i, to);
            } else if (c == '/' && i + 1 < to && b[i + 1] == '*') {
                i = blockComment(b, i, to);
            } else {
                break;
            }
        }
        int start = i;
        while (i < to && i - start < 32 && isLetter(b[i] & 0xff)) {
            i++;
        }
        if (i == start || (i < to && isIdentifierPart(b[i] & 0xff))) {
            return null;
        }
        return Verbs.of(b, start, i);
    }

    /** End (exclusive) of the string whose opening quote is at {@code q}; {@code to} when it does not end. */
    private static int quoted(byte[] b, int q, int to, boolean backslashEscapes) {
        int i = q + 1;
        while (i < to) {
            byte c = b[i];
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == '\'') {
                if (i + 1 < to && b[i + 1] == '\'') {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return to;
    }

    /** End of a dollar-quoted string at {@code d}, or -1 when {@code $} does not open one ({@code $1}, a lone $). */
    private static int dollarQuoted(byte[] b, int d, int to) {
        int i = d + 1;
        if (i < to && isDigit(b[i] & 0xff)) {
            return -1; // a parameter
        }
        while (i < to && isIdentifierPart(b[i] & 0xff) && b[i] != '$') {
            i++;
        }
        if (i >= to || b[i] != '$') {
            return -1;
        }
        int tagLength = i - d + 1; // $tag$
        for (int j = i + 1; j + tagLength <= to; j++) {
            if (b[j] == '$' && regionEquals(b, d, j, tagLength)) {
                return j + tagLength;
            }
        }
        return to;
    }

    private static int number(byte[] b, int i, int to) {
        if (b[i] == '0' && i + 1 < to && (b[i + 1] | 0x20) == 'x' || b[i] == '0' && i + 1 < to && (b[i + 1] | 0x20) == 'o'
                || b[i] == '0' && i + 1 < to && (b[i + 1] | 0x20) == 'b') {
            i += 2;
            while (i < to && (isIdentifierPart(b[i] & 0xff))) {
                i++;
            }
            return i;
        }
        while (i < to && (isDigit(b[i] & 0xff) || b[i] == '_')) {
            i++;
        }
        if (i < to && b[i] == '.' && !(i + 1 < to && b[i + 1] == '.')) {
            i++;
            while (i < to && isDigit(b[i] & 0xff)) {
                i++;
            }
        }
        if (i < to && (b[i] | 0x20) == 'e') {
            int j = i + 1;
            if (j < to && (b[j] == '+' || b[j] == '-')) {
                j++;
            }
            if (j < to && isDigit(b[j] & 0xff)) {
                i = j;
                while (i < to && isDigit(b[i] & 0xff)) {
                    i++;
                }
            }
        }
        return i;
    }

    private static int quotedIdentifier(byte[] b, int q, int to) {
        int i = q + 1;
        while (i < to) {
            if (b[i] == '"') {
                if (i + 1 < to && b[i + 1] == '"') {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return to;
    }

    private static int lineComment(byte[] b, int i, int to) {
        while (i < to && b[i] != '\n') {
            i++;
        }
        return i;
    }

    private static int blockComment(byte[] b, int i, int to) {
        int depth = 0;
        while (i < to) {
            if (b[i] == '/' && i + 1 < to && b[i + 1] == '*') {
                depth++;
                i += 2;
            } else if (b[i] == '*' && i + 1 < to && b[i + 1] == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return to;
    }

    private static boolean regionEquals(byte[] b, int x, int y, int n) {
        for (int k = 0; k < n; k++) {
            if (b[x + k] != b[y + k]) {
                return false;
            }
        }
        return true;
    }

    /** Whether a '-' at {@code i} is a sign: nothing but an operator, '(' or ',' comes before it. */
    private static boolean signContext(byte[] b, int from, int i) {
        int j = i - 1;
        while (j >= from && (b[j] == ' ' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r')) {
            j--;
        }
        if (j < from) {
            return true;
        }
        return switch (b[j]) {
            case '=', '<', '>', '+', '-', '*', '/', '%', '^', '(', ',', '|', '&', '~', '!' -> true;
            default -> false;
        };
    }

    private static boolean identifierBefore(byte[] b, int from, int i) {
        return i > from && isIdentifierPart(b[i - 1] & 0xff);
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLetter(int c) {
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    }

    /** Letters, digits, underscore, dollar (inside identifiers) and non-ASCII bytes, as PostgreSQL's lexer. */
    private static boolean isIdentifierPart(int c) {
        return isLetter(c) || isDigit(c) || c == '_' || c == '$' || c >= 0x80;
    }

    /** Verbs as constants, so a statement's verb costs no allocation when it is a common one. */
    static final class Verbs {
        private static final String[] COMMON = {"SELECT", "INSERT", "UPDATE", "DELETE", "BEGIN", "END", "COMMIT",
            "ROLLBACK", "WITH", "COPY", "CREATE", "DROP", "ALTER", "TRUNCATE", "SET", "SHOW", "VALUES", "MERGE",
            "START", "SAVEPOINT", "RELEASE", "PREPARE", "EXECUTE", "DEALLOCATE", "DECLARE", "FETCH", "MOVE", "CLOSE",
            "LISTEN", "NOTIFY", "UNLISTEN", "VACUUM", "ANALYZE", "EXPLAIN", "GRANT", "REVOKE", "LOCK", "TABLE",
            "DO", "CALL", "RESET", "DISCARD", "CHECKPOINT", "REINDEX", "CLUSTER", "COMMENT", "ABORT"};

        private Verbs() {
        }

        static String of(byte[] b, int from, int to) {
            for (String v : COMMON) {
                if (v.length() == to - from && equalsIgnoreCase(v, b, from)) {
                    return v;
                }
            }
            byte[] up = new byte[to - from];
            for (int k = 0; k < up.length; k++) {
                up[k] = (byte) (b[from + k] & ~0x20);
            }
            return new String(up, StandardCharsets.US_ASCII);
        }

        private static boolean equalsIgnoreCase(String v, byte[] b, int from) {
            for (int k = 0; k < v.length(); k++) {
                if ((b[from + k] & ~0x20) != v.charAt(k)) {
                    return false;
                }
            }
            return true;
        }
    }
}
