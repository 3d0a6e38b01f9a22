package io.flowscope.plugins.postgresql;

import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.MessageKind;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ResponseStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * One PostgreSQL connection. Each direction is cut into messages by a {@link MessageFramer}; this class gives
 * them meaning and makes one row per statement: a Query (all its statements, as DeepFlow takes it), an
 * Execute (its SQL from the statement its portal was bound to), a Parse that a Sync batch executed nothing
 * with (PREPARE), the startup (authentication up to the first ReadyForQuery), a CancelRequest, a
 * FunctionCall.
 *
 * <p>Pairing. The server answers in order: every Query or Sync with one ReadyForQuery, every Execute with one
 * completion (CommandComplete, EmptyQueryResponse, PortalSuspended) or an ErrorResponse, after which it
 * discards the rest up to Sync. Statements wait in {@link Batch}es (one per ReadyForQuery); a statement's
 * request and response are emitted together once it is answered, so the host's first-in first-out pairing
 * always sees the two side by side. Statements a failed batch discarded are emitted as a SESSION of unknown
 * status that says so; a completion that answers nothing known (its request not captured) is a lone response.
 * A completion never answers a request sent after it: such a one is taken as an answer to something not seen,
 * which keeps pairing right after a loss.
 *
 * <p>Never kept: passwords and SASL exchanges (PasswordMessage bodies are skipped by length, unread),
 * BackendKeyData and the CancelRequest's secret key, parameter values of Bind, data rows, COPY data.
 */
final class PostgresqlParser implements ProtocolParser, MessageFramer.Handler {

    /** Bytes of a statement's text kept for its row (longer ones are cut). */
    static final int MAX_SQL_KEPT = 16 * 1024;
    /** Bind, Execute, Describe, Close: only the names at their start are read. */
    static final int MAX_NAMES_KEPT = 256;
    static final int MAX_ERROR_KEPT = 4096;
    static final int MAX_TAG_KEPT = 64;
    static final int MAX_STARTUP_KEPT = 2048;
    /** Statements sent and not yet answered; beyond it the oldest lose their details (their answers come alone). */
    static final int MAX_PENDING = 256;
    static final int MAX_PENDING_CHARS = 512 * 1024;
    static final int MAX_BATCHES = 256;
    /** The buffers, the statement cache and its memo, the pending statements: see the constants. */
    static final long MAX_STATE_BYTES = 1536 * 1024;

    static final String NOT_EXECUTED = "not executed: an earlier message of its batch failed, and the server"
            + " discarded the rest of the batch up to Sync";
    static final String NO_ANSWER = "no answer seen before the batch's ReadyForQuery";
    static final String ANSWER_LOST = "answer lost: server bytes were missing from the capture";
    static final String SESSION_RESTARTED = "no answer seen before a new startup on the connection";

    /** The protocol message a row's statement came in (constant maps: a row costs no map). */
    private static final Map<String, String> BY_QUERY = Map.of("message", "Query");
    private static final Map<String, String> BY_EXECUTE = Map.of("message", "Execute");
    private static final Map<String, String> BY_PARSE = Map.of("message", "Parse");
    private static final Map<String, String> BY_FUNCTION_CALL = Map.of("message", "FunctionCall");

    private final ParserContext context;
    private final MessageSink sink;
    private final MessageFramer client;
    private final MessageFramer server;
    private final StatementCache cache;
    /** Closed batches (Query or Sync sent), oldest first, each waiting for its ReadyForQuery. */
    private final ArrayDeque<Batch> waiting = new ArrayDeque<>();
    /** The extended-protocol batch the client is still adding to (no Sync yet), or null. */
    private Batch open;
    private Statement startup;
    private String database;
    private String user;
    private boolean answerDue;
    private boolean serverLost;
    private int pending;
    private long pendingChars;
    private boolean reportedOverflow;
    // client messages since the last statement (Parse, Bind, Describe, Close): counted into the next one
    private long requestPartStart = -1;
    private long requestPartBytes;
    // server messages since the last answer (ParseComplete, RowDescription, DataRow …): counted into the next one
    private long responsePartStart = -1;
    private long responsePartBytes;
    private long copyMessages;
    private long copyBytes;

    PostgresqlParser(ParserContext context) {
        this.context = context;
        this.sink = context.sink();
        int clientKeep = Math.max(MAX_NAMES_KEPT, Math.min(context.maxMessageHeadBytes(), MAX_SQL_KEPT + MAX_NAMES_KEPT));
        this.client = new MessageFramer(true, this, clientKeep);
        this.server = new MessageFramer(false, this, MAX_ERROR_KEPT);
        this.cache = new StatementCache(context.obfuscate());
    }

