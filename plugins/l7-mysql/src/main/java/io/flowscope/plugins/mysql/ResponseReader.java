package io.flowscope.plugins.mysql;

import io.flowscope.api.L7Message;
import io.flowscope.api.ResponseStatus;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server's side of a connection: the greeting, and each response read as the answer to the oldest waiting
 * {@link Command}: OK, ERR, a result set (column count, column definitions, an EOF unless the client deprecated
 * it, rows, then EOF or an OK with the EOF header; more result sets when the status says so), a PREPARE's OK with
 * its parameter and column definitions, LOCAL INFILE, and the auth switches of a login. Rows are counted, never
 * kept: of each only its first bytes are looked at. Sequence ids tie a response's packets together: a packet that
 * does not follow the one before ends the response in progress.
 */
final class ResponseReader implements PacketFramer.Handler {

    /** Bytes kept of a response's first packet: a greeting, an OK, a PREPARE's OK. */
    static final int FIRST_KEEP = 256;
    /** Bytes kept of a definition or a row: enough for an EOF or an OK ending the result. */
    static final int ROW_KEEP = 16;
    /** Column counts above this are taken for garbage (MySQL allows 4,096 columns a table, joins more). */
    static final long MAX_COLUMNS = 65_535;

    private enum State {
        /** No response in progress: the next packet starts one. */
        IDLE,
        /** In a response, waiting for a result's first packet (after a progress report, or more results). */
        RESULT,
        AUTH, COLUMNS, COLUMNS_END, ROWS, PREPARE_DEFS, PREPARE_EOF, PREPARE_MAYBE_EOF, FIELD_LIST, LOCAL_INFILE
    }

    private final MysqlParser conn;
    private final PacketFramer framer;
    private State state = State.IDLE;
    /** Bytes were lost: the response found next answers the newest waiting command, the older ones lost theirs. */
    private boolean resynced;

    // the response in progress
    private Command command;
    private long start;
    private long end;
    private long previousEnd;
    private long bytes;
    private int lastSeq;
    private long defsLeft;
    private long rows;
    private boolean resultSet;
    private long affectedRows = L7Message.NO_AFFECTED_ROWS;
    private int warnings;
    private long statementId = -1;
    private int params;
    private int columns;

    ResponseReader(MysqlParser conn) {
        this.conn = conn;
        this.framer = new PacketFramer(this, FIRST_KEEP);
    }

    long retainedBytes() {
        return framer.retainedBytes() + 128;
    }

    void feed(ByteBuffer data, long ts) {
        framer.feed(data, ts);
    }

    void stop() {
        framer.stop();
    }

    void gap(long lost) {
        if (framer.stopped()) {
            return;
        }
        if (state != State.IDLE) {
            bytes += framer.partialBytes() + lost;
            finishLost(conn.context.nowMicros());
        }
        framer.lose();
        resynced = true;
    }

    void close() {
        if (state == State.PREPARE_MAYBE_EOF || state == State.PREPARE_EOF) {
            finish(ResponseStatus.OK, L7Message.NO_STATUS_CODE, null, false);
        } else if (state != State.IDLE) {
            bytes += framer.partialBytes();
            finishLost(end);
        }
        // commands still waiting keep waiting: the host reports them as timed out when the connection ended
    }

    @Override
    public int keep(int seq, int length, boolean continuation) {
        if (continuation) {
            return 0;
        }
        return switch (state) {
            case IDLE, RESULT, AUTH, LOCAL_INFILE -> FIRST_KEEP;
            default -> ROW_KEEP;
        };
    }

    @Override
    public boolean plausible(ByteBuffer d, int at, int limit) {
        if (limit - at < 5) {
            return false;
        }
        int length = (d.get(at) & 0xff) | (d.get(at + 1) & 0xff) << 8 | (d.get(at + 2) & 0xff) << 16;
        int seq = d.get(at + 3) & 0xff;
        int first = d.get(at + 4) & 0xff;
        if (seq == 0) {
            return first == Wire.PROTOCOL_VERSION && length >= 20 && length < 1024 || first == Wire.ERR && length < 1024;
        }
        Command head = conn.pending.peekFirst();
        if (head != null && head.authenticates() && seq >= 2) {
            return first == Wire.OK || first == Wire.ERR || first == Wire.EOF || first == 0x01;
        }
        if (seq != 1) {
            return false;
        }
        return first == Wire.OK && length >= 7 && length < 1024 || first == Wire.ERR && length >= 3 && length < 1024
                || first == Wire.EOF && length < 9 || first >= 1 && first <= 0xfa && length <= 2;
    }

