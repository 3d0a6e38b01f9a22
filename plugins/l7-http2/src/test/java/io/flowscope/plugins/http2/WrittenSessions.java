package io.flowscope.plugins.http2;

import io.flowscope.api.Direction;
import java.util.ArrayList;
import java.util.List;

/**
 * Sessions written with the test encoder ({@link H2}) for what the recorded curl/nginx ones do not show: many
 * concurrent interleaved streams, padding, priority, CONTINUATION, resets, GOAWAY, a capture joined mid-connection,
 * and gRPC calls. Their bytes follow RFC 9113 and RFC 7541 as a peer would send them; the expected lines were
 * checked by hand against those bytes.
 */
final class WrittenSessions {

    private WrittenSessions() {
    }

    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    /** Request block for GET/POST {@code path} with a Huffman-coded authority added to the table (62 once added). */
    static byte[] request(boolean first, String method, String path) {
        H2.Block b = H2.Block.of().huffman(true);
        b.indexed(method.equals("GET") ? 2 : 3).indexed(6);
        b.literalIndexedName(4, path);
        if (first) {
            b.addIndexedName(1, "api.example");
        } else {
            b.indexed(62);
        }
        return b.build();
    }

    static byte[] status(int code) {
        return H2.Block.of().huffman(true).literalIndexedName(8, Integer.toString(code)).build();
    }

    /** Twenty streams open at once, their DATA interleaved and answered in reverse order. */
    static Object[] concurrent() {
        int n = 20;
        H2 open = H2.bytes().preface().settings(0x1, 4096, 0x4, 65535).windowUpdate(0, 1 << 20);
        for (int i = 0; i < n; i++) {
            int id = 1 + 2 * i;
            byte[] block = request(i == 0, i % 2 == 0 ? "POST" : "GET", "/item/" + i + "?q=" + i);
            if (i % 5 == 3) {
                // padded with priority: 1 byte pad length, 5 bytes priority, 3 bytes padding
                byte[] p = new byte[1 + 5 + block.length + 3];
                p[0] = 3;
                p[4] = 1;
                p[5] = 15;
                System.arraycopy(block, 0, p, 6, block.length);
                open.frame(Frames.HEADERS, Frames.END_HEADERS | Frames.PADDED | Frames.PRIORITY_FLAG
                        | (i % 2 == 1 ? Frames.END_STREAM : 0), id, p);
            } else if (i % 7 == 6) {
                // split over a CONTINUATION
                int half = block.length / 2;
                open.frame(Frames.HEADERS, i % 2 == 1 ? Frames.END_STREAM : 0, id, java.util.Arrays.copyOf(block, half));
                open.frame(Frames.CONTINUATION, Frames.END_HEADERS, id, java.util.Arrays.copyOfRange(block, half, block.length));
            } else {
                open.headers(id, i % 2 == 1, block);
            }
        }
        H2 server1 = H2.bytes().settings(0x3, 100).settingsAck();
        for (int i = n - 1; i >= 0; i--) {
            server1.headers(1 + 2 * i, false, status(i % 4 == 0 ? 404 : 200));
        }
        H2 client2 = H2.bytes().settingsAck();
        for (int i = 0; i < n; i += 2) {
            client2.data(1 + 2 * i, false, ("part-" + i).getBytes());
        }
        for (int i = 0; i < n; i += 2) {
            byte[] pad = new byte[1 + 4 + 2];
            pad[0] = 2;
            System.arraycopy("more".getBytes(), 0, pad, 1, 4);
            client2.frame(Frames.DATA, Frames.END_STREAM | Frames.PADDED, 1 + 2 * i, pad);
        }
        H2 server2 = H2.bytes().ping();
        for (int i = 0; i < n; i++) {
            server2.data(1 + 2 * i, true, ("body " + i).getBytes());
        }
        return new Object[] {open.build(), server1.build(), client2.build(), server2.build()};
    }

    static Object[] resets() {
        byte[] c1 = H2.bytes().preface().settings()
                .headers(1, true, H2.Block.of().indexed(2).indexed(6).indexed(4).add(":authority", "h")
                        .literal("traceparent", TRACEPARENT).build())
                .headers(3, true, H2.Block.of().indexed(2).indexed(6).literalIndexedName(4, "/slow").indexed(62).build())
                .headers(5, true, H2.Block.of().indexed(2).indexed(6).literalIndexedName(4, "/refused").indexed(62).build())
                .headers(7, true, H2.Block.of().indexed(2).indexed(6).literalIndexedName(4, "/late").indexed(62).build())
                .build();
        byte[] s1 = H2.bytes().settings().settingsAck().headers(1, false, H2.Block.of().indexed(8).build())
                .data(1, true, "ok".getBytes()).rst(5, 0x7).build();
        byte[] c2 = H2.bytes().settingsAck().rst(3, 0x8).build();
        byte[] s2 = H2.bytes().goaway(5, 0).build();
        return new Object[] {c1, s1, c2, s2};
    }