    @Override
    public void onData(Direction direction, ByteBuffer data, long timestampMicros) {
        (direction == Direction.CLIENT_TO_SERVER ? client : server).feed(data, timestampMicros);
    }

    @Override
    public void onGap(Direction direction, long lostBytes) {
        (direction == Direction.CLIENT_TO_SERVER ? client : server).gap(lostBytes, context.nowMicros());
    }

    @Override
    public void onClose() {
        if (startup != null) {
            emitRequestAlone(startup);
            startup = null;
        }
        for (Batch b : waiting) {
            closeOut(b);
        }
        waiting.clear();
        if (open != null) {
            closeOut(open);
            open = null;
        }
        pending = 0;
        pendingChars = 0;
    }

    @Override
    public long retainedBytes() {
        long batches = 0;
        for (Batch b : waiting) {
            batches += b.retainedBytes();
        }
        return client.retainedBytes() + server.retainedBytes() + cache.retainedBytes() + batches
                + pending * 160L + pendingChars;
    }

    // --- framing ---

    @Override
    public int keep(boolean fromClient, byte type, int bodyLength) {
        if (fromClient) {
            return switch (type) {
                case 0 -> MAX_STARTUP_KEPT;
                case 'Q' -> MAX_SQL_KEPT;
                case 'P' -> MAX_SQL_KEPT + MAX_NAMES_KEPT;
                case 'B', 'E', 'C', 'D' -> MAX_NAMES_KEPT;
                default -> 0; // 'p' (passwords, SASL) among them: never read
            };
        }
        return switch (type) {
            case 'E' -> MAX_ERROR_KEPT;
            case 'C' -> MAX_TAG_KEPT;
            case 'Z' -> 1;
            default -> 0;
        };
    }

    @Override
    public void message(boolean fromClient, byte type, byte[] body, int kept, int bodyLength, boolean damaged,
                        long start, long end) {
        if (fromClient) {
            clientMessage(type, body, kept, bodyLength, damaged, start, end);
        } else {
            serverMessage(type, body, kept, bodyLength, damaged, start, end);
        }
    }

    @Override
    public boolean singleByteAnswerDue() {
        return answerDue;
    }

    @Override
    public void singleByteAnswer(byte answer, long ts) {
        answerDue = false;
        if (answer == 'S' || answer == 'G') {
            context.reportProblem("encrypted", (answer == 'S' ? "SSLRequest" : "GSSENCRequest")
                    + " accepted: the rest of the connection is encrypted and not parsed");
            client.stop();
            server.stop();
        }
    }

    @Override
    public void framingLost(boolean fromClient, long ts) {
        if (fromClient) {
            context.reportProblem("framing_lost", "client bytes that are not a PostgreSQL message (or a hole past a"
                    + " message's end): looking for the next message");
            if (open == null) {
                open = new Batch();
            }
            open.lost = true;
            requestPartStart = -1;
            requestPartBytes = 0;
        } else {
            context.reportProblem("framing_lost", "server bytes that are not a PostgreSQL message (or a hole past a"
                    + " message's end): looking for the next ReadyForQuery");
            serverLost = true;
            answerDue = false;
            resetResponsePart();
        }
    }

    // --- the client's messages ---

    private void clientMessage(byte type, byte[] body, int kept, int len, boolean damaged, long start, long end) {
        long wire = len + (type == 0 ? 4L : 5L);
        switch (type) {
            case 0 -> startPacket(body, kept, len, damaged, start, end);
            case 'Q' -> query(body, kept, damaged, start, end, wire);
            case 'P' -> parse(body, kept, damaged, start, end, wire);
            case 'B' -> bind(body, kept, damaged, start, wire);
            case 'E' -> execute(body, kept, damaged, start, end, wire);
            case 'C' -> close(body, kept, damaged, start, wire);
            case 'D' -> requestPart(start, wire);
            case 'S' -> sync(end, wire);
            case 'F' -> functionCall(start, end, wire);
            case 'd' -> {
                copyMessages++;
                copyBytes += len;
            }
            default -> {
                // Flush, Terminate, CopyDone, CopyFail, PasswordMessage: nothing a row shows
            }
        }
    }