    @Override
    public void packet(int seq, int length, byte[] b, int kept, boolean continuation, long startTs, long endTs) {
        if (continuation) {
            if (state != State.IDLE) {
                bytes += 4L + length;
                end = endTs;
                lastSeq = seq;
            }
            return;
        }
        if (seq == 0 && state == State.IDLE) {
            String version = Handshake.greetingVersion(b, kept);
            if (version != null) {
                conn.newConnection(version);
                resynced = false;
                return;
            }
        }
        if (state != State.IDLE) {
            if (seq != ((lastSeq + 1) & 0xff)) {
                if (state == State.PREPARE_MAYBE_EOF) {
                    finish(ResponseStatus.OK, L7Message.NO_STATUS_CODE, null, false);
                } else {
                    conn.context.reportProblem("sequence_mismatch", "server packet with sequence id " + seq
                            + " inside a response whose last packet had " + lastSeq);
                    finishLost(startTs);
                }
            } else {
                bytes += 4L + length;
                previousEnd = end;
                end = endTs;
                lastSeq = seq;
                inResponse(seq, length, b, kept, startTs, endTs);
                return;
            }
        }
        begin(seq, length, b, kept, startTs, endTs);
    }

    private void begin(int seq, int length, byte[] b, int kept, long startTs, long endTs) {
        if (resynced) {
            resynced = false;
            // clients wait for a response before the next command (pipelines are short): the response found after
            // a loss answers the newest command; the older ones' responses were lost
            while (conn.pending.size() > 1) {
                loseOldest(startTs);
            }
        }
        command = conn.pending.peekFirst();
        if (command != null && seq != command.firstResponseSeq && !command.authenticates()) {
            conn.context.reportProblem("sequence_mismatch", "response starts with sequence id " + seq + ", not "
                    + command.firstResponseSeq);
        }
        start = startTs;
        end = endTs;
        bytes = 4L + length;
        lastSeq = seq;
        rows = 0;
        resultSet = false;
        affectedRows = L7Message.NO_AFFECTED_ROWS;
        warnings = 0;
        statementId = -1;
        state = State.RESULT;
        if (command != null && command.authenticates()) {
            state = State.AUTH;
        }
        inResponse(seq, length, b, kept, startTs, endTs);
    }

    private void inResponse(int seq, int length, byte[] b, int kept, long startTs, long endTs) {
        int first = Wire.u8(b, kept, 0);
        switch (state) {
            case AUTH -> {
                if (first == Wire.OK) {
                    boolean compressed = command != null && command.command == Command.LOGIN && conn.compressionAfterLogin != null;
                    finish(ResponseStatus.OK, L7Message.NO_STATUS_CODE, null, false);
                    if (compressed) {
                        conn.context.reportProblem("compressed", "the connection uses the compressed protocol ("
                                + conn.compressionAfterLogin + "): its commands are not parsed");
                        conn.stopParsing();
                    }
                } else if (first == Wire.ERR) {
                    error(b, kept);
                }
                // an auth switch (0xFE) or more auth data (0x01): the login goes on
            }
            case RESULT -> result(first, length, b, kept);
            case COLUMNS -> {
                if (--defsLeft <= 0) {
                    state = State.COLUMNS_END;
                }
            }
            case COLUMNS_END -> {
                // an EOF here is 5 bytes; an OK with the EOF header (deprecated EOF, no rows) at least 7
                boolean eof = first == Wire.EOF && (conn.deprecateEof == -1 ? length == 5 : conn.deprecateEof == 0 && length < 9);
                if (eof) {
                    conn.deprecateEof = 0;
                    int status = Wire.u16(b, kept, 3);
                    if (status >= 0 && (status & Wire.SERVER_STATUS_CURSOR_EXISTS) != 0) {
                        finish(ResponseStatus.OK, L7Message.NO_STATUS_CODE, null, false); // rows come by COM_STMT_FETCH
                    } else {
                        state = State.ROWS;
                    }
                } else {
                    if (first != Wire.ERR) {
                        conn.deprecateEof = 1;
                    }
                    state = State.ROWS;
                    row(first, length, b, kept);
                }
            }
            case ROWS -> row(first, length, b, kept);
            case PREPARE_DEFS -> {
                if (first == Wire.EOF && length < 9) {
                    conn.deprecateEof = 0;
                } else if (--defsLeft <= 0) {
                    afterPrepareDefs();
                }
            }
            case PREPARE_EOF, PREPARE_MAYBE_EOF -> {
                if (first == Wire.EOF && length < 9) {
                    conn.deprecateEof = 0;
                    finish(ResponseStatus.OK, L7Message.NO_STATUS_CODE, null, false);
                } else {
                    // not the EOF it might have been: the prepare ended before this packet, which starts a response
                    bytes -= 4L + length;
                    end = previousEnd;
                    finish(ResponseStatus.OK, L7Message.NO_STATUS_CODE, null, false);
                    begin(seq, length, b, kept, startTs, endTs);
                }
            }
            case FIELD_LIST -> {
                if (first == Wire.EOF && length < 9) {
                    finish(ResponseStatus.OK, L7Message.NO_STATUS_CODE, null, false);
                } else if (first == Wire.ERR) {
                    error(b, kept);
                }
            }
            case LOCAL_INFILE -> {
                if (first == Wire.OK) {
                    ok(b, kept, true);
                } else if (first == Wire.ERR) {
                    error(b, kept);
                }
            }
            case IDLE -> {
            }
        }
    }

