package io.flowscope.plugins.http2;

import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ProtocolSwitch;
import io.flowscope.api.ResponseStatus;
import java.nio.ByteBuffer;

/**
 * One HTTP/2 connection: streams interleave, so each request and response carries its stream id and the host pairs
 * by it. A stream's request is emitted when the client ends it (END_STREAM), its response when the server does, or
 * when either resets it; a response always comes after its request (a server may answer before the client is done:
 * the request is then emitted as far as it went). gRPC streams (content-type application/grpc) also give the
 * grpc-status and grpc-message of their trailers and the number of length-prefixed messages each way.
 */
final class Http2Parser implements ProtocolParser {

    /** Open streams followed at once; beyond it the oldest is given up (its request emitted as it stands). */
    static final int MAX_STREAMS = 128;
    static final long MAX_STATE_BYTES = 512 * 1024;
    private static final String VERSION = "2";

    private final ParserContext context;
    private final String protocol;
    private final FrameReader fromClient = new FrameReader(this, true);
    private final FrameReader fromServer = new FrameReader(this, false);
    private final HpackDecoder.Scratch scratch = new HpackDecoder.Scratch();
    private final Fields fields = new Fields();
    /**
     * Read-only and direct buffers are copied through this, a chunk at a time (nothing keeps a reference past the
     * call); grown to what the chunks need, at most {@link #MAX_CHUNK}: small writes (gRPC's) need little.
     */
    private byte[] chunk = EMPTY;
    private static final byte[] EMPTY = new byte[0];
    private static final int MAX_CHUNK = 4096;
    private final OpenStreams streams = new OpenStreams();
    /**
     * One builder per kind, reused: {@code build()} copies what it holds, and every field a message of that kind can
     * carry is set (or cleared) for each one, so nothing of the previous message stays.
     */
    private L7Message.Builder requests;
    private L7Message.Builder responses;
    /** The capture did not see the connection start: frame lengths up to Frames.UNSEEN_MAX_FRAME are believed. */
    private boolean joinedLate;
    private long now;
    /** Kinds of problem already reported for this connection, so each is reported once (made at the first). */
    private java.util.Set<String> reported;

    Http2Parser(ParserContext context, String protocol) {
        this.context = context;
        this.protocol = protocol;
        ProtocolSwitch from = context.switchedFrom();
        if (from != null) {
            upgraded(from);
        }
    }

    /**
     * The connection came from HTTP/1.1's {@code Upgrade: h2c} ({@link Upgraded}): stream 1 is the upgraded request,
     * when the switch carries it, and the client's HTTP2-Settings bound what the server sends.
     */
    private void upgraded(ProtocolSwitch from) {
        if (from.request() != null) {
            Upgraded.request(open(1).request, from.request());
        }
        if (!Upgraded.settings(from.hint("http2-settings"), (id, value) -> setting(fromClient, id, value))
                && from.hint("http2-settings") != null) {
            problem("bad_http2_settings", "the upgrade's HTTP2-Settings is not base64url SETTINGS");
        }
    }

    @Override
    public void onData(Direction direction, ByteBuffer data, long timestampMicros) {
        now = timestampMicros;
        (direction == Direction.CLIENT_TO_SERVER ? fromClient : fromServer).onData(data, timestampMicros);
    }

    @Override
    public void onGap(Direction direction, long lostBytes) {
        FrameReader r = direction == Direction.CLIENT_TO_SERVER ? fromClient : fromServer;
        r.onGap(lostBytes);
        // a stream whose END_STREAM was in lost frames waits for the connection's end: what was lost is not known
    }

    @Override
    public void onClose() {
        for (int i = 0; i < streams.count(); i++) {
            Stream s = streams.at(i);
            if (s.response.headersSeen) {
                emitResponse(s, null, null);
            } else {
                emitRequest(s);
            }
        }
        streams.clear();
    }

