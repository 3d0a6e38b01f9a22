package io.flowscope.plugins.kafka;

import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ResponseStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One Kafka connection: a request message per request, a response per response, each carrying the correlation
 * id as its stream id, by which the host pairs them however many are in flight. A response's layout depends on
 * its request's api key and version, which the response does not repeat: the parser remembers them per
 * correlation id ({@link Pending}). Produce with acks=0 gets no response and is marked so.
 */
final class KafkaParser implements ProtocolParser {

    static final long MAX_STATE_BYTES = 2L * Framer.HEAD_BYTES + 8L * Pending.MAX + 4096;
    /** Attribute of a request that names its topic by id (Produce v13+, Fetch v13+): the id, as Kafka prints it. */
    static final String TOPIC_ID = "topic_id";
    /** Attribute of such a request whose id no response named: {@code unknown} or {@code ambiguous}. */
    static final String TOPIC_NAME_STATUS = "topic_name_status";
    /** Client ids and topic names are cut here (Kafka allows 249-byte topic names). */
    static final int MAX_NAME = 255;

    private static final String[] VERSIONS = new String[ApiKeys.MAX_VERSIONS];

    static {
        for (int i = 0; i < VERSIONS.length; i++) {
            VERSIONS[i] = Integer.toString(i);
        }
    }

    private final ParserContext context;
    private final Framer requests;
    private final Framer responses;
    private final Pending pending = new Pending();
    private final Cursor cursor = new Cursor();
    private final RequestBody body = new RequestBody();
    private final LastString clientId = new LastString();
    private final LastString topic = new LastString();
    private final ConnectionTopics topicIds;
    private final TopicNamesReader topicNames;

    KafkaParser(ParserContext context, TopicIds ids) {
        this.context = context;
        this.requests = new Framer(new RequestSide(), "malformed_request");
        this.responses = new Framer(new ResponseSide(), "malformed_response");
        this.topicIds = new ConnectionTopics(ids, context);
        this.topicNames = new TopicNamesReader(topicIds);
    }

    @Override
    public void onData(Direction direction, ByteBuffer data, long timestampMicros) {
        (direction == Direction.CLIENT_TO_SERVER ? requests : responses).onData(data, timestampMicros);
    }

    @Override
    public void onGap(Direction direction, long lostBytes) {
        (direction == Direction.CLIENT_TO_SERVER ? requests : responses).onGap(lostBytes);
    }

    @Override
    public void onClose() {
        // a message cut by the close is not whole; the host times out the requests still waiting
    }

    @Override
    public long retainedBytes() {
        // the heads, the waiting requests, the last client id and topic, the name being streamed, the last topic id
        return 2L * Framer.HEAD_BYTES + pending.retainedBytes() + 3L * MAX_NAME + 768;
    }