    private void startPacket(byte[] body, int kept, int len, boolean damaged, long start, long end) {
        if (kept < 4) {
            return;
        }
        int code = MessageFramer.int32(body, 0);
        if (code == MessageFramer.SSL_REQUEST || code == MessageFramer.GSSENC_REQUEST) {
            answerDue = true;
            return;
        }
        if (code == MessageFramer.CANCEL_REQUEST) {
            // the backend's pid and secret key are not kept: the key is a credential
            sink.emit(L7Message.request(PostgresqlParserFactory.PROTOCOL).operation("CANCEL").domain(database)
                    .time(start, end).bytes(len + 4L).noResponseExpected().build());
            return;
        }
        // a StartupMessage: a new session (a capture may hold several on one 4-tuple)
        abandonAll();
        cache.clear();
        user = null;
        database = null;
        if (!damaged) {
            int i = 4;
            while (i < kept) {
                int keyEnd = indexOfZero(body, i, kept);
                if (keyEnd <= i) {
                    break;
                }
                int valueEnd = indexOfZero(body, keyEnd + 1, kept);
                if (valueEnd < 0) {
                    break;
                }
                if (keyEnd - i == 4 && body[i] == 'u' && body[i + 1] == 's' && body[i + 2] == 'e' && body[i + 3] == 'r') {
                    user = new String(body, keyEnd + 1, valueEnd - keyEnd - 1, StandardCharsets.UTF_8);
                } else if (keyEnd - i == 8 && new String(body, i, 8, StandardCharsets.US_ASCII).equals("database")) {
                    database = new String(body, keyEnd + 1, valueEnd - keyEnd - 1, StandardCharsets.UTF_8);
                }
                i = valueEnd + 1;
            }
            if (database == null) {
                database = user; // PostgreSQL's default
            }
        }
        Statement s = new Statement(Statement.Kind.STARTUP);
        s.operation = "STARTUP";
        s.requestStart = start;
        s.requestEnd = end;
        s.requestBytes = len + 4L;
        startup = s;
        requestPartStart = -1;
        requestPartBytes = 0;
        resetResponsePart();
        serverLost = false;
    }

    private void query(byte[] body, int kept, boolean damaged, long start, long end, long wire) {
        Statement s = new Statement(Statement.Kind.SIMPLE);
        if (!damaged) {
            int n = indexOfZero(body, 0, kept);
            StatementCache.Entry e = cache.text(body, 0, n < 0 ? kept : n);
            s.operation = e.verb;
            s.resource = e.resource;
        }
        takeRequestPart(s, start, end, wire);
        Batch b;
        if (open != null && !open.lost) {
            b = open; // extended messages without a Sync, then a Query: one ReadyForQuery answers them all
        } else {
            if (open != null) {
                closeBatch(open, start);
            }
            b = new Batch();
        }
        open = null;
        add(b, s);
        closeBatch(b, end);
    }

    private void parse(byte[] body, int kept, boolean damaged, long start, long end, long wire) {
        requestPart(start, wire);
        if (damaged) {
            return;
        }
        int nameEnd = indexOfZero(body, 0, kept);
        if (nameEnd < 0) {
            return;
        }
        int textEnd = indexOfZero(body, nameEnd + 1, kept);
        StatementCache.Entry e = cache.text(body, nameEnd + 1, textEnd < 0 ? kept : textEnd);
        cache.parsed(cache.name(body, 0, nameEnd), e);
        Batch b = openBatch();
        if (b.parse == null) {
            b.parse = e;
            b.parseStart = start;
            b.parseEnd = end;
        }
    }

    private void bind(byte[] body, int kept, boolean damaged, long start, long wire) {
        requestPart(start, wire);
        if (damaged) {
            return;
        }
        int portalEnd = indexOfZero(body, 0, kept);
        int statementEnd = portalEnd < 0 ? -1 : indexOfZero(body, portalEnd + 1, kept);
        if (statementEnd < 0) {
            return;
        }
        cache.bound(cache.name(body, 0, portalEnd), cache.statement(cache.name(body, portalEnd + 1, statementEnd)));
    }

    private void execute(byte[] body, int kept, boolean damaged, long start, long end, long wire) {
        Statement s = new Statement(Statement.Kind.EXECUTE);
        StatementCache.Entry e = null;
        if (!damaged) {
            int portalEnd = indexOfZero(body, 0, kept);
            if (portalEnd >= 0) {
                e = cache.portal(cache.name(body, 0, portalEnd));
            }
        }
        if (e != null) {
            s.operation = e.verb;
            s.resource = e.resource;
        } else {
            s.operation = "EXECUTE"; // its Parse or Bind was not seen (prepared before the capture began)
        }
        takeRequestPart(s, start, end, wire);
        add(openBatch(), s);
    }

