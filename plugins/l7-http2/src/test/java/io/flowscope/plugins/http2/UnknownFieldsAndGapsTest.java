package io.flowscope.plugins.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.MessageKind;
import io.flowscope.api.ResponseStatus;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A response's status when the fields that would decide it cannot be decoded (docs/protocols/http2.md, "Status when
 * fields are unknown"), and gaps of known length: inside a frame the reader stays in step, past it the table is lost.
 */
class UnknownFieldsAndGapsTest {

    private final List<L7Message> messages = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Http2Parser parser = new Http2Parser(new CollectingContext(messages, problems), "grpc");

    private void client(byte[] b) {
        parser.onData(Direction.CLIENT_TO_SERVER, ByteBuffer.wrap(b), 1);
    }

    private void server(byte[] b) {
        parser.onData(Direction.SERVER_TO_CLIENT, ByteBuffer.wrap(b), 2);
    }

    /** The first {@code captured} bytes of {@code b}, then the rest lost: a syscall's payload captured in part. */
    private void clientCut(byte[] b, int captured) {
        client(Arrays.copyOf(b, captured));
        parser.onGap(Direction.CLIENT_TO_SERVER, b.length - captured);
    }

    private void serverCut(byte[] b, int captured) {
        server(Arrays.copyOf(b, captured));
        parser.onGap(Direction.SERVER_TO_CLIENT, b.length - captured);
    }

    private List<L7Message> responses() {
        return messages.stream().filter(m -> m.kind() == MessageKind.RESPONSE).toList();
    }

    private static byte[] grpcCall(int stream) {
        return H2.bytes().headers(stream, false, WrittenSessions.grpcRequest("/a.B/C")).data(stream, true, H2.grpcMessages(3)).build();
    }

    @Test
    void grpcTrailersWhoseStatusFieldIsUnknownGiveAnUnknownStatusNotTheColon200() {
        client(H2.bytes().preface().settings().raw(grpcCall(1)).build());
        // the trailers reference an entry the table never held: grpc-status, as far as anyone can tell
        server(H2.bytes().settings().headers(1, false, WrittenSessions.grpcHeaders()).data(1, false, H2.grpcMessages(2))
                .headers(1, true, H2.Block.of().indexed(70).build()).build());
        L7Message r = responses().get(0);
        assertEquals(ResponseStatus.UNKNOWN, r.status());
        assertFalse(r.hasStatusCode(), "no code: 200 is not a gRPC call's outcome");
        assertEquals("1", r.attributes().get("hpack_unknown_fields"));
        assertEquals("1", r.attributes().get("grpc_response_messages"));
    }

    @Test
    void grpcCallEndedWithoutGrpcStatusIsWhatItsClientMakesOfIt() {
        client(H2.bytes().preface().settings().raw(grpcCall(1)).build());
        // every field decoded, and none is a grpc-status: gRPC clients fail such a call as UNKNOWN (2)
        server(H2.bytes().settings().headers(1, false, WrittenSessions.grpcHeaders()).data(1, false, H2.grpcMessages(2))
                .headers(1, true, H2.Block.of().literal("x-other", "1").build()).build());
        L7Message r = responses().get(0);
        assertEquals(2, r.statusCode());
        assertEquals(ResponseStatus.SERVER_ERROR, r.status());
        assertEquals("missing grpc-status", r.exception());
    }

    @Test
    void grpcCallWhoseTrailersNeverCameIsUnknownAtTheEnd() {
        client(H2.bytes().preface().settings().raw(grpcCall(1)).build());
        server(H2.bytes().settings().headers(1, false, WrittenSessions.grpcHeaders()).data(1, false, H2.grpcMessages(2)).build());
        parser.onClose();
        L7Message r = responses().get(0);
        assertEquals(ResponseStatus.UNKNOWN, r.status());
        assertFalse(r.hasStatusCode());
    }