    @Override
    public long retainedBytes() {
        return fromClient.retainedBytes() + fromServer.retainedBytes() + scratch.retainedBytes() + fields.retainedBytes()
                + chunk.length + streams.retainedBytes() + 256;
    }

    long now() {
        return now;
    }

    /** The copy buffer for {@code need} more bytes: as large as that, within MAX_CHUNK. */
    byte[] chunk(int need) {
        if (chunk.length < need && chunk.length < MAX_CHUNK) {
            chunk = new byte[Math.min(MAX_CHUNK, Math.max(256, Integer.highestOneBit(need - 1) << 1))];
        }
        return chunk;
    }

    // ---- from the frame readers

    void problem(String kind, String message) {
        if (reported == null) {
            reported = new java.util.HashSet<>(4);
        }
        if (reported.size() < 16 && reported.add(kind)) {
            context.reportProblem(kind, message);
        }
    }

    void joinedLate() {
        joinedLate = true;
        fromClient.hpack.table().markIncomplete();
        fromServer.hpack.table().markIncomplete();
    }

    /** A client preface: a new connection context, so the client's encoder starts with an empty table. */
    void preface() {
        fromClient.hpack.reset();
        fromClient.maxFrame = Frames.DEFAULT_MAX_FRAME;
        fromServer.maxFrame = Frames.DEFAULT_MAX_FRAME;
    }

    int frameLimit(int maxFrame) {
        return joinedLate ? Math.max(maxFrame, Frames.UNSEEN_MAX_FRAME) : maxFrame;
    }

    /** A SETTINGS parameter sent by the reader's side: it bounds what the other side sends. */
    void setting(FrameReader from, int id, long value) {
        FrameReader other = from == fromClient ? fromServer : fromClient;
        if (id == 0x1) {
            // SETTINGS_HEADER_TABLE_SIZE: how large the sender's decoder lets the other side's encoder grow
            other.hpack.settingsHeaderTableSize(value);
        } else if (id == 0x5 && value >= Frames.DEFAULT_MAX_FRAME && value <= 0xffffff) {
            other.maxFrame = (int) value;
        }
    }

    /** A header block that could not be gathered whole: its additions to the table are lost. */
    void blockLost(FrameReader r) {
        r.hpack.table().lose();
    }

    void block(FrameReader r, long ts) {
        Stream.Half half = null;
        Stream s;
        if (r.blockType == Frames.PUSH_PROMISE && r.blockCut) {
            // the promised stream's id may be among the lost bytes: only the table is affected
            problem("header_block_cut", "bytes of a header block were lost; its table is lost until it is rebuilt");
            r.hpack.table().lose();
            return;
        }
        if (r.blockType == Frames.PUSH_PROMISE) {
            s = open(r.promisedStream);
            if (s != null) {
                s.pushed = true;
                half = s.request;
            }
        } else if (r.fromClient) {
            s = find(r.blockStream);
            if (s == null) {
                s = open(r.blockStream);
            }
            half = s == null ? null : s.request;
        } else {
            s = find(r.blockStream);
            half = s == null ? null : s.response;
        }
        fields.target(half);
        if (r.blockOverflow) {
            problem("header_block_too_large", "a header block over " + FrameReader.MAX_BLOCK + " bytes is not decoded");
            r.hpack.table().lose();
            fields.unknownField();
        } else if (r.blockCut) {
            // the block's own bytes are in step, but a hole is in it: what it added to the table is not known
            problem("header_block_cut", "bytes of a header block were lost; its table is lost until it is rebuilt");
            r.hpack.table().lose();
            fields.unknownField();
        } else if (half != null && r.memo.replay(r.blockBytesAt, r.blockFrom, r.blockTo, r.hpack.table().version(), fields)) {
            // the same indexed-only block against the same table as before: the same fields, not decoded again
        } else if (!r.hpack.decode(r.blockBytesAt, r.blockFrom, r.blockTo, fields, scratch)) {
            problem("bad_hpack", "a header block is not valid HPACK; its table is lost until the connection restarts");
            fields.unknownField();
        } else if (r.hpack.listCapped()) {
            problem("header_list_too_large", "a header list over " + HpackDecoder.MAX_HEADER_LIST + " bytes: the rest is not read");
        } else if (half != null && r.hpack.lastBlockIndexedOnly()) {
            r.memo.remember(r.blockBytesAt, r.blockFrom, r.blockTo, r.hpack.table().version(), fields);
        }
        fields.target(null);
        if (half == null) {
            return;
        }
        half.headersSeen = true;
        half.frame(r.blockStart, ts, r.blockBytes);
        if (r.blockType == Frames.PUSH_PROMISE) {
            // the server promised this request: it is whole once promised
            half.ended = true;
            emitRequest(s);
            return;
        }
        if (r.blockEndStream) {
            endOf(s, r.fromClient);
        }
    }