    private void close(byte[] body, int kept, boolean damaged, long start, long wire) {
        requestPart(start, wire);
        if (damaged || kept < 2) {
            return;
        }
        int nameEnd = indexOfZero(body, 1, kept);
        if (nameEnd < 0) {
            return;
        }
        String name = cache.name(body, 1, nameEnd);
        if (body[0] == 'S') {
            cache.closeStatement(name);
        } else if (body[0] == 'P') {
            cache.closePortal(name);
        }
    }

    private void sync(long end, long wire) {
        Batch b = open != null ? open : new Batch();
        open = null;
        if (!b.executes() && b.parse != null) {
            Statement s = new Statement(Statement.Kind.PREPARE);
            s.operation = "PREPARE";
            s.resource = b.parse.resource;
            s.requestStart = b.parseStart;
            s.requestEnd = b.parseEnd;
            s.requestBytes = requestPartBytes + wire;
            add(b, s);
        }
        requestPartStart = -1;
        requestPartBytes = 0;
        closeBatch(b, end);
    }

    private void functionCall(long start, long end, long wire) {
        Statement s = new Statement(Statement.Kind.FUNCTION);
        s.operation = "FUNCTION CALL";
        takeRequestPart(s, start, end, wire);
        Batch b = open != null && !open.lost ? open : new Batch();
        if (open != null && b != open) {
            closeBatch(open, start);
        }
        open = null;
        add(b, s);
        closeBatch(b, end);
    }

    private void requestPart(long start, long wire) {
        if (requestPartStart < 0) {
            requestPartStart = start;
        }
        requestPartBytes += wire;
    }

    private void takeRequestPart(Statement s, long start, long end, long wire) {
        s.requestStart = requestPartStart >= 0 ? requestPartStart : start;
        s.requestEnd = end;
        s.requestBytes = requestPartBytes + wire;
        requestPartStart = -1;
        requestPartBytes = 0;
    }

    private Batch openBatch() {
        if (open == null) {
            open = new Batch();
        }
        return open;
    }

    private void closeBatch(Batch b, long time) {
        b.closed = true;
        b.closeTime = time;
        waiting.addLast(b);
        while (waiting.size() > MAX_BATCHES) {
            overflow();
            Batch oldest = waiting.pollFirst();
            for (Statement s; (s = oldest.poll()) != null; ) {
                taken(s);
                emitNotAnswered(s, NO_ANSWER);
            }
        }
    }

    private void add(Batch b, Statement s) {
        b.add(s);
        pending++;
        pendingChars += chars(s);
        while (pending > MAX_PENDING || pendingChars > MAX_PENDING_CHARS) {
            if (!dropOldest()) {
                break;
            }
        }
    }

    /** The oldest statement waiting loses its details: its answer will be a lone response. */
    private boolean dropOldest() {
        for (Batch b : waiting) {
            if (dropCurrent(b)) {
                return true;
            }
        }
        return open != null && dropCurrent(open);
    }

    private boolean dropCurrent(Batch b) {
        Statement s = b.current();
        if (s == null) {
            return false;
        }
        overflow();
        b.advance();
        b.anonymousAhead++;
        taken(s);
        return true;
    }

    private void overflow() {
        if (!reportedOverflow) {
            reportedOverflow = true;
            context.reportProblem("too_many_pending", "more than " + MAX_PENDING + " statements (or "
                    + MAX_BATCHES + " batches) waiting for answers: the oldest are reported without their SQL");
        }
    }

    /** A statement leaves the pending ones (answered, or given up). */
    private void taken(Statement s) {
        pending--;
        pendingChars -= chars(s);
    }

    private static long chars(Statement s) {
        return s.resource == null ? 0 : s.resource.length();
    }

    // --- the server's messages ---

