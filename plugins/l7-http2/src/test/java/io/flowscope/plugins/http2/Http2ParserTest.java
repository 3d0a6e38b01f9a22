package io.flowscope.plugins.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowscope.api.Detection;
import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.MessageKind;
import io.flowscope.api.ResponseStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parser and the detectors on hand-built bytes, for what the conformance sessions do not pin down. */
class Http2ParserTest {

    private final List<L7Message> messages = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Http2Parser parser = new Http2Parser(new CollectingContext(messages, problems), "http2");

    private void client(byte[] b) {
        parser.onData(Direction.CLIENT_TO_SERVER, ByteBuffer.wrap(b).asReadOnlyBuffer(), 1);
    }

    private void server(byte[] b) {
        parser.onData(Direction.SERVER_TO_CLIENT, ByteBuffer.wrap(b).asReadOnlyBuffer(), 2);
    }

    private static Detection detect(boolean grpc, byte[] b, Direction d) {
        ByteBuffer buf = ByteBuffer.wrap(b).asReadOnlyBuffer();
        return grpc ? new GrpcParserFactory().detect(buf, d, null) : new Http2ParserFactory().detect(buf, d, null);
    }

    private static byte[] get(String path) {
        return H2.Block.of().indexed(2).indexed(6).literalIndexedName(4, path).literalIndexedName(1, "h").build();
    }