    /** Whether these bytes can be a request header: a known api key, a valid version, a plausible client id. */
    static boolean plausibleRequestHeader(int size, byte[] b, int n) {
        if (size < 10) {
            return false;
        }
        int key = n >= 2 ? i16(b, 0) : 0;
        if ((n >= 2 && !ApiKeys.known(key)) || (n >= 4 && !ApiKeys.validVersion(key, i16(b, 2)))
                || (n >= 8 && i32(b, 4) < 0)) {
            return false;
        }
        if (n < 10 || ApiKeys.requestHeaderVersion(key, i16(b, 2)) == 0) {
            return true;
        }
        int idLength = i16(b, 8);
        if (idLength < -1 || idLength > size - 10) {
            return false;
        }
        for (int i = 0; i < idLength && 10 + i < n; i++) {
            int c = b[10 + i] & 0xff;
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    static int i16(byte[] b, int at) {
        return (short) ((b[at] & 0xff) << 8 | (b[at + 1] & 0xff));
    }

    static int i32(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static String version(int v) {
        return v >= 0 && v < VERSIONS.length ? VERSIONS[v] : Integer.toString(v);
    }

    private final class RequestSide implements Framer.Side {

        @Override
        public boolean plausibleHead(int size, byte[] head, int n) {
            return plausibleRequestHeader(size, head, n);
        }

        @Override
        public boolean plausibleStart(ByteBuffer data, int at, int limit) {
            if (limit - at < 14) {
                return false;
            }
            int size = data.getInt(at);
            if (size < 10 || size > Framer.MAX_PLAUSIBLE_SIZE) {
                return false;
            }
            int key = data.getShort(at + 4);
            int idLength = data.getShort(at + 12);
            if (!ApiKeys.validVersion(key, data.getShort(at + 6)) || data.getInt(at + 8) < 0 || idLength < 1
                    || idLength > size - 10 || limit - at < 14 + idLength) {
                return false; // after a loss only a request with a visible client id is trusted
            }
            for (int i = 0; i < idLength; i++) {
                int c = data.get(at + 14 + i) & 0xff;
                if (c < 0x20 || c > 0x7e) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void message(Framer f, long endMicros) {
            byte[] b = f.head;
            int n = f.headLength;
            if (n < 8) {
                return; // cut before its header: nothing to say
            }
            int key = i16(b, 0);
            int version = i16(b, 2);
            int correlationId = i32(b, 4);
            L7Message.Builder m = L7Message.request(KafkaParserFactory.PROTOCOL).streamId(correlationId)
                    .operation(ApiKeys.name(key)).version(version(version))
                    .time(f.startMicros, endMicros).bytes(f.size + 4L);
            String id = null;
            String topicId = null;
            String topicStatus = null;
            boolean flexible = ApiKeys.flexible(key, version);
            int headerVersion = ApiKeys.requestHeaderVersion(key, version);
            Cursor c = cursor.reset(b, 8, n);
            int idLength = headerVersion == 0 ? -1 : c.stringLength(false);
            if (idLength > 0) {
                int from = c.position();
                c.skip(idLength);
                if (c.ok()) {
                    id = clientId.of(b, from, Math.min(idLength, MAX_NAME));
                }
            }
            if (headerVersion == 2) {
                c.skipTaggedFields();
            }
            boolean expectResponse = true;
            if (c.ok() && f.headIntact() && ApiKeys.known(key)) {
                body.read(c, key, version, flexible);
                String name = null;
                if (body.topicFrom != RequestBody.NONE) {
                    name = topic.of(b, body.topicFrom, Math.min(body.topicLength, MAX_NAME));
                } else if (body.topicIdFrom != RequestBody.NONE) {
                    // named by id: the name a Metadata response (on any connection of the cluster) gave it, else the id
                    topicIds.resolve(b, body.topicIdFrom);
                    name = topicIds.name != null ? topicIds.name : topicIds.idText;
                    topicId = topicIds.idText;
                    topicStatus = topicIds.status;
                }
                if (name != null) {
                    m.endpoint(name);
                    // one partition of one topic: named as Kafka names a TopicPartition
                    m.resource(body.topics == 1 && body.partitions == 1 ? name + "-" + body.partition : name);
                }
                expectResponse = !(key == ApiKeys.PRODUCE && body.acks == 0);
                if (body.trace.traceId != null) {
                    m.trace(body.trace.traceId, body.trace.spanId);
                }
            }
            if (id != null) {
                m.attribute("client_id", id);
            }
            if (topicId != null) {
                m.attribute(TOPIC_ID, topicId);
                if (topicStatus != null) {
                    m.attribute(TOPIC_NAME_STATUS, topicStatus);
                }
            }
            if (f.incomplete) {
                m.attribute("capture", "incomplete");
            }
            if (expectResponse) {
                pending.add(correlationId, key, version);
            } else {
                m.noResponseExpected();
            }
            context.sink().emit(m.build());
        }

        @Override
        public void problem(String kind, String message) {
            context.reportProblem(kind, message);
        }
    }

    private final class ResponseSide implements Framer.Side {

        private ByteBuffer headView;
        /** The request the response being read answers ({@code key << 16 | version}), -1 when not seen. */
        private int request = -1;

        /**
         * The request a response answers is known from its first bytes (taken from the waiting ones once, here);
         * the responses that name topics with their ids are then read whole through {@link #topicNames}, whatever
         * their length.
         */
        @Override
        public boolean begins(Framer f) {
            request = f.headLength < 4 ? -1 : pending.take(i32(f.head, 0));
            if (request < 0 || !f.headIntact()) {
                return false;
            }
            int[] program = TopicNamesReader.programFor(request >>> 16, request & 0xffff);
            if (program == null) {
                return false;
            }
            topicIds.beginResponse(request >>> 16 == ApiKeys.METADATA);
            topicNames.start(program);
            if (headView == null) {
                headView = ByteBuffer.wrap(f.head);
            }
            topicNames.feed(headView, 4, f.headLength); // the bytes after the correlation id so far
            return true;
        }

        @Override
        public void body(ByteBuffer data, int from, int n) {
            if (topicNames.running()) {
                topicNames.feed(data, from, from + n);
            }
        }

        @Override
        public boolean plausibleHead(int size, byte[] head, int n) {
            return n < 4 || i32(head, 0) >= 0;
        }

        @Override
        public boolean plausibleStart(ByteBuffer data, int at, int limit) {
            if (limit - at < 8) {
                return false;
            }
            int size = data.getInt(at);
            // after a loss only the answer to a waiting request is trusted
            return size >= 4 && size <= Framer.MAX_PLAUSIBLE_SIZE && pending.contains(data.getInt(at + 4));
        }

        @Override
        public void message(Framer f, long endMicros) {
            byte[] b = f.head;
            int n = f.headLength;
            int request = this.request;
            this.request = -1; // taken by begins(), which the framer calls first, once per message
            if (n < 4) {
                return;
            }
            int correlationId = i32(b, 0);
            L7Message.Builder m = L7Message.response(KafkaParserFactory.PROTOCOL).streamId(correlationId)
                    .time(f.startMicros, endMicros).bytes(f.size + 4L);
            if (request < 0) {
                // its request was not seen: the body's layout is unknown
                m.status(ResponseStatus.UNKNOWN);
            } else {
                int key = request >>> 16;
                int version = request & 0xffff;
                m.version(version(version));
                Cursor c = cursor.reset(b, 4, n);
                if (ApiKeys.responseHeaderVersion(key, version) == 1) {
                    c.skipTaggedFields();
                }
                int code = c.ok() && f.headIntact()
                        ? ResponseErrors.find(c, key, version, ApiKeys.flexible(key, version)) : ResponseErrors.NOT_SEEN;
                if (code == ResponseErrors.NOT_SEEN) {
                    m.status(ResponseStatus.OK);
                } else {
                    m.statusCode(code);
                    if (code == 0) {
                        m.status(ResponseStatus.OK);
                    } else {
                        // DeepFlow's choice: any Kafka error code is the server's error
                        m.status(ResponseStatus.SERVER_ERROR).exception(ErrorCodes.name(code));
                    }
                }
            }
            if (f.incomplete) {
                m.attributes(Map.of("capture", "incomplete"));
            }
            topicNames.stop();
            context.sink().emit(m.build());
        }

        @Override
        public void problem(String kind, String message) {
            context.reportProblem(kind, message);
        }
    }

    /** The last string made from some bytes, reused while the bytes repeat (a connection's client id, its topic). */
    static final class LastString {
        private final byte[] bytes = new byte[MAX_NAME];
        private int length = -1;
        private String value;

        String of(byte[] b, int from, int n) {
            if (n == length && java.util.Arrays.equals(bytes, 0, n, b, from, from + n)) {
                return value;
            }
            System.arraycopy(b, from, bytes, 0, n);
            length = n;
            value = new String(b, from, n, StandardCharsets.UTF_8);
            return value;
        }
    }
}