    private void serverMessage(byte type, byte[] body, int kept, int len, boolean damaged, long start, long end) {
        long wire = len + 5L;
        switch (type) {
            case 'Z' -> ready(start, end, wire);
            case 'C' -> completed(damaged ? -1 : CommandTag.rows(body, kept), start, end, wire);
            case 'I', 's', 'V' -> completed(L7Message.NO_AFFECTED_ROWS, start, end, wire);
            case 'E' -> error(body, kept, damaged, start, end, wire);
            case 'N', 'S', 'A' -> {
                // notices, parameter changes and notifications come at any time: part of no answer, but of the startup's
                if (startup != null) {
                    startup.responsePart(start, end, wire);
                }
            }
            case 'd' -> {
                copyMessages++;
                copyBytes += len;
                responsePart(start, wire);
            }
            default -> {
                if (startup != null) {
                    startup.responsePart(start, end, wire);
                } else {
                    responsePart(start, wire);
                }
            }
        }
    }

    private void responsePart(long start, long wire) {
        if (responsePartStart < 0) {
            responsePartStart = start;
        }
        responsePartBytes += wire;
    }

    private void resetResponsePart() {
        responsePartStart = -1;
        responsePartBytes = 0;
        copyMessages = 0;
        copyBytes = 0;
    }

    /** The statement the next answer is for: null for a lone answer (an anonymous one is counted off here). */
    private Statement answered(long start) {
        Batch b = waiting.peekFirst();
        if (b == null) {
            b = open;
        }
        if (b == null) {
            return null;
        }
        if (b.anonymousAhead > 0) {
            b.anonymousAhead--;
            return null;
        }
        Statement s = b.current();
        // a statement cannot be answered before it was sent: the answer is to something not captured
        return s == null || s.requestEnd > start ? null : s;
    }

    private Batch headBatch() {
        Batch b = waiting.peekFirst();
        return b != null ? b : open;
    }

    private void completed(long rows, long start, long end, long wire) {
        if (startup != null) {
            startup.responsePart(start, end, wire);
            return;
        }
        Statement s = answered(start);
        if (s == null) {
            emitResponseAlone(ResponseStatus.OK, null, null, rows, start, end, wire);
            return;
        }
        takeResponsePart(s, start, end, wire);
        if (rows >= 0) {
            s.affectedRows = rows; // several in one Query: the last count, as DeepFlow
        }
        s.answered = true;
        if (!s.untilReady()) {
            headBatch().advance();
            taken(s);
            emitPair(s);
        }
    }

    private void error(byte[] body, int kept, boolean damaged, long start, long end, long wire) {
        String code = null;
        String text = null;
        if (!damaged) {
            for (int i = 0; i < kept && body[i] != 0; ) {
                byte field = body[i];
                int valueEnd = indexOfZero(body, i + 1, kept);
                int to = valueEnd < 0 ? kept : valueEnd;
                if (field == 'C') {
                    code = new String(body, i + 1, to - i - 1, StandardCharsets.US_ASCII);
                } else if (field == 'M') {
                    text = new String(body, i + 1, to - i - 1, StandardCharsets.UTF_8);
                }
                if (valueEnd < 0) {
                    break;
                }
                i = valueEnd + 1;
            }
        }
        if (startup != null) {
            startup.responsePart(start, end, wire);
            startup.failed(code, text);
            emitPair(startup);
            startup = null;
            return;
        }
        Statement s = answered(start);
        if (s == null) {
            Statement lone = new Statement(Statement.Kind.EXECUTE);
            lone.failed(code, text);
            emitResponseAlone(lone.status, lone.sqlState, lone.exception, L7Message.NO_AFFECTED_ROWS, start, end, wire);
            return;
        }
        Batch b = headBatch();
        b.failed = true;
        takeResponsePart(s, start, end, wire);
        s.failed(code, text);
        if (!s.untilReady()) {
            b.advance();
            taken(s);
            emitPair(s);
        }
    }

    private void ready(long start, long end, long wire) {
        if (startup != null) {
            startup.responsePart(start, end, wire);
            startup.answered = true;
            emitPair(startup);
            startup = null;
            resetResponsePart();
            serverLost = false;
            return;
        }
        if (serverLost) {
            // answers were lost with the server's bytes: the batches sent before this ReadyForQuery are done
            serverLost = false;
            while (!waiting.isEmpty() && waiting.peekFirst().closeTime <= start) {
                finish(waiting.pollFirst(), start, end, 0, ANSWER_LOST);
            }
            resetResponsePart();
            return;
        }
        Batch b = waiting.peekFirst();
        if (b == null || b.closeTime > start) {
            resetResponsePart(); // a ReadyForQuery for nothing captured
            return;
        }
        waiting.pollFirst();
        finish(b, start, end, wire, b.failed ? NOT_EXECUTED : NO_ANSWER);
        resetResponsePart();
    }