    /** A result's first packet. */
    private void result(int first, int length, byte[] b, int kept) {
        int cmd = command == null ? -2 : command.command;
        if (first == Wire.ERR) {
            if (Wire.u16(b, kept, 1) == Wire.PROGRESS_REPORT) {
                return; // MariaDB's progress report: the result is still to come
            }
            error(b, kept);
            return;
        }
        if (first == Wire.OK && cmd == Wire.COM_STMT_PREPARE) {
            statementId = Wire.u32(b, kept, 1);
            columns = Math.max(0, Wire.u16(b, kept, 5));
            params = Math.max(0, Wire.u16(b, kept, 7));
            warnings = Math.max(0, Wire.u16(b, kept, 10));
            if (statementId >= 0) {
                conn.prepared(statementId, command);
            }
            defsLeft = (long) columns + params;
            if (defsLeft == 0) {
                finish(ResponseStatus.OK, L7Message.NO_STATUS_CODE, null, false);
            } else {
                state = State.PREPARE_DEFS;
            }
            return;
        }
        if (first == Wire.OK) {
            ok(b, kept, true);
            return;
        }
        if (first == Wire.EOF) {
            // COM_SET_OPTION and a cursor's last FETCH answer with an EOF; an OK may carry the EOF header
            if (length >= 9) {
                ok(b, kept, true);
            } else {
                finish(ResponseStatus.OK, L7Message.NO_STATUS_CODE, null, false);
            }
            return;
        }
        if (first == Wire.LOCAL_INFILE && cmd == Wire.COM_QUERY) {
            state = State.LOCAL_INFILE; // the client sends the file, then the server says OK or ERR
            return;
        }
        switch (cmd) {
            case Wire.COM_STATISTICS -> finish(ResponseStatus.OK, L7Message.NO_STATUS_CODE, null, false);
            case Wire.COM_FIELD_LIST -> state = State.FIELD_LIST;
            case Wire.COM_STMT_FETCH -> {
                resultSet = true;
                state = State.ROWS;
                rows++;
            }
            default -> {
                long count = Wire.lenenc(b, kept, 0);
                int w = Wire.lenencWidth(b, kept, 0);
                if (count <= 0 || count > MAX_COLUMNS || w < 0 || length > w + 1) {
                    conn.context.reportProblem("bad_response", "a response starting with 0x" + Integer.toHexString(first)
                            + " (" + length + " bytes) is neither OK, ERR nor a result set");
                    finishLost(end);
                    framer.lose();
                    return;
                }
                resultSet = true;
                defsLeft = count;
                // MariaDB's metadata cache: one more byte says whether the column definitions follow
                boolean metadataFollows = length == w || Wire.u8(b, kept, w) != 0;
                state = metadataFollows ? State.COLUMNS : State.ROWS;
            }
        }
    }

    private void row(int first, int length, byte[] b, int kept) {
        if (first == Wire.EOF && length < Wire.MAX_PACKET) {
            // the end of the rows: an EOF, or an OK with the EOF header (a row starting with 0xFE is 16 MiB long)
            int status;
            if (length < 9) {
                warnings += Math.max(0, Wire.u16(b, kept, 1));
                status = Wire.u16(b, kept, 3);
            } else {
                status = okStatus(b, kept);
            }
            if (status >= 0 && (status & Wire.SERVER_MORE_RESULTS_EXISTS) != 0) {
                state = State.RESULT;
            } else {
                finish(ResponseStatus.OK, L7Message.NO_STATUS_CODE, null, false);
            }
        } else if (first == Wire.ERR) {
            error(b, kept);
        } else {
            rows++;
        }
    }

    private void afterPrepareDefs() {
        if (conn.deprecateEof == 1) {
            finish(ResponseStatus.OK, L7Message.NO_STATUS_CODE, null, false);
        } else {
            state = conn.deprecateEof == 0 ? State.PREPARE_EOF : State.PREPARE_MAYBE_EOF;
        }
    }

