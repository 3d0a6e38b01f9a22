package io.flowscope.plugins.redis;

import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ResponseStatus;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * One Redis connection: a request message per command, a response per reply, in order, so that the host pairs
 * them first in, first out, however many are pipelined. The parser keeps its own count of the commands waiting
 * for a reply, because Redis does not answer every command with exactly one reply: a SUBSCRIBE of n channels is
 * answered by n confirmations (one response, after the last), pub/sub messages and RESP3 pushes answer nothing
 * (each a lone response, given an id of its own so that the host never pairs it with a waiting command), and
 * {@code CLIENT REPLY OFF|SKIP} turns replies off (those commands are marked {@code noResponseExpected}).
 */
final class RedisParser implements ProtocolParser, CommandReader.Listener, ReplyReader.Listener {

    /** The host pairs at most this many waiting requests per connection; the parser follows as many. */
    static final int MAX_PENDING = 1024;
    static final long MAX_STATE_BYTES = 32 * 1024;

    private static final Map<String, String> INCOMPLETE = Map.of("capture", "incomplete");

    // what a waiting command expects: kind in the low byte, confirmations still due above it
    private static final int NORMAL = 0;

    private final ParserContext context;
    private final CommandReader commands;
    private final ReplyReader replies;
    private int[] pending = new int[16];
    private int head;
    private int size;
    /** A SUBSCRIBE-like command was seen: arrays that look like pub/sub messages are taken as such. */
    private boolean pubSub;
    /** MONITOR was sent: lines that answer no command are its feed. */
    private boolean monitor;
    /** CLIENT REPLY OFF is on; SKIP drops the next reply. */
    private boolean repliesOff;
    private boolean skipNext;
    /** Ids of lone pushes, which keep the host from pairing them with waiting commands. */
    private long pushes;
    // confirmations of a SUBSCRIBE-like command gathered into its one response
    private long gatheredBytes;
    private long gatheredStart = -1;

    RedisParser(ParserContext context) {
        this.context = context;
        this.commands = new CommandReader(this, context.obfuscate());
        this.replies = new ReplyReader(this);
    }

    @Override
    public void onData(Direction direction, ByteBuffer data, long timestampMicros) {
        if (direction == Direction.CLIENT_TO_SERVER) {
            commands.onData(data, timestampMicros);
        } else {
            replies.onData(data, timestampMicros);
        }
    }

    @Override
    public void onGap(Direction direction, long lostBytes) {
        if (direction == Direction.CLIENT_TO_SERVER) {
            commands.onGap(lostBytes);
        } else {
            replies.onGap(lostBytes);
        }
    }

    @Override
    public void onClose() {
        // a command or reply cut by the close is not whole: nothing to emit; the host times out what waits
    }

    @Override
    public long retainedBytes() {
        return CommandReader.MAX_RESOURCE + 2L * Commands.MAX_NAME + ReplyReader.MAX_ERROR
                + (long) ReplyReader.CAPTURED * ReplyReader.MAX_CAPTURED + 17L * ReplyReader.MAX_DEPTH
                + 4L * pending.length + 512;
    }

    // commands

    @Override
    public void command(CommandReader c, boolean incomplete) {
        int effect = Commands.effect(c.slot());
        boolean reply = !repliesOff && !skipNext;
        skipNext = false;
        int expect = NORMAL;
        switch (effect) {
            case Commands.EFFECT_SUBSCRIBE, Commands.EFFECT_PSUBSCRIBE, Commands.EFFECT_SSUBSCRIBE,
                    Commands.EFFECT_UNSUBSCRIBE, Commands.EFFECT_PUNSUBSCRIBE, Commands.EFFECT_SUNSUBSCRIBE -> {
                pubSub = true;
                boolean subscribe = effect <= Commands.EFFECT_SSUBSCRIBE;
                long n = c.arguments();
                if (n > 0 || !subscribe) {
                    // one confirmation per channel; an UNSUBSCRIBE of all is answered here by its first
                    expect = effect | (int) Math.min(Math.max(n, 1), 0xffffff) << 8;
                }
            }
            case Commands.EFFECT_MONITOR -> monitor = true;
            case Commands.EFFECT_RESET -> {
                monitor = false;
                repliesOff = false;
            }
            case Commands.EFFECT_CLIENT -> {
                // CLIENT REPLY ON|OFF|SKIP: the last argument says which
                if (c.arguments() == 2 && c.secondWordFirstByte() == 'R') {
                    if (c.lastArgumentIs("OFF")) {
                        repliesOff = true;
                        reply = false;
                    } else if (c.lastArgumentIs("SKIP")) {
                        skipNext = true;
                        reply = false;
                    } else if (c.lastArgumentIs("ON")) {
                        repliesOff = false;
                        reply = true;
                    }
                }
            }
            default -> {
            }
        }
        L7Message.Builder m = L7Message.request(RedisParserFactory.PROTOCOL).operation(c.operation())
                .resource(c.resource()).time(c.startMicros(), c.endMicros()).bytes(c.bytes());
        if (incomplete) {
            m.attributes(INCOMPLETE);
        }
        if (reply) {
            push(expect);
        } else {
            m.noResponseExpected();
        }
        context.sink().emit(m.build());
    }

    // replies

    @Override
    public boolean capturePubSub() {
        return pubSub;
    }

