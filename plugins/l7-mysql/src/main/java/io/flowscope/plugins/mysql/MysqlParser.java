package io.flowscope.plugins.mysql;

import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ResponseStatus;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;

/**
 * One MySQL/MariaDB connection. The client's packets are requests (the handshake response, then one command per
 * packet with sequence id 0, continued by packets of 16 MiB and more); the server's are read by
 * {@link ResponseReader} as the answer to the oldest command still waiting (clients may pipeline: MariaDB
 * Connector/J sends PREPARE and EXECUTE together). Requests and responses are emitted apart, in order, and the host
 * pairs them first in, first out; so that it keeps pairing right, every request that expects a response gets
 * exactly one, a lost one as UNKNOWN with {@code capture=incomplete}.
 *
 * <p>The connection state kept: the server's version, whether the client deprecated EOF packets, the current
 * database, prepared statements by id ({@link StatementCache}), and the commands waiting for their responses.
 * TLS (an SSL request) and the compressed protocol are reported and end parsing: what follows is not readable.
 */
final class MysqlParser implements ProtocolParser {

    /** Bytes kept of a statement (the store keeps 4,096 characters of it). */
    static final int SQL_KEEP = 8192;
    /** Bytes kept of a handshake response: capabilities, user, auth data (skipped), database, plugin. */
    static final int HANDSHAKE_KEEP = 1024;
    static final int MAX_PENDING = 64;
    static final long MAX_STATE_BYTES = 2L * 1024 * 1024;

    final ParserContext context;
    final boolean obfuscate;
    private final PacketFramer requests;
    final ResponseReader responses;
    final ArrayDeque<Command> pending = new ArrayDeque<>();
    final StatementCache statements = new StatementCache();
    /** Where statements are obfuscated; grows to the longest one kept. */
    private byte[] scratch = new byte[256];

    // what the connection learnt
    /** "10" once the greeting was seen (DeepFlow's version column: the protocol version). */
    String version;
    String serverVersion;
    /** -1 unknown (the handshake was not seen), 0 EOF packets are sent, 1 they are not (CLIENT_DEPRECATE_EOF). */
    int deprecateEof = -1;
    String database;
    /** Set by a handshake response asking for compression: parsing stops after the login's OK. */
    String compressionAfterLogin;
    private String lastPreparedSql;
    private String lastPreparedVerb;

    // the request in progress (a payload continued over several packets)
    private L7Message.Builder request;
    private boolean requestExpectsResponse;
    private Command requestCommand;
    private long requestBytes;
    private long requestStart;
    private int requestLastSeq;

    MysqlParser(ParserContext context) {
        this.context = context;
        this.obfuscate = context.obfuscate();
        this.requests = new PacketFramer(new ClientPackets(), SQL_KEEP + 1);
        this.responses = new ResponseReader(this);
    }

    @Override
    public void onData(Direction direction, ByteBuffer data, long timestampMicros) {
        if (direction == Direction.CLIENT_TO_SERVER) {
            requests.feed(data, timestampMicros);
        } else {
            responses.feed(data, timestampMicros);
        }
    }

    @Override
    public void onGap(Direction direction, long lostBytes) {
        if (direction == Direction.CLIENT_TO_SERVER) {
            if (requests.stopped()) {
                return;
            }
            if (request != null) {
                // the rest of a long payload is gone: what was seen of the request is reported
                requestBytes += requests.partialBytes() + lostBytes;
                finishRequest(requestLastSeq, context.nowMicros(), true);
            }
            requests.lose();
        } else {
            responses.gap(lostBytes);
        }
    }

    @Override
    public void onClose() {
        if (request != null) {
            finishRequest(requestLastSeq, context.nowMicros(), true);
        }
        responses.close();
    }

    @Override
    public long retainedBytes() {
        return requests.retainedBytes() + responses.retainedBytes() + scratch.length + statements.retainedBytes()
                + 128L * pending.size() + (request == null ? 0 : 512);
    }

    /** TLS or compression: nothing more of this connection can be read. */
    void stopParsing() {
        requests.stop();
        responses.stop();
    }