    void data(FrameReader r, byte[] b, int off, int len) {
        Stream s = find(r.streamId);
        if (s != null) {
            (r.fromClient ? s.request : s.response).data(b, off, len);
        }
    }

    /** Frames of the reader's direction were lost or passed over: its open streams' message counts are not known. */
    void framesLost(FrameReader r) {
        for (int i = 0; i < streams.count(); i++) {
            Stream s = streams.at(i);
            (r.fromClient ? s.request : s.response).grpcMessagesUnknown = true;
        }
    }

    /** DATA payload bytes of the reader's current frame that were lost in a gap. */
    void dataLost(FrameReader r, long len) {
        Stream s = find(r.streamId);
        if (s != null) {
            (r.fromClient ? s.request : s.response).dataLost(len);
        }
    }

    void dataFrameEnd(FrameReader r, long ts) {
        Stream s = find(r.streamId);
        if (s == null) {
            return;
        }
        Stream.Half half = r.fromClient ? s.request : s.response;
        half.frame(r.frameStart, ts, Frames.HEADER + r.length);
        if ((r.flags & Frames.END_STREAM) != 0) {
            endOf(s, r.fromClient);
        }
    }

    void control(FrameReader r, long ts) {
        switch (r.type) {
            case Frames.RST_STREAM -> {
                Stream s = find(r.streamId);
                if (s != null) {
                    reset(s, Frames.u32(r.small, 0), r.fromClient, "", ts);
                }
            }
            case Frames.GOAWAY -> {
                long last = Frames.u32(r.small, 0) & 0x7fff_ffffL;
                long code = Frames.u32(r.small, 4);
                // streams past the last one the sender processed were not processed: errors
                for (int i = 0; i < streams.count(); ) {
                    Stream s = streams.at(i);
                    if (s.id > last && (s.id & 1) == 1 && !r.fromClient) {
                        reset(s, code == 0 ? 0x7 : code, false, "GOAWAY ", ts); // removes it: the next is at i
                    } else {
                        i++;
                    }
                }
            }
            default -> {
            }
        }
    }

    // ---- streams

    private void endOf(Stream s, boolean client) {
        if (client) {
            s.request.ended = true;
            emitRequest(s);
        } else {
            s.response.ended = true;
            emitResponse(s, null, null);
        }
        if (s.request.emitted && s.response.emitted) {
            remove(s);
        }
    }

    /** The stream was reset (or refused by a GOAWAY): its response carries the error code's name. */
    private void reset(Stream s, long code, boolean byClient, String prefix, long ts) {
        if (!s.response.emitted) {
            if (code == 0 && s.response.headersSeen) {
                // NO_ERROR after a complete answer: the client need not send the rest of its request
                emitResponse(s, null, null);
            } else {
                if (s.response.start < 0) {
                    s.response.start = ts;
                }
                s.response.end = ts;
                emitResponse(s, prefix + Frames.errorName(code),
                        byClient ? ResponseStatus.CLIENT_ERROR : ResponseStatus.SERVER_ERROR);
            }
        }
        remove(s);
    }