    @Test
    void aPostJoinedLateWithUnknownFieldsMayBeGrpcSoItsColon200DecidesNothing() {
        // no preface: the content-type is a reference into the unseen table
        client(H2.bytes().headers(41, false, H2.Block.of().indexed(3).indexed(6).literalIndexedName(4, "/a.B/C").indexed(62).build())
                .data(41, true, H2.grpcMessages(3)).build());
        // a trailers-only answer: :status 200 and references the capture never saw (grpc-status among them, maybe)
        server(H2.bytes().headers(41, true, H2.Block.of().indexed(8).indexed(63).indexed(64).build()).build());
        L7Message r = responses().get(0);
        assertEquals(ResponseStatus.UNKNOWN, r.status());
        assertFalse(r.hasStatusCode());
    }

    @Test
    void aPostJoinedLateWhoseWholeResponseDecodedWithoutGrpcStatusIsPlainHttp2() {
        client(H2.bytes().headers(41, true, H2.Block.of().indexed(3).indexed(6).literalIndexedName(4, "/form").indexed(62).build()).build());
        server(H2.bytes().headers(41, false, H2.Block.of().indexed(8).literal("content-length", "1").build())
                .data(41, true, "x".getBytes()).build());
        L7Message r = responses().get(0);
        assertEquals(200, r.statusCode());
        assertEquals(ResponseStatus.OK, r.status());
    }

    @Test
    void aGetJoinedLateKeepsItsStatusWhateverIsUnknown() {
        client(H2.bytes().headers(41, true, H2.Block.of().indexed(2).indexed(6).literalIndexedName(4, "/x").indexed(62).build()).build());
        server(H2.bytes().headers(41, true, H2.Block.of().indexed(8).indexed(63).build()).build());
        L7Message r = responses().get(0);
        assertEquals(200, r.statusCode());
        assertEquals(ResponseStatus.OK, r.status(), "gRPC is always POST: a GET's :status is its outcome");
    }

    @Test
    void aGrpcStatusDecodedOnAPostWhoseContentTypeIsUnknownIsTheOutcome() {
        client(H2.bytes().headers(41, true, H2.Block.of().indexed(3).indexed(6).literalIndexedName(4, "/a.B/C").indexed(62).build()).build());
        server(H2.bytes().headers(41, true, H2.Block.of().indexed(8).indexed(63).literal("grpc-status", "5").build()).build());
        L7Message r = responses().get(0);
        assertEquals(5, r.statusCode());
        assertEquals(ResponseStatus.CLIENT_ERROR, r.status());
        assertEquals("NOT_FOUND", r.exception());
    }

    /** A gRPC request that adds its authority (62 once added) and content-type (then 62, the authority 63). */
    private static byte[] indexingGrpcRequest(String path) {
        return H2.Block.of().indexed(3).indexed(6).literalIndexedName(4, path).addIndexedName(1, "grpc.example:50051")
                .addIndexedName(31, "application/grpc").build();
    }

    /** :status 200 and a content-type added to the table (62 once added). */
    private static byte[] indexingGrpcHeaders() {
        return H2.Block.of().indexed(8).addIndexedName(31, "application/grpc").build();
    }