    /** A greeting starts a connection (again, on a reused tuple or a replay): what was learnt is forgotten. */
    void newConnection(String serverVersion) {
        responses.loseAllPending(context.nowMicros());
        request = null;
        this.version = Integer.toString(Wire.PROTOCOL_VERSION);
        this.serverVersion = serverVersion;
        deprecateEof = -1;
        database = null;
        compressionAfterLogin = null;
        statements.clear();
        lastPreparedSql = null;
        lastPreparedVerb = null;
    }

    /** The client's packets: commands, the handshake response; auth data and LOCAL INFILE contents are skipped. */
    private final class ClientPackets implements PacketFramer.Handler {

        @Override
        public int keep(int seq, int length, boolean continuation) {
            if (continuation) {
                return 0;
            }
            return seq == 0 ? SQL_KEEP + 1 : seq == 1 ? HANDSHAKE_KEEP : 0;
        }

        @Override
        public void packet(int seq, int length, byte[] b, int kept, boolean continuation, long startTs, long endTs) {
            if (continuation) {
                if (request == null) {
                    return; // the rest of a payload whose start was not a request (auth data, file contents)
                }
                if (seq != ((requestLastSeq + 1) & 0xff)) {
                    context.reportProblem("sequence_mismatch", "a continued request packet has sequence id " + seq
                            + ", not " + ((requestLastSeq + 1) & 0xff));
                    finishRequest(requestLastSeq, endTs, true);
                    requests.lose();
                    return;
                }
                requestBytes += 4L + length;
                requestLastSeq = seq;
                if (length < Wire.MAX_PACKET) {
                    finishRequest(seq, endTs, false);
                }
                return;
            }
            if (seq == 0 && length > 0) {
                command(b, kept, length, startTs, endTs);
            } else if (seq == 1 && Handshake.looksLikeResponse(b, kept)) {
                handshakeResponse(b, kept, length, startTs, endTs);
            }
            // anything else is the client's part of an exchange: auth data, LOCAL INFILE contents, or unknown
        }

        @Override
        public boolean plausible(ByteBuffer d, int at, int limit) {
            if (limit - at < 6) {
                return false;
            }
            int length = (d.get(at) & 0xff) | (d.get(at + 1) & 0xff) << 8 | (d.get(at + 2) & 0xff) << 16;
            int seq = d.get(at + 3) & 0xff;
            int first = d.get(at + 4) & 0xff;
            if (seq == 0 && length > 0) {
                if (Wire.commandName(first) == null || first == Wire.COM_SLEEP) {
                    return false;
                }
                if (first == Wire.COM_QUERY || first == Wire.COM_STMT_PREPARE) {
                    int c = d.get(at + 5) & 0xff;
                    return c >= 0x20 && c < 0x7f || c == '\n' || c == '\r' || c == '\t';
                }
                return length < 64 * 1024; // other commands are short
            }
            return seq == 1 && length >= 32 && (d.get(at + 5) & 0x02) != 0; // CLIENT_PROTOCOL_41
        }
    }