    @Test
    void detectsPrefaceGrpcAndMidStream() {
        byte[] h2 = H2.bytes().preface().settings().headers(1, true, get("/")).build();
        assertEquals(Detection.MATCH, detect(false, h2, Direction.CLIENT_TO_SERVER));
        assertEquals(Detection.NO_MATCH, detect(true, h2, Direction.CLIENT_TO_SERVER));
        byte[] grpc = H2.bytes().preface().settings().headers(1, false, WrittenSessions.grpcRequest("/a.B/C")).build();
        assertEquals(Detection.MATCH, detect(true, grpc, Direction.CLIENT_TO_SERVER));
        assertEquals(Detection.NO_MATCH, detect(false, grpc, Direction.CLIENT_TO_SERVER));
        // the preface and SETTINGS alone: which of the two is not known yet
        byte[] open = H2.bytes().preface().settings().build();
        assertEquals(Detection.NEED_MORE_DATA, detect(false, open, Direction.CLIENT_TO_SERVER));
        assertEquals(Detection.NEED_MORE_DATA, detect(true, open, Direction.CLIENT_TO_SERVER));
        assertEquals(Detection.NEED_MORE_DATA, detect(false, "PRI * HT".getBytes(StandardCharsets.US_ASCII), Direction.CLIENT_TO_SERVER));
        // joined late: frames only, HTTP/2 for sure, but gRPC or not only a HEADERS frame says: wait for one
        byte[] late = H2.bytes().data(7, false, new byte[20]).windowUpdate(7, 100).build();
        assertEquals(Detection.NEED_MORE_DATA, detect(false, late, Direction.CLIENT_TO_SERVER));
        assertEquals(Detection.NEED_MORE_DATA, detect(false, late, Direction.SERVER_TO_CLIENT));
        byte[] lateThenHeaders = H2.bytes().data(7, false, new byte[20]).windowUpdate(7, 100).headers(9, true, get("/")).build();
        assertEquals(Detection.MATCH, detect(false, lateThenHeaders, Direction.CLIENT_TO_SERVER));
        // … as long as the window shows more: a window of DATA is taken as HTTP/2
        H2 manyData = H2.bytes();
        for (int i = 0; i < 6; i++) {
            manyData.data(7, false, new byte[200]);
        }
        assertEquals(Detection.MATCH, detect(false, manyData.build(), Direction.SERVER_TO_CLIENT));
        assertEquals(Detection.NO_MATCH, detect(true, manyData.build(), Direction.SERVER_TO_CLIENT));
        // a server's opening SETTINGS: wait for its client
        assertEquals(Detection.NEED_MORE_DATA, detect(false, H2.bytes().settings(0x3, 100).build(), Direction.SERVER_TO_CLIENT));
        // not HTTP/2
        assertEquals(Detection.NO_MATCH, detect(false, "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                Direction.CLIENT_TO_SERVER));
        assertEquals(Detection.NO_MATCH, detect(false, "PRI * HTTP/1.1\r\n\r\n\r\n\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                Direction.CLIENT_TO_SERVER));
        assertEquals(Detection.NO_MATCH, detect(false, H2.bytes().frame(Frames.DATA, 0x40, 1, new byte[4])
                .frame(Frames.DATA, 0, 1, new byte[4]).build(), Direction.CLIENT_TO_SERVER), "undefined flag");
        assertEquals(Detection.NO_MATCH, detect(false, H2.bytes().frame(Frames.SETTINGS, 0, 3, new byte[6])
                .settingsAck().build(), Direction.CLIENT_TO_SERVER), "SETTINGS on a stream");
        assertEquals(Detection.NEED_MORE_DATA, detect(false, new byte[0], Direction.CLIENT_TO_SERVER));
    }

    /** The client's SETTINGS_HEADER_TABLE_SIZE bounds the server's table: an entry larger than it is not kept. */
    @Test
    void settingsHeaderTableSizeIsHonoured() {
        client(H2.bytes().preface().settings(0x1, 64).headers(1, true, get("/a")).headers(3, true, get("/b")).build());
        byte[] big = H2.Block.of().indexed(8).add("x-large", "v".repeat(60)).build();
        byte[] again = H2.Block.of().indexed(8).indexed(62).build();
        server(H2.bytes().settings().headers(1, true, big).headers(3, true, again).build());
        L7Message second = messages.get(3);
        assertEquals(3, second.streamId());
        assertEquals("1", second.attributes().get("hpack_unknown_fields"), "the 92-byte entry was never in a 64-byte table");

        // the same without the setting: the entry is kept and the reference resolves
        Http2ParserTest other = new Http2ParserTest();
        other.client(H2.bytes().preface().settings().headers(1, true, get("/a")).headers(3, true, get("/b")).build());
        other.server(H2.bytes().settings().headers(1, true, big).headers(3, true, again).build());
        assertNull(other.messages.get(3).attributes().get("hpack_unknown_fields"));
    }

    @Test
    void streamsAreBoundedAndTheOldestGivenUp() {
        H2 c = H2.bytes().preface().settings();
        for (int i = 0; i < 300; i++) {
            c.headers(1 + 2 * i, false, get("/s" + i));
        }
        client(c.build());
        assertTrue(problems.contains("too_many_streams"));
        assertTrue(parser.retainedBytes() <= Http2Parser.MAX_STATE_BYTES);
        // the ones given up were emitted as far as they went (their responses the host will time out)
        assertEquals(300 - Http2Parser.MAX_STREAMS, messages.size());
        assertEquals(1, messages.get(0).streamId());
        parser.onClose();
        assertEquals(300, messages.size());
    }

    @Test
    void pushPromiseUnknownFramesAndLargeBlocks() {
        client(H2.bytes().preface().settings().headers(1, true, get("/page")).build());
        byte[] promise = new byte[4 + get("/style.css").length];
        promise[3] = 2;
        System.arraycopy(get("/style.css"), 0, promise, 4, promise.length - 4);
        server(H2.bytes().settings()
                .frame(Frames.PUSH_PROMISE, Frames.END_HEADERS, 1, promise)
                // a frame type this parser does not know (PRIORITY_UPDATE, RFC 9218): skipped
                .frame(0x10, 0, 0, new byte[5])
                .headers(1, false, H2.Block.of().indexed(8).build()).data(1, true, "<html>".getBytes())
                .headers(2, false, H2.Block.of().indexed(8).build()).data(2, true, "css".getBytes()).build());
        assertEquals(4, messages.size());
        L7Message pushed = messages.get(1); // promised before stream 1 is answered
        assertEquals(MessageKind.REQUEST, pushed.kind());
        assertEquals(2, pushed.streamId());
        assertEquals("/style.css", pushed.resource());
        assertEquals("true", pushed.attributes().get("server_push"));
        assertEquals(ResponseStatus.OK, messages.get(3).status());

        // a header block larger than kept: the stream still counts, its fields are unknown
        byte[] huge = H2.Block.of().literal("x-huge", "v".repeat(40_000)).build();
        client(H2.bytes().frame(Frames.HEADERS, 0, 5, java.util.Arrays.copyOf(huge, 16384))
                .frame(Frames.CONTINUATION, 0, 5, java.util.Arrays.copyOfRange(huge, 16384, 32768))
                .frame(Frames.CONTINUATION, Frames.END_HEADERS | 0, 5, java.util.Arrays.copyOfRange(huge, 32768, huge.length))
                .data(5, true, new byte[3]).build());
        assertTrue(problems.contains("header_block_too_large"), problems + " " + messages);
        L7Message cut = messages.get(4);
        assertEquals(5, cut.streamId());
        assertNull(cut.operation());
        assertEquals("1", cut.attributes().get("hpack_unknown_fields"));
        assertEquals(9L * 4 + huge.length + 3, cut.bytes());
    }

    @Test
    void garbageAndGapsResynchronise() {
        client(H2.bytes().preface().settings().headers(1, true, get("/one")).build());
        parser.onGap(Direction.CLIENT_TO_SERVER, 1234);
        client(new byte[] {1, 2, 3, 4, 5, 6, 7});
        // after the hole the table is lost: the next request names its authority anew, resolving nothing older
        client(H2.bytes().headers(3, true, H2.Block.of().indexed(2).indexed(6).literalIndexedName(4, "/two").indexed(62).build())
                .ping().build());
        server(H2.bytes().headers(1, true, H2.Block.of().indexed(8).build()).headers(3, true, H2.Block.of().indexed(13).build()).build());
        assertEquals(4, messages.size());
        L7Message two = messages.get(1);
        assertEquals("/two", two.resource());
        assertNull(two.domain(), "index 62 after a hole is not guessed");
        assertEquals(404, messages.get(3).statusCode());
    }

    @Test
    void aRepeatedIndexedOnlyBlockIsReadAgainOnceTheTableChanged() {
        // stream 1 adds authority "a" (62); streams 3 and 7 send the same bytes, index 62, but stream 5 added "b" in
        // between: 62 is "b" for stream 7 (a block is only replayed against the table it was decoded with)
        byte[] same = H2.Block.of().indexed(2).indexed(6).indexed(4).indexed(62).build();
        client(H2.bytes().preface().settings()
                .headers(1, true, H2.Block.of().indexed(2).indexed(6).indexed(4).addIndexedName(1, "a").build())
                .headers(3, true, same)
                .headers(5, true, H2.Block.of().indexed(2).indexed(6).indexed(4).addIndexedName(1, "b").build())
                .headers(7, true, same)
                .headers(9, true, same).build());
        assertEquals(java.util.List.of("a", "a", "b", "b", "b"), messages.stream().map(L7Message::domain).toList());
        // and a response block replayed keeps each stream's own status
        server(H2.bytes().headers(1, true, H2.Block.of().indexed(8).build()).headers(3, true, H2.Block.of().indexed(13).build())
                .headers(5, true, H2.Block.of().indexed(8).build()).build());
        assertEquals(java.util.List.of(200, 404, 200), messages.stream().filter(m -> m.kind() == MessageKind.RESPONSE)
                .map(L7Message::statusCode).toList());
    }
}