    /** A capture begun mid-connection: no preface, the tables' earlier entries never seen. */
    static Object[] joinedLate() {
        byte[] c1 = H2.bytes().windowUpdate(0, 1000)
                .headers(41, true, H2.Block.of().indexed(2).indexed(6).literalIndexedName(4, "/seen").indexed(63)
                        .literal("x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124")
                        .literal("x-b3-spanid", "a2fb4a1d1a96d312").build())
                .build();
        byte[] s1 = H2.bytes().headers(41, false, H2.Block.of().indexed(8).indexed(70).build())
                .data(41, true, "x".getBytes()).build();
        byte[] c2 = H2.bytes().headers(43, true, H2.Block.of().indexed(64).indexed(6).literalIndexedName(4, "/next")
                .addIndexedName(1, "known.example").build()).build();
        byte[] s2 = H2.bytes().headers(43, true, H2.Block.of().indexed(13).build()).build();
        return new Object[] {c1, s1, c2, s2};
    }

    static byte[] grpcRequest(String path, String... extra) {
        H2.Block b = H2.Block.of().huffman(true).indexed(3).indexed(6).literalIndexedName(4, path)
                .literalIndexedName(1, "grpc.example:50051").literalIndexedName(31, "application/grpc")
                .literal("te", "trailers");
        for (int i = 0; i < extra.length; i += 2) {
            b.literal(extra[i], extra[i + 1]);
        }
        return b.build();
    }

    static byte[] grpcHeaders() {
        return H2.Block.of().indexed(8).literalIndexedName(31, "application/grpc").build();
    }

    static byte[] trailers(int status, String message) {
        H2.Block b = H2.Block.of().literal("grpc-status", Integer.toString(status));
        if (message != null) {
            b.literal("grpc-message", message);
        }
        return b.build();
    }

    /** Unary OK, server streaming (3 messages), client streaming (2), an error with a message, a trailers-only error. */
    static Object[] grpc() {
        byte[] c1 = H2.bytes().preface().settings(0x2, 0, 0x4, 1048576)
                .headers(1, false, grpcRequest("/helloworld.Greeter/SayHello",
                        "sw8", "1-NGJmOTJmMzU3N2IzNGRhNmEzY2U5MjlkMGUwZTQ3MzY=-c2VnbWVudDE=-3-c2Vydg==-aW5zdA==-L3NheQ==-dGFyZ2V0"))
                .data(1, true, H2.grpcMessages(7))
                .headers(3, false, grpcRequest("/routeguide.RouteGuide/ListFeatures",
                        "b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1"))
                .data(3, true, H2.grpcMessages(12))
                .build();
        byte[] s1 = H2.bytes().settings().settingsAck()
                .headers(1, false, grpcHeaders()).data(1, false, H2.grpcMessages(9)).headers(1, true, trailers(0, null))
                .headers(3, false, grpcHeaders()).data(3, false, H2.grpcMessages(4, 5)).data(3, false, H2.grpcMessages(6))
                .build();
        byte[] c2 = H2.bytes().settingsAck()
                .headers(5, false, grpcRequest("/routeguide.RouteGuide/RecordRoute"))
                .data(5, false, H2.grpcMessages(3)).data(5, true, H2.grpcMessages(3))
                .headers(7, false, grpcRequest("/helloworld.Greeter/Missing"))
                .data(7, true, H2.grpcMessages(1))
                .headers(9, true, grpcRequest("/helloworld.Greeter/Nope"))
                .build();
        byte[] s2 = H2.bytes().headers(3, true, trailers(0, null))
                .headers(5, false, grpcHeaders()).data(5, false, H2.grpcMessages(2)).headers(5, true, trailers(0, null))
                .headers(7, false, grpcHeaders()).headers(7, true, trailers(5, "no such greeting"))
                .headers(9, true, H2.Block.of().indexed(8).literalIndexedName(31, "application/grpc")
                        .literal("grpc-status", "12").build())
                .build();
        return new Object[] {c1, s1, c2, s2};
    }

    /** The HTTP2-Settings curl 7.88 sends with {@code Upgrade: h2c}: MAX_CONCURRENT_STREAMS 100, INITIAL_WINDOW_SIZE 10 MiB, ENABLE_PUSH 0. */
    static final String CURL_HTTP2_SETTINGS = "AAMAAABkAAQAoAAAAAIAAAAA";

    /**
     * After {@code Upgrade: h2c} and a 101 (RFC 7540 §3.2), as Jetty answers curl: the server's SETTINGS and its
     * response on stream 1 (the upgraded request's) without a preface; then the client's preface, SETTINGS, a second
     * request on stream 3, and its answer. Segments: server, client, server.
     */
    static Object[] upgraded() {
        byte[] s1 = H2.bytes().settings(0x3, 128, 0x4, 65535).windowUpdate(0, 1 << 20)
                .headers(1, false, H2.Block.of().indexed(8).add("server", "Jetty(12.1.10)").build())
                .data(1, true, "<html>ok</html>".getBytes()).build();
        byte[] c1 = H2.bytes().preface().settings(0x3, 100, 0x4, 10485760, 0x2, 0).settingsAck()
                .headers(3, true, H2.Block.of().indexed(2).indexed(6).literalIndexedName(4, "/missing")
                        .literalIndexedName(1, "127.0.0.1:8080").build())
                .build();
        byte[] s2 = H2.bytes().settingsAck().headers(3, true, H2.Block.of().indexed(13).indexed(62).build()).build();
        return new Object[] {s1, c1, s2};
    }

    /** Segments alternating client, server, client, server. */
    static List<Object[]> segments(Object[] parts) {
        List<Object[]> out = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            out.add(new Object[] {i % 2 == 0 ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT, parts[i]});
        }
        return out;
    }
}