    private void command(byte[] b, int kept, int length, long start, long end) {
        int cmd = b[0] & 0xff;
        String name = Wire.commandName(cmd);
        if (name == null || cmd == Wire.COM_SLEEP) {
            context.reportProblem("unknown_command", "client packet with sequence id 0 starts with 0x"
                    + Integer.toHexString(cmd) + ", no command");
            requests.lose();
            return;
        }
        L7Message.Builder m = L7Message.request(MysqlParserFactory.PROTOCOL).version(version).domain(database);
        boolean expectsResponse = true;
        String sql = null;
        String verb = null;
        String databaseAfter = null;
        Map<String, String> attrs = null;
        switch (cmd) {
            case Wire.COM_QUERY, Wire.COM_STMT_PREPARE -> {
                int from = 1;
                if (kept > 3 && b[1] == 0 && b[2] == 1) {
                    from = 3; // MySQL 8 query attributes: none set (DeepFlow skips the same two bytes)
                }
                verb = SqlText.verb(b, from, kept);
                if (scratch.length < kept) {
                    scratch = new byte[Math.min(SQL_KEEP + 1, Math.max(kept, 2 * scratch.length))];
                }
                sql = SqlText.text(b, from, kept, obfuscate, scratch);
                m.resource(sql);
                if (cmd == Wire.COM_QUERY) {
                    m.operation(verb != null ? verb : name);
                    attrs = attrs(name, -1);
                    if ("USE".equals(verb)) {
                        databaseAfter = useTarget(b, from, kept);
                    }
                } else {
                    m.operation(name);
                    lastPreparedSql = sql;
                    lastPreparedVerb = verb;
                }
            }
            case Wire.COM_STMT_EXECUTE, Wire.COM_STMT_BULK_EXECUTE, Wire.COM_STMT_CLOSE, Wire.COM_STMT_RESET,
                 Wire.COM_STMT_FETCH, Wire.COM_STMT_SEND_LONG_DATA -> {
                long id = Wire.u32(b, kept, 1);
                String stmtSql;
                String stmtVerb;
                if (id == 0xffffffffL) {
                    // MariaDB: "the statement prepared last" (Connector/J sends PREPARE and EXECUTE together)
                    stmtSql = lastPreparedSql;
                    stmtVerb = lastPreparedVerb;
                } else {
                    StatementCache.Statement s = id < 0 ? null : statements.get(id);
                    stmtSql = s == null ? null : s.sql();
                    stmtVerb = s == null ? null : s.verb();
                }
                boolean runs = cmd == Wire.COM_STMT_EXECUTE || cmd == Wire.COM_STMT_BULK_EXECUTE;
                m.operation(runs && stmtVerb != null ? stmtVerb : name).resource(stmtSql);
                attrs = attrs(runs && stmtVerb != null ? name : null, id);
                if (cmd == Wire.COM_STMT_CLOSE || cmd == Wire.COM_STMT_SEND_LONG_DATA) {
                    expectsResponse = false;
                }
                if (cmd == Wire.COM_STMT_CLOSE && id >= 0) {
                    statements.remove(id);
                }
            }
            case Wire.COM_INIT_DB -> {
                databaseAfter = new String(b, 1, kept - 1, java.nio.charset.StandardCharsets.UTF_8);
                m.operation(name).resource(databaseAfter);
            }
            case Wire.COM_FIELD_LIST -> {
                String table = Wire.nulString(b, kept, 1, 256);
                m.operation(name).resource(table);
            }
            case Wire.COM_QUIT -> {
                m.operation(name);
                expectsResponse = false;
            }
            case Wire.COM_CHANGE_USER -> {
                String user = Wire.nulString(b, kept, 1, 256);
                m.operation(name).resource(user == null ? null : "Login username: " + user);
            }
            case Wire.COM_BINLOG_DUMP, Wire.COM_BINLOG_DUMP_GTID -> {
                m.operation(name);
                expectsResponse = false;
                context.reportProblem("replication_stream", "the client asked for the binlog: a replication stream follows, not parsed");
            }
            default -> m.operation(name);
        }
        if (attrs != null) {
            m.attributes(attrs);
        }
        if (!expectsResponse) {
            m.noResponseExpected();
        }
        request = m;
        requestExpectsResponse = expectsResponse;
        requestCommand = new Command(cmd, 1, cmd == Wire.COM_STMT_PREPARE ? sql : null, verb, databaseAfter);
        requestBytes = 4L + length;
        requestStart = start;
        requestLastSeq = 0;
        if (length < Wire.MAX_PACKET) {
            finishRequest(0, end, false);
        }
        if (cmd == Wire.COM_BINLOG_DUMP || cmd == Wire.COM_BINLOG_DUMP_GTID) {
            stopParsing();
        }
    }

    private static Map<String, String> attrs(String command, long statementId) {
        if (statementId < 0) {
            return command == null ? null : Map.of("command", command);
        }
        if (command == null) {
            return Map.of("statement_id", Long.toString(statementId));
        }
        Map<String, String> a = new TreeMap<>(); // sorted: the stored JSON is the same on every run
        a.put("command", command);
        a.put("statement_id", Long.toString(statementId));
        return a;
    }

