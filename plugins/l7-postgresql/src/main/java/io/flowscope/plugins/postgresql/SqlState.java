package io.flowscope.plugins.postgresql;

import io.flowscope.api.ResponseStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * SQLSTATE codes: their condition names (PostgreSQL's own list, {@code sqlstates.txt}) and whether they are
 * the client's fault or the server's, as DeepFlow classifies them (its {@code postgre_convert.rs}): the classes
 * 03, 0A, 0B, 0F, 0L, 0P, 20, 22, 23, 26, 2F, 34, 3D, 3F and 42 and the codes 40001 (serialization failure),
 * 40003 and 40P01 (deadlock) are client errors, every other class of error a server error. DeepFlow lists codes
 * one by one and calls a code it does not list unknown; here such a code takes its class's status.
 */
final class SqlState {

    private static final Map<String, String> NAMES = load();

    private SqlState() {
    }

    /** The condition name ({@code undefined_table}), or null for a code PostgreSQL 15 does not define. */
    static String name(String code) {
        return NAMES.get(code);
    }

    static ResponseStatus status(String code) {
        if (code == null || code.length() != 5) {
            return ResponseStatus.SERVER_ERROR;
        }
        if (code.equals("40001") || code.equals("40003") || code.equals("40P01")) {
            return ResponseStatus.CLIENT_ERROR;
        }
        return switch (code.substring(0, 2)) {
            case "03", "0A", "0B", "0F", "0L", "0P", "20", "22", "23", "26", "2F", "34", "3D", "3F", "42" ->
                    ResponseStatus.CLIENT_ERROR;
            default -> ResponseStatus.SERVER_ERROR;
        };
    }

    private static Map<String, String> load() {
        Map<String, String> m = new HashMap<>(512);
        try (InputStream in = SqlState.class.getResourceAsStream("sqlstates.txt")) {
            if (in == null) {
                return m;
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                int space = line.indexOf(' ');
                if (!line.startsWith("#") && space == 5) {
                    m.put(line.substring(0, 5), line.substring(6).trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(m);
    }
}