    @Override
    public void reply(ReplyReader r, boolean incomplete) {
        byte type = r.type();
        if (type == '>' || (type == '*' && pubSub)) {
            if (pubSubMessage(r) || confirmation(r, incomplete)) {
                return;
            }
            if (type == '>') {
                // another push (client-side caching's invalidate …): named by its kind
                String kind = r.element(0);
                lone(r, kind == null ? "push" : kind, incomplete);
                return;
            }
        }
        if (size == 0 && monitor && type == '+') {
            lone(r, "monitor", incomplete); // never the line: it holds the command's values
            return;
        }
        if (size > 0) {
            pop();
        }
        gatheredStart = -1;
        respond(r.startMicros(), r.endMicros(), r.bytes(), r, incomplete);
    }

    @Override
    public void broken(ReplyReader r) {
        if (size > 0) {
            pop();
            gatheredStart = -1;
            context.sink().emit(L7Message.response(RedisParserFactory.PROTOCOL).status(ResponseStatus.PARSE_FAILED)
                    .time(r.startMicros(), r.endMicros()).bytes(r.bytes()).build());
        }
    }

    /** message / pmessage / smessage: a lone response naming its channel (the payload is a value: never kept). */
    private boolean pubSubMessage(ReplyReader r) {
        long n = r.elements();
        if (n == 3 && r.elementIs(0, "message")) {
            lone(r, "message " + r.element(1), false);
        } else if (n == 3 && r.elementIs(0, "smessage")) {
            lone(r, "smessage " + r.element(1), false);
        } else if (n == 4 && r.elementIs(0, "pmessage")) {
            lone(r, "pmessage " + r.element(1) + " " + r.element(2), false);
        } else {
            return false;
        }
        return true;
    }

    /** A (un)subscribe confirmation: part of the waiting SUBSCRIBE-like command's response, else lone. */
    private boolean confirmation(ReplyReader r, boolean incomplete) {
        if (r.elements() != 3) {
            return false;
        }
        int kind;
        if (r.elementIs(0, "subscribe")) {
            kind = Commands.EFFECT_SUBSCRIBE;
        } else if (r.elementIs(0, "psubscribe")) {
            kind = Commands.EFFECT_PSUBSCRIBE;
        } else if (r.elementIs(0, "ssubscribe")) {
            kind = Commands.EFFECT_SSUBSCRIBE;
        } else if (r.elementIs(0, "unsubscribe")) {
            kind = Commands.EFFECT_UNSUBSCRIBE;
        } else if (r.elementIs(0, "punsubscribe")) {
            kind = Commands.EFFECT_PUNSUBSCRIBE;
        } else if (r.elementIs(0, "sunsubscribe")) {
            kind = Commands.EFFECT_SUNSUBSCRIBE;
        } else {
            return false;
        }
        if (size > 0 && (pending[head] & 0xff) == kind) {
            if (gatheredStart < 0) {
                gatheredStart = r.startMicros();
                gatheredBytes = 0;
            }
            gatheredBytes += r.bytes();
            int due = (pending[head] >>> 8) - 1;
            if (due > 0) {
                pending[head] = kind | due << 8;
                return true;
            }
            pop();
            long start = gatheredStart;
            gatheredStart = -1;
            respond(start, r.endMicros(), gatheredBytes, r, incomplete);
            return true;
        }
        String channel = r.element(1); // null for an UNSUBSCRIBE when nothing was subscribed
        lone(r, channel == null ? r.element(0) : r.element(0) + " " + channel, incomplete);
        return true;
    }

    private void respond(long start, long end, long bytes, ReplyReader r, boolean incomplete) {
        L7Message.Builder m = L7Message.response(RedisParserFactory.PROTOCOL).time(start, end).bytes(bytes);
        if (r.isError()) {
            // DeepFlow's choice: an error reply is the client's error, its text (with the '-') the exception
            m.status(ResponseStatus.SERVER_ERROR).exception(r.error());
        } else {
            m.status(ResponseStatus.OK);
        }
        if (incomplete) {
            m.attributes(INCOMPLETE);
        }
        context.sink().emit(m.build());
    }

    /**
     * A server message that answers no command: a response with an id no request has, so that the host keeps it
     * alone (its {@code request_id} is its number among the connection's pushes), and what it is as its result
     * ({@code message ch1}, {@code pmessage c* ch1}, {@code invalidate}: never a message's payload, a value).
     */
    private void lone(ReplyReader r, String what, boolean incomplete) {
        L7Message.Builder m = L7Message.response(RedisParserFactory.PROTOCOL).streamId(++pushes)
                .result(what).status(ResponseStatus.OK)
                .time(r.startMicros(), r.endMicros()).bytes(r.bytes());
        if (incomplete) {
            m.attributes(INCOMPLETE);
        }
        context.sink().emit(m.build());
    }

    @Override
    public void problem(String kind, String message) {
        context.reportProblem(kind, message);
    }

    // the waiting commands, oldest first

    private void push(int expect) {
        if (size == pending.length) {
            if (size == MAX_PENDING) {
                pop(); // the host has given up on the oldest too
            } else {
                int[] grown = new int[pending.length * 2];
                for (int i = 0; i < size; i++) {
                    grown[i] = pending[(head + i) % pending.length];
                }
                pending = grown;
                head = 0;
            }
        }
        pending[(head + size) % pending.length] = expect;
        size++;
    }

    private void pop() {
        head = (head + 1) % pending.length;
        size--;
    }
}
