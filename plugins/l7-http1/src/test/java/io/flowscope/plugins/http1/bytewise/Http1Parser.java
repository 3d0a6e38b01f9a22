package io.flowscope.plugins.http1.bytewise;

import io.flowscope.api.Detection;
import io.flowscope.api.Direction;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The HTTP/1 parser as it was before its heads were scanned in bulk (byte by byte through
 * {@code ByteBuffer.get}), kept unchanged as the reference the fast one is compared with
 * ({@code Http1DifferentialTest}). Not to be changed but to follow a deliberate change of behaviour.
 *
 * <p>One HTTP/1 connection: a request half and a response half, each an explicit state machine that
 * resumes wherever a chunk ends. Bodies are skipped, never buffered; only a message head (or a chunk
 * size line) is held, up to {@link ParserContext#maxMessageHeadBytes()}.
 *
 * <p>The response half needs two facts from the request half: the request method (a response to
 * HEAD has no body; a 2xx to CONNECT switches to a tunnel) and whether a request is still mid-body
 * when its response completes (then the request is emitted first so the host can pair it).
 */
public final class Http1Parser implements ProtocolParser {

    static final String PROTOCOL = "http1";

    static final int MAX_LINE = 4096;
    static final int MAX_PENDING_METHODS = 64;
    /** Two heads at the default limit, two lines, the method queue. */
    static final long MAX_STATE_BYTES = 2L * 64 * 1024 + 2L * MAX_LINE + 8 * 1024;

    private final ParserContext context;
    private final int maxHead;
    private final ArrayDeque<String> pendingMethods = new ArrayDeque<>();
    private boolean methodsReliable = true;
    private final MessageHalf requests;
    private final MessageHalf responses;

    public Http1Parser(ParserContext context) {
        this.context = context;
        this.maxHead = Math.min(context.maxMessageHeadBytes(), 64 * 1024);
        this.requests = new MessageHalf(this, true);
        this.responses = new MessageHalf(this, false);
    }

    @Override
    public void onData(Direction direction, ByteBuffer data, long timestampMicros) {
        half(direction).feed(data, timestampMicros);
    }

    @Override
    public void onGap(Direction direction, long lostBytes) {
        half(direction).gap(lostBytes);
    }

    @Override
    public void onClose() {
        requests.close();
        responses.close();
    }

    @Override
    public long retainedBytes() {
        return requests.retainedBytes() + responses.retainedBytes() + pendingMethods.size() * 48L;
    }

    private MessageHalf half(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? requests : responses;
    }

    // --- what the two halves tell each other ---

    ParserContext context() {
        return context;
    }

    int maxHead() {
        return maxHead;
    }

    void requestHeadParsed(String method) {
        if (pendingMethods.size() == MAX_PENDING_METHODS) {
            pendingMethods.pollFirst();
        }
        pendingMethods.addLast(method);
    }

    /**
     * The method of the request a final response answers, or null when it is not known: the request was
     * not seen, or requests were lost and the queue may be off by some (it is trusted again once drained).
     */
    String takeRequestMethod() {
        String m = pendingMethods.pollFirst();
        if (!methodsReliable) {
            if (pendingMethods.isEmpty()) {
                methodsReliable = true;
            }
            return null;
        }
        return m;
    }

    /** Some requests were lost to a gap: which response answers which request is no longer known. */
    void requestsLost() {
        methodsReliable = false;
    }

    /** A request is being emitted: a response still deciding whether it has a body is emitted first. */
    void requestEmitting() {
        responses.emitEarlyIfPeeking();
    }

    /** A final response completed: a request still receiving its body is emitted now, before it. */
    void responseCompleting() {
        requests.emitEarlyIfMidBody();
    }

    /** After 101 Switching Protocols or a CONNECT tunnel, neither direction is HTTP/1 any more. */
    void switchedProtocols() {
        requests.stop();
        responses.stop();
    }

    Detection looksLikeStart(boolean request, byte[] a, int len) {
        return request ? StartLine.request(a, len) : StartLine.response(a, len);
    }
}