    /** The database of {@code USE db} (backquotes taken off), or null. */
    private static String useTarget(byte[] b, int from, int to) {
        String s = new String(b, from, to - from, java.nio.charset.StandardCharsets.UTF_8).trim();
        String[] words = s.split("\\s+", 3);
        if (words.length < 2) {
            return null;
        }
        String db = words[1];
        if (db.endsWith(";")) {
            db = db.substring(0, db.length() - 1);
        }
        if (db.length() > 1 && db.startsWith("`") && db.endsWith("`")) {
            db = db.substring(1, db.length() - 1);
        }
        return db.isEmpty() ? null : db;
    }

    private void handshakeResponse(byte[] b, int kept, int length, long start, long end) {
        Handshake h = Handshake.parse(b, kept, length);
        Map<String, String> attrs = new TreeMap<>();
        if (serverVersion != null) {
            attrs.put("server_version", serverVersion);
        }
        L7Message.Builder m = L7Message.request(MysqlParserFactory.PROTOCOL).operation("LOGIN").version(version);
        if (h.sslRequest()) {
            attrs.put("tls", "true");
            context.sink().emit(m.attributes(attrs).noResponseExpected().time(start, end).bytes(4L + length).build());
            context.reportProblem("tls", "the client asked for TLS: the rest of the connection is encrypted and not parsed");
            stopParsing();
            return;
        }
        if (h.user() != null) {
            m.resource("Login username: " + h.user());
        }
        if (h.database() != null) {
            database = h.database();
            m.domain(database);
        }
        deprecateEof = (h.capabilities() & Wire.CLIENT_DEPRECATE_EOF) != 0 ? 1 : 0;
        if ((h.capabilities() & (Wire.CLIENT_COMPRESS | Wire.CLIENT_ZSTD_COMPRESSION)) != 0) {
            compressionAfterLogin = (h.capabilities() & Wire.CLIENT_ZSTD_COMPRESSION) != 0 ? "zstd" : "zlib";
            attrs.put("compression", compressionAfterLogin);
        }
        if (h.program() != null) {
            attrs.put("program_name", h.program());
        }
        m.attributes(attrs);
        request = m;
        requestExpectsResponse = true;
        requestCommand = new Command(Command.LOGIN, 2, null, null, null);
        requestBytes = 4L + length;
        requestStart = start;
        requestLastSeq = 1;
        finishRequest(1, end, false);
    }

    private void finishRequest(int lastSeq, long end, boolean incomplete) {
        L7Message.Builder m = request;
        request = null;
        if (incomplete) {
            m.attributes(withIncomplete(m.build().attributes()));
        }
        context.sink().emit(m.time(requestStart, end).bytes(requestBytes).build());
        if (requestExpectsResponse) {
            Command c = requestCommand;
            Command expecting = new Command(c.command, (lastSeq + 1) & 0xff, c.sql, c.verb, c.database);
            if (pending.size() >= MAX_PENDING) {
                context.reportProblem("too_many_pending", "more than " + MAX_PENDING + " commands waiting for responses");
                responses.loseOldest(end);
            }
            pending.addLast(expecting);
        }
        requestCommand = null;
    }

    static Map<String, String> withIncomplete(Map<String, String> attrs) {
        Map<String, String> a = new TreeMap<>(attrs);
        a.put("capture", "incomplete");
        return a;
    }

    /** A statement was prepared: remembered under its id. */
    void prepared(long id, Command c) {
        statements.put(id, c.sql, c.verb);
    }

    /** A response answered {@code c} with OK: what it changes of the connection. */
    void succeeded(Command c) {
        if (c != null && c.database != null) {
            database = c.database;
        }
    }

    ResponseStatus statusOf(int errorCode) {
        // DeepFlow's rule: 2000-2999 are the client library's errors, everything else the server's
        return errorCode >= 2000 && errorCode <= 2999 ? ResponseStatus.CLIENT_ERROR : ResponseStatus.SERVER_ERROR;
    }
}