    private Stream find(int id) {
        return streams.find(id);
    }

    private Stream open(int id) {
        Stream existing = streams.find(id);
        if (existing != null) {
            return existing;
        }
        if (streams.count() == MAX_STREAMS) {
            problem("too_many_streams", "more than " + MAX_STREAMS + " open streams: the oldest is given up");
            Stream oldest = streams.oldest();
            emitRequest(oldest);
            remove(oldest);
        }
        return streams.add(id);
    }

    private void remove(Stream s) {
        streams.remove(s);
    }

    // ---- messages

    private void emitRequest(Stream s) {
        Stream.Half q = s.request;
        if (q.emitted || !q.headersSeen) {
            return;
        }
        q.emitted = true;
        boolean grpc = s.grpc();
        if (requests == null) {
            requests = L7Message.request(protocol).version(VERSION);
        }
        L7Message.Builder b = requests.streamId(s.id).time(q.start, q.end)
                .operation(q.method).domain(q.authority).resource(q.path).endpoint(endpoint(q.path, grpc))
                .bytes(q.bytes).trace(q.traceId, q.spanId).attributes(null);
        attributes(b, q, grpc, s.pushed, true);
        context.sink().emit(b.build());
    }

    /** The response (the request first if it was not yet emitted); {@code error} is a reset's, with its status. */
    private void emitResponse(Stream s, String error, ResponseStatus errorStatus) {
        Stream.Half r = s.response;
        if (r.emitted) {
            return;
        }
        if (!s.request.headersSeen) {
            // its request was before the capture began: nothing to pair it with
            r.emitted = true;
            s.request.emitted = true;
            return;
        }
        emitRequest(s);
        r.emitted = true;
        boolean grpc = s.grpc();
        if (responses == null) {
            responses = L7Message.response(protocol).version(VERSION);
        }
        L7Message.Builder b = responses.streamId(s.id).time(r.start, r.end).bytes(r.bytes).trace(r.traceId, r.spanId)
                .statusCode(L7Message.NO_STATUS_CODE).exception(null).attributes(null);
        ResponseStatus status = ResponseOutcome.apply(s, b);
        if (error != null) {
            b.exception(error);
            status = errorStatus;
        }
        b.status(status);
        attributes(b, r, grpc, false, false);
        context.sink().emit(b.build());
    }

    /** Added one by one to the builder (no map per message). */
    private static void attributes(L7Message.Builder b, Stream.Half h, boolean grpc, boolean pushed, boolean request) {
        if (grpc && !h.grpcMessagesUnknown) {
            // one name per side: the host stores both sides' attributes in one object (none when bytes were lost
            // past a message's end: the count would be a guess)
            b.attribute(request ? "grpc_request_messages" : "grpc_response_messages", count(h.grpcMessages));
        }
        if (h.unknownFields > 0) {
            // fields that referenced dynamic-table entries the capture never saw: left unknown, not guessed
            b.attribute("hpack_unknown_fields", count(h.unknownFields));
        }
        if (pushed) {
            b.attribute("server_push", "true");
        }
    }

    /** Counts as text; the small ones every call has are made once. */
    private static String count(int n) {
        return n >= 0 && n < COUNTS.length ? COUNTS[n] : Integer.toString(n);
    }

    private static final String[] COUNTS = new String[32];

    static {
        for (int i = 0; i < COUNTS.length; i++) {
            COUNTS[i] = Integer.toString(i);
        }
    }

    /** The path without its query (DeepFlow's endpoint, as l7-http1); a gRPC path is {@code /pkg.Service/Method}. */
    static String endpoint(String path, boolean grpc) {
        if (path == null) {
            return null;
        }
        if (grpc) {
            return path;
        }
        int cut = path.length();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '?' || c == '#') {
                cut = i;
                break;
            }
        }
        return cut == path.length() ? path : path.substring(0, cut);
    }
}