    @Test
    void aGapInsideADataFrameKeepsFramesAndTablesInStep() {
        client(H2.bytes().preface().settings().build());
        // a large message whose DATA frame is captured only in part (its header and first bytes)
        byte[] first = H2.bytes().headers(1, false, indexingGrpcRequest("/a.B/Big")).data(1, true, H2.grpcMessages(5000)).build();
        clientCut(first, first.length - 4000);
        // the next call refers to what the first added to the table: still known
        client(H2.bytes().headers(3, false, H2.Block.of().indexed(3).indexed(6).literalIndexedName(4, "/a.B/C")
                .indexed(63).indexed(62).build()).data(3, true, H2.grpcMessages(1)).build());
        byte[] answer = H2.bytes().settings().headers(1, false, indexingGrpcHeaders()).data(1, false, H2.grpcMessages(6000)).build();
        serverCut(answer, 200);
        server(H2.bytes().headers(1, true, WrittenSessions.trailers(0, null)).headers(3, false, H2.Block.of().indexed(8).indexed(62).build())
                .data(3, false, H2.grpcMessages(1)).headers(3, true, WrittenSessions.trailers(0, null)).build());
        assertEquals(List.of(), problems);
        List<L7Message> requests = messages.stream().filter(m -> m.kind() == MessageKind.REQUEST).toList();
        assertEquals("/a.B/Big", requests.get(0).resource());
        assertEquals(first.length, requests.get(0).bytes(), "every frame counted, lost bytes too");
        assertEquals("1", requests.get(0).attributes().get("grpc_request_messages"), "the loss is inside the message");
        assertEquals("/a.B/C", requests.get(1).resource());
        assertEquals("grpc.example:50051", requests.get(1).domain());
        assertNull(requests.get(1).attributes().get("hpack_unknown_fields"));
        assertEquals(List.of(0, 0), responses().stream().map(L7Message::statusCode).toList());
        assertEquals("1", responses().get(0).attributes().get("grpc_response_messages"));
        assertEquals("1", responses().get(1).attributes().get("grpc_response_messages"), "the server's table is whole");
    }

    @Test
    void aGapPastTheFrameEndsItAsItsHeaderSaidAndLosesTheTable() {
        client(H2.bytes().preface().settings().raw(grpcCall(1)).build());
        // headers, a message and the trailers in one write, captured up to the message's middle
        byte[] answer = H2.bytes().settings().headers(1, false, indexingGrpcHeaders()).data(1, false, H2.grpcMessages(3000))
                .headers(1, true, WrittenSessions.trailers(0, null)).build();
        serverCut(answer, 1024);
        client(grpcCall(3));
        // the next answer refers to the content-type the first one added: the table was lost with the trailers
        server(H2.bytes().headers(3, false, H2.Block.of().indexed(8).indexed(62).build()).data(3, false, H2.grpcMessages(1))
                .headers(3, true, H2.Block.of().indexed(63).build()).build());
        parser.onClose();
        List<L7Message> r = responses();
        assertEquals(2, r.size());
        // stream 3 ended (its trailers were seen), stream 1 only at the close: its END_STREAM was lost
        assertEquals(3, r.get(0).streamId());
        assertEquals(ResponseStatus.UNKNOWN, r.get(0).status());
        assertEquals(1, r.get(1).streamId());
        assertEquals(ResponseStatus.UNKNOWN, r.get(1).status());
        assertFalse(r.get(1).hasStatusCode());
        assertNull(r.get(1).attributes().get("grpc_response_messages"), "bytes lost past the message's end: not counted");
    }

    @Test
    void aGapInsideAHeaderBlockCountsTheStreamAndLosesOnlyTheTable() {
        client(H2.bytes().preface().settings().build());
        byte[] call = H2.bytes().headers(1, true, H2.Block.of().indexed(3).indexed(6).literalIndexedName(4, "/a.B/C")
                .addIndexedName(1, "grpc.example:50051").literal("x-pad", "y".repeat(300)).build()).build();
        clientCut(call, 40);
        client(H2.bytes().headers(3, true, H2.Block.of().indexed(3).indexed(6).literalIndexedName(4, "/a.B/D").indexed(62).build()).build());
        server(H2.bytes().settings().headers(1, true, H2.Block.of().indexed(8).literal("grpc-status", "0").build())
                .headers(3, true, H2.Block.of().indexed(8).literal("grpc-status", "0").build()).build());
        assertTrue(problems.contains("header_block_cut"), problems.toString());
        List<L7Message> requests = messages.stream().filter(m -> m.kind() == MessageKind.REQUEST).toList();
        assertEquals(2, requests.size());
        assertNull(requests.get(0).resource());
        assertEquals("1", requests.get(0).attributes().get("hpack_unknown_fields"));
        assertEquals("/a.B/D", requests.get(1).resource());
        assertNull(requests.get(1).domain(), "index 62 was added by the block with the hole: not known");
        assertEquals(List.of(0, 0), responses().stream().map(L7Message::statusCode).toList());
    }
}
