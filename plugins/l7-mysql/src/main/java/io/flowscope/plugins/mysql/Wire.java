package io.flowscope.plugins.mysql;

import java.nio.charset.StandardCharsets;

/**
 * Constants of the MySQL/MariaDB client/server protocol and readers of its integer and string encodings over the
 * bytes a packet kept. Every reader is bounds-checked against the kept length and answers -1 (or null) past it, so
 * malformed or cut packets never throw.
 */
final class Wire {

    private Wire() {
    }

    /** A packet of this payload length is continued by the next packet (payloads of 16 MiB and more). */
    static final int MAX_PACKET = 0xffffff;

    // commands (first byte of a client packet with sequence id 0)
    static final int COM_SLEEP = 0x00;
    static final int COM_QUIT = 0x01;
    static final int COM_INIT_DB = 0x02;
    static final int COM_QUERY = 0x03;
    static final int COM_FIELD_LIST = 0x04;
    static final int COM_STATISTICS = 0x09;
    static final int COM_PING = 0x0e;
    static final int COM_CHANGE_USER = 0x11;
    static final int COM_BINLOG_DUMP = 0x12;
    static final int COM_STMT_PREPARE = 0x16;
    static final int COM_STMT_EXECUTE = 0x17;
    static final int COM_STMT_SEND_LONG_DATA = 0x18;
    static final int COM_STMT_CLOSE = 0x19;
    static final int COM_STMT_RESET = 0x1a;
    static final int COM_STMT_FETCH = 0x1c;
    static final int COM_BINLOG_DUMP_GTID = 0x1e;
    static final int COM_RESET_CONNECTION = 0x1f;
    /** MariaDB's array binding of one prepared statement. */
    static final int COM_STMT_BULK_EXECUTE = 0xfa;

    private static final String[] COMMAND_NAMES = {
        "COM_SLEEP", "COM_QUIT", "COM_INIT_DB", "COM_QUERY", "COM_FIELD_LIST", "COM_CREATE_DB", "COM_DROP_DB",
        "COM_REFRESH", "COM_SHUTDOWN", "COM_STATISTICS", "COM_PROCESS_INFO", "COM_CONNECT", "COM_PROCESS_KILL",
        "COM_DEBUG", "COM_PING", "COM_TIME", "COM_DELAYED_INSERT", "COM_CHANGE_USER", "COM_BINLOG_DUMP",
        "COM_TABLE_DUMP", "COM_CONNECT_OUT", "COM_REGISTER_SLAVE", "COM_STMT_PREPARE", "COM_STMT_EXECUTE",
        "COM_STMT_SEND_LONG_DATA", "COM_STMT_CLOSE", "COM_STMT_RESET", "COM_SET_OPTION", "COM_STMT_FETCH",
        "COM_DAEMON", "COM_BINLOG_DUMP_GTID", "COM_RESET_CONNECTION",
    };

    /** DeepFlow's name of a command byte ({@code COM_QUERY}), or null for a byte that is no command. */
    static String commandName(int command) {
        if (command >= 0 && command < COMMAND_NAMES.length) {
            return COMMAND_NAMES[command];
        }
        return command == COM_STMT_BULK_EXECUTE ? "COM_STMT_BULK_EXECUTE" : null;
    }

    // capability flags
    static final long CLIENT_CONNECT_WITH_DB = 0x8;
    static final long CLIENT_COMPRESS = 0x20;
    static final long CLIENT_PROTOCOL_41 = 0x200;
    static final long CLIENT_SSL = 0x800;
    static final long CLIENT_SECURE_CONNECTION = 0x8000;
    static final long CLIENT_PLUGIN_AUTH = 1L << 19;
    static final long CLIENT_PLUGIN_AUTH_LENENC_DATA = 1L << 21;
    static final long CLIENT_DEPRECATE_EOF = 1L << 24;
    static final long CLIENT_ZSTD_COMPRESSION = 1L << 26;

    // server status flags (OK and EOF packets)
    static final int SERVER_MORE_RESULTS_EXISTS = 0x0008;
    static final int SERVER_STATUS_CURSOR_EXISTS = 0x0040;

    // first bytes of server packets
    static final int OK = 0x00;
    static final int LOCAL_INFILE = 0xfb;
    static final int EOF = 0xfe;
    static final int ERR = 0xff;
    /** The error code of a MariaDB progress report, sent as an ERR packet in the middle of a long statement. */
    static final int PROGRESS_REPORT = 0xffff;
    /** The protocol version of every server since MySQL 3.21 (the first byte of the greeting). */
    static final int PROTOCOL_VERSION = 10;

    static int u8(byte[] b, int len, int at) {
        return at < len && at >= 0 ? b[at] & 0xff : -1;
    }

    static int u16(byte[] b, int len, int at) {
        return at + 2 <= len && at >= 0 ? (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 : -1;
    }

    static long u32(byte[] b, int len, int at) {
        return at + 4 <= len && at >= 0 ? (u16(b, len, at) | (long) u16(b, len, at + 2) << 16) : -1;
    }

    /** Width of the length-encoded integer at {@code at} (1, 3, 4 or 9), or -1 when its first byte is missing or no integer. */
    static int lenencWidth(byte[] b, int len, int at) {
        int first = u8(b, len, at);
        if (first < 0) {
            return -1;
        }
        return switch (first) {
            case 0xfc -> 3;
            case 0xfd -> 4;
            case 0xfe -> 9;
            case 0xfb, 0xff -> -1; // NULL and the ERR marker are no integers
            default -> 1;
        };
    }

    /** The length-encoded integer at {@code at}, or -1 when it is cut or no integer (values over 2^63 are clipped). */
    static long lenenc(byte[] b, int len, int at) {
        int w = lenencWidth(b, len, at);
        if (w < 0 || at + w > len) {
            return -1;
        }
        if (w == 1) {
            return b[at] & 0xff;
        }
        long v = 0;
        for (int i = w - 1; i >= 1; i--) {
            v = v << 8 | (b[at + i] & 0xff);
        }
        return v < 0 ? Long.MAX_VALUE : v;
    }

    /** The NUL-terminated string at {@code at} (ISO-8859-1 is enough for the names read: users, versions), or null. */
    static String nulString(byte[] b, int len, int at, int max) {
        int end = nul(b, len, at);
        if (end < 0 || end - at > max) {
            return null;
        }
        return new String(b, at, end - at, StandardCharsets.UTF_8);
    }

    /** The index of the NUL ending the string at {@code at}, or -1. */
    static int nul(byte[] b, int len, int at) {
        for (int i = Math.max(0, at); i < len; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