    /** The batch's ReadyForQuery came: statements answered until it are emitted, the others said not answered. */
    private void finish(Batch b, long start, long end, long wire, String unanswered) {
        b.anonymousAhead = 0;
        for (Statement s; (s = b.poll()) != null; ) {
            taken(s);
            if (s.untilReady() && (s.answered || s.kind == Statement.Kind.PREPARE) && unanswered != ANSWER_LOST) {
                takeResponsePart(s, start, end, wire);
                wire = 0;
                s.answered = true;
                emitPair(s);
            } else if (s.untilReady() && s.answered) {
                emitPair(s); // what came before the loss
            } else {
                emitNotAnswered(s, unanswered);
            }
        }
    }

    private void takeResponsePart(Statement s, long start, long end, long wire) {
        s.responsePart(responsePartStart >= 0 ? responsePartStart : start, end, responsePartBytes + wire);
        s.copyMessages += copyMessages;
        s.copyBytes += copyBytes;
        resetResponsePart();
    }

    /** The connection ended: answered Query statements are emitted, the rest as requests without answers. */
    private void closeOut(Batch b) {
        for (Statement s; (s = b.poll()) != null; ) {
            if (s.untilReady() && s.answered) {
                emitPair(s);
            } else {
                emitRequestAlone(s);
            }
        }
    }

    /** A new startup: what still waits from the session before gets no answer now. */
    private void abandonAll() {
        for (Batch b : waiting) {
            for (Statement s; (s = b.poll()) != null; ) {
                emitNotAnswered(s, SESSION_RESTARTED);
            }
        }
        waiting.clear();
        if (open != null) {
            for (Statement s; (s = open.poll()) != null; ) {
                emitNotAnswered(s, SESSION_RESTARTED);
            }
            open = null;
        }
        if (startup != null) {
            emitNotAnswered(startup, SESSION_RESTARTED);
            startup = null;
        }
        pending = 0;
        pendingChars = 0;
    }

    // --- rows ---

    private L7Message.Builder request(MessageKind kind, Statement s) {
        L7Message.Builder b = L7Message.builder(kind, PostgresqlParserFactory.PROTOCOL).operation(s.operation)
                .resource(s.resource).domain(database).time(s.requestStart, s.requestEnd).bytes(s.requestBytes);
        switch (s.kind) {
            case SIMPLE -> b.attributes(BY_QUERY);
            case EXECUTE -> b.attributes(BY_EXECUTE);
            case PREPARE -> b.attributes(BY_PARSE);
            case FUNCTION -> b.attributes(BY_FUNCTION_CALL);
            case STARTUP -> {
                if (user != null) {
                    b.attributes(Map.of("user", user));
                }
            }
        }
        return b;
    }

    private void emitPair(Statement s) {
        sink.emit(request(MessageKind.REQUEST, s).build());
        L7Message.Builder r = L7Message.response(PostgresqlParserFactory.PROTOCOL).status(s.status)
                .exception(s.exception).result(s.sqlState).affectedRows(s.affectedRows)
                .time(s.responseStart >= 0 ? s.responseStart : s.requestEnd, s.responseStart >= 0 ? s.responseEnd : s.requestEnd)
                .bytes(s.responseBytes);
        if (s.copyMessages > 0) {
            // An ordered map: Map.of's iteration order changes from one JVM run to the next, and the row keeps it.
            Map<String, String> copy = new java.util.LinkedHashMap<>();
            copy.put("copy_data_messages", Long.toString(s.copyMessages));
            copy.put("copy_data_bytes", Long.toString(s.copyBytes));
            r.attributes(copy);
        }
        sink.emit(r.build());
    }

    private void emitNotAnswered(Statement s, String why) {
        sink.emit(request(MessageKind.SESSION, s).status(ResponseStatus.UNKNOWN).exception(why).build());
    }

    private void emitRequestAlone(Statement s) {
        sink.emit(request(MessageKind.REQUEST, s).build());
    }

    private void emitResponseAlone(ResponseStatus status, String sqlState, String exception, long rows,
                                   long start, long end, long wire) {
        long from = responsePartStart >= 0 ? responsePartStart : start;
        long bytes = responsePartBytes + wire;
        resetResponsePart();
        sink.emit(L7Message.response(PostgresqlParserFactory.PROTOCOL).status(status).result(sqlState)
                .exception(exception).affectedRows(rows).time(from, end).bytes(bytes).build());
    }

    static int indexOfZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