    /** An OK packet: affected rows, then (unless more results follow) the end of the response. */
    private void ok(byte[] b, int kept, boolean mayContinue) {
        int status = okStatus(b, kept);
        if (mayContinue && status >= 0 && (status & Wire.SERVER_MORE_RESULTS_EXISTS) != 0) {
            state = State.RESULT;
            return;
        }
        conn.succeeded(command);
        finish(ResponseStatus.OK, L7Message.NO_STATUS_CODE, null, false);
    }

    /** Reads an OK's affected rows and warnings; answers its status flags, or -1. */
    private int okStatus(byte[] b, int kept) {
        long affected = Wire.lenenc(b, kept, 1);
        int w1 = Wire.lenencWidth(b, kept, 1);
        if (affected < 0 || w1 < 0) {
            return -1;
        }
        affectedRows = affectedRows == L7Message.NO_AFFECTED_ROWS ? affected : affectedRows + affected;
        int p = 1 + w1;
        int w2 = Wire.lenencWidth(b, kept, p);
        if (w2 < 0) {
            return -1;
        }
        p += w2;
        int status = Wire.u16(b, kept, p);
        warnings += Math.max(0, Wire.u16(b, kept, p + 2));
        return status;
    }

    private void error(byte[] b, int kept) {
        int code = Wire.u16(b, kept, 1);
        String text;
        if (Wire.u8(b, kept, 3) == '#' && kept >= 9) {
            // "#" and the five characters of the SQL state, then the message
            text = new String(b, 4, 5, java.nio.charset.StandardCharsets.US_ASCII) + ": "
                    + new String(b, 9, kept - 9, java.nio.charset.StandardCharsets.UTF_8);
        } else {
            text = kept > 3 ? new String(b, 3, kept - 3, java.nio.charset.StandardCharsets.UTF_8) : null;
        }
        finish(code < 0 ? ResponseStatus.SERVER_ERROR : conn.statusOf(code), code < 0 ? L7Message.NO_STATUS_CODE : code,
                text, false);
    }

    /** The response in progress lost bytes or its end: reported with what is known, its status unknown. */
    private void finishLost(long ts) {
        end = Math.max(end, Math.min(ts, Long.MAX_VALUE));
        finish(ResponseStatus.UNKNOWN, L7Message.NO_STATUS_CODE, null, true);
    }

    private void finish(ResponseStatus status, int code, String exception, boolean incomplete) {
        L7Message.Builder m = L7Message.response(MysqlParserFactory.PROTOCOL).version(conn.version).status(status)
                .time(start, end).bytes(bytes);
        if (code != L7Message.NO_STATUS_CODE) {
            m.statusCode(code);
        }
        if (exception != null) {
            m.exception(exception);
        }
        if (resultSet) {
            m.result(rows + (rows == 1 ? " row" : " rows"));
        }
        if (affectedRows != L7Message.NO_AFFECTED_ROWS && status == ResponseStatus.OK && !resultSet) {
            m.affectedRows(affectedRows);
        }
        Map<String, String> attrs = null;
        if (statementId >= 0 || warnings > 0 || incomplete) {
            attrs = new TreeMap<>(); // sorted: the stored JSON is the same on every run
            if (statementId >= 0) {
                attrs.put("statement_id", Long.toString(statementId));
                attrs.put("params", Integer.toString(params));
                attrs.put("columns", Integer.toString(columns));
            }
            if (warnings > 0) {
                attrs.put("warnings", Integer.toString(warnings));
            }
            if (incomplete) {
                attrs.put("capture", "incomplete");
            }
            m.attributes(attrs);
        }
        if (command != null && conn.pending.peekFirst() == command) {
            conn.pending.pollFirst();
        }
        command = null;
        state = State.IDLE;
        conn.context.sink().emit(m.build());
    }

    /** The oldest waiting command will get no response that can be read: it gets a lost one, to keep pairing right. */
    void loseOldest(long ts) {
        Command c = conn.pending.pollFirst();
        if (c == null) {
            return;
        }
        if (c == command) {
            // its response is the one in progress
            conn.pending.addFirst(c);
            bytes += framer.partialBytes();
            finishLost(ts);
            return;
        }
        conn.context.sink().emit(L7Message.response(MysqlParserFactory.PROTOCOL).version(conn.version)
                .status(ResponseStatus.UNKNOWN).time(ts, ts).bytes(0).attributes(Map.of("capture", "incomplete")).build());
    }

    /** Every waiting command gets a lost response (a new connection starts on the same bytes). */
    void loseAllPending(long ts) {
        if (state != State.IDLE) {
            finishLost(ts);
        }
        while (!conn.pending.isEmpty()) {
            loseOldest(ts);
        }
    }
}
