package io.flowscope.plugins.mysql;

/**
 * The connection phase: the server's greeting (protocol 10) and the client's handshake response (protocol 4.1). Of
 * the response only the capabilities, the user, the database and the {@code program_name} connection attribute are
 * read; the auth data is skipped by its length and never kept.
 */
record Handshake(long capabilities, String user, String database, String program, boolean sslRequest) {

    /** Bytes of the response before the user: capabilities, max packet size, character set, 23 reserved bytes. */
    private static final int USER_OFFSET = 32;

    /** Whether a client packet with sequence id 1 is a 4.1 handshake response (or SSL request). */
    static boolean looksLikeResponse(byte[] b, int kept) {
        if (kept < USER_OFFSET || (Wire.u32(b, kept, 0) & Wire.CLIENT_PROTOCOL_41) == 0) {
            return false;
        }
        // the reserved bytes are zero; MariaDB puts its extended capabilities in the last four
        for (int i = 9; i < 28; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    static Handshake parse(byte[] b, int kept, int length) {
        long caps = Wire.u32(b, kept, 0);
        if (length == USER_OFFSET && (caps & Wire.CLIENT_SSL) != 0) {
            return new Handshake(caps, null, null, null, true);
        }
        int p = USER_OFFSET;
        String user = Wire.nulString(b, kept, p, 256);
        int end = Wire.nul(b, kept, p);
        if (end < 0) {
            return new Handshake(caps, user, null, null, false);
        }
        p = end + 1;
        // auth data: skipped by its length, never read
        if ((caps & Wire.CLIENT_PLUGIN_AUTH_LENENC_DATA) != 0) {
            long n = Wire.lenenc(b, kept, p);
            int w = Wire.lenencWidth(b, kept, p);
            if (n < 0 || w < 0) {
                return new Handshake(caps, user, null, null, false);
            }
            p += w + (int) Math.min(n, Integer.MAX_VALUE - p - w);
        } else if ((caps & Wire.CLIENT_SECURE_CONNECTION) != 0) {
            int n = Wire.u8(b, kept, p);
            if (n < 0) {
                return new Handshake(caps, user, null, null, false);
            }
            p += 1 + n;
        } else {
            int e = Wire.nul(b, kept, p);
            if (e < 0) {
                return new Handshake(caps, user, null, null, false);
            }
            p = e + 1;
        }
        String database = null;
        if ((caps & Wire.CLIENT_CONNECT_WITH_DB) != 0 && p < kept) {
            database = Wire.nulString(b, kept, p, 256);
            int e = Wire.nul(b, kept, p);
            p = e < 0 ? kept : e + 1;
            if (database != null && database.isEmpty()) {
                database = null;
            }
        }
        if ((caps & Wire.CLIENT_PLUGIN_AUTH) != 0 && p < kept) {
            int e = Wire.nul(b, kept, p);
            p = e < 0 ? kept : e + 1;
        }
        return new Handshake(caps, user, database, programName(b, kept, p), false);
    }

    /** The {@code program_name} connection attribute (CLIENT_CONNECT_ATTRS), or null. */
    private static String programName(byte[] b, int kept, int p) {
        long total = Wire.lenenc(b, kept, p);
        int w = Wire.lenencWidth(b, kept, p);
        if (total <= 0 || w < 0) {
            return null;
        }
        p += w;
        long end = Math.min(kept, p + total);
        while (p < end) {
            String key = lenencString(b, kept, p);
            if (key == null) {
                return null;
            }
            p = skipLenenc(b, kept, p);
            String value = lenencString(b, kept, p);
            if (value == null) {
                return null;
            }
            if (key.equals("program_name")) {
                return value;
            }
            p = skipLenenc(b, kept, p);
        }
        return null;
    }

    private static String lenencString(byte[] b, int kept, int p) {
        long n = Wire.lenenc(b, kept, p);
        int w = Wire.lenencWidth(b, kept, p);
        if (n < 0 || w < 0 || p + w + n > kept || n > 256) {
            return null;
        }
        return new String(b, p + w, (int) n, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static int skipLenenc(byte[] b, int kept, int p) {
        return p + Wire.lenencWidth(b, kept, p) + (int) Wire.lenenc(b, kept, p);
    }

    /** The server version of a greeting payload ({@code 10.11.6-MariaDB}), or null when it is no greeting. */
    static String greetingVersion(byte[] b, int kept) {
        if (Wire.u8(b, kept, 0) != Wire.PROTOCOL_VERSION) {
            return null;
        }
        int end = Wire.nul(b, kept, 1);
        if (end <= 1 || end > 80 || end + 5 > kept) {
            return null;
        }
        for (int i = 1; i < end; i++) {
            if (b[i] < 0x20 || b[i] >= 0x7f) {
                return null;
            }
        }
        String v = new String(b, 1, end - 1, java.nio.charset.StandardCharsets.US_ASCII);
        // MariaDB prefixes "5.5.5-" for old clients that reject versions above 5
        return v.startsWith("5.5.5-") && v.length() > 6 ? v.substring(6) : v;
    }
}
