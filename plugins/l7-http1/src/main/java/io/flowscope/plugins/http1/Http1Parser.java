package io.flowscope.plugins.http1;

import io.flowscope.api.Detection;
import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ProtocolSwitch;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Locale;

/**
 * One HTTP/1 connection: a request half and a response half, each an explicit state machine that
 * resumes wherever a chunk ends. Bodies are skipped, never buffered; only a message head (or a chunk
 * size line) is held, up to {@link ParserContext#maxMessageHeadBytes()}.
 *
 * <p>The response half needs two facts from the request half: the request method (a response to
 * HEAD has no body; a 2xx to CONNECT switches to a tunnel) and whether a request is still mid-body
 * when its response completes (then the request is emitted first so the host can pair it).
 *
 * <p>A request that offers an upgrade ({@code Upgrade: h2c}, {@code websocket}) holds the client's next bytes until
 * its answer: a 101 emits the exchange and switches the connection to the protocol the 101 names
 * ({@link ParserContext#switchProtocol}), handing over the held client bytes and what follows the 101 head; any other
 * answer makes the held bytes HTTP/1 again.
 */
final class Http1Parser implements ProtocolParser {

    static final int MAX_LINE = 4096;
    static final int MAX_PENDING_METHODS = 64;
    /** Two heads at the default limit, two lines, the method queue, the bytes held while an upgrade is answered. */
    static final long MAX_STATE_BYTES = 2L * 64 * 1024 + 2L * MAX_LINE + 8 * 1024 + HeldBytes.MAX_RETAINED + 2 * 1024;

    private final ParserContext context;
    private final int maxHead;
    private final ArrayDeque<String> pendingMethods = new ArrayDeque<>();
    private boolean methodsReliable = true;
    /** Responses still due before the one that answers the request offering an upgrade; -1 when none is offered. */
    private int upgradeAnswerIn = -1;
    private boolean lastAnsweredUpgrade;
    /** The request that offers an upgrade, as emitted, and its h2c settings (for the switch). */
    private L7Message upgradeRequest;
    private String offeredUpgrade;
    private String http2Settings;
    private final MessageHalf requests;
    private final MessageHalf responses;

    Http1Parser(ParserContext context) {
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
        return requests.retainedBytes() + responses.retainedBytes() + pendingMethods.size() * 48L
                + (upgradeRequest == null ? 0 : 1024);
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

    void requestHeadParsed(String method, boolean offersUpgrade) {
        if (pendingMethods.size() == MAX_PENDING_METHODS) {
            pendingMethods.pollFirst();
            if (upgradeAnswerIn >= 0) {
                upgradeAnswerIn--;
            }
        }
        pendingMethods.addLast(method);
        if (offersUpgrade) {
            upgradeAnswerIn = pendingMethods.size() - 1;
        }
    }

    /**
     * The method of the request a final response answers, or null when it is not known: the request was
     * not seen, or requests were lost and the queue may be off by some (it is trusted again once drained).
     */
    String takeRequestMethod() {
        lastAnsweredUpgrade = upgradeAnswerIn == 0;
        if (upgradeAnswerIn >= 0) {
            upgradeAnswerIn--;
        }
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

    /** Whether the response whose request method was taken last answers the request that offered an upgrade. */
    boolean answeredUpgrade() {
        return lastAnsweredUpgrade;
    }

    /** Whether a request that offers an upgrade waits for its answer. */
    boolean upgradeUnanswered() {
        return upgradeAnswerIn >= 0;
    }

    /** A request that offers an upgrade was emitted: kept for the switch, should a 101 answer it. */
    void upgradeRequested(L7Message request, Head head) {
        upgradeRequest = request;
        offeredUpgrade = head.upgradeToken();
        http2Settings = head.http2Settings;
    }

    /** The upgrade was answered otherwise: the client goes on in HTTP/1. */
    void upgradeDeclined() {
        upgradeRequest = null;
        offeredUpgrade = null;
        http2Settings = null;
        requests.upgradeDeclined();
    }

    /** After 101 Switching Protocols or a CONNECT tunnel, neither direction is HTTP/1 any more. */
    void switchedProtocols() {
        requests.stop();
        responses.stop();
    }

    /**
     * A 101 ended at {@code d[p]}: the host is asked to go on in the protocol it names (else the one the request
     * offered first), with the request, the client bytes held since it, and the rest of the 101's chunk.
     */
    void switchProtocols(Head response, ByteBuffer d, int p, int limit, long ts) {
        String token = response.upgradeToken() != null ? response.upgradeToken() : offeredUpgrade;
        String id = protocolId(token);
        ProtocolSwitch.Builder b = ProtocolSwitch.to(id).request(upgradeRequest).hint("upgrade", token);
        if (id.equals("http2")) {
            b.hint("http2-settings", http2Settings);
        }
        requests.handOverHeld(b);
        b.handOver(Direction.SERVER_TO_CLIENT, d.duplicate().position(p).limit(limit), ts);
        upgradeRequest = null;
        offeredUpgrade = null;
        http2Settings = null;
        upgradeAnswerIn = -1;
        context.switchProtocol(b.build());
    }

    /**
     * The Flowscope protocol id of an upgrade token (RFC 9110 §7.8, the IANA upgrade token registry): {@code h2c} is
     * HTTP/2 in clear text ({@code http2}); any other is its name without version, in lower case ({@code websocket});
     * none at all is {@code unknown}, which no plugin parses.
     */
    static String protocolId(String token) {
        if (token == null) {
            return "unknown";
        }
        if (token.equalsIgnoreCase("h2c")) {
            return "http2";
        }
        int slash = token.indexOf('/');
        return (slash < 0 ? token : token.substring(0, slash)).toLowerCase(Locale.ROOT);
    }

    Detection looksLikeStart(boolean request, byte[] a, int len) {
        return request ? StartLine.request(a, len) : StartLine.response(a, len);
    }
}
