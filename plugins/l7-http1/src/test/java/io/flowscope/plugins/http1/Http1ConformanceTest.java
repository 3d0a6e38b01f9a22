package io.flowscope.plugins.http1;

import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.testkit.ParserConformanceKit;
import io.flowscope.api.testkit.RecordedSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * HTTP/1 against the conformance kit: sessions written here for each rule of RFC 9112 the parser
 * follows, and sessions cut from captures of nginx and curl ({@code src/test/resources/sessions}).
 */
class Http1ConformanceTest extends ParserConformanceKit {

    @Override
    protected ProtocolParserFactory factory() {
        return new Http1ParserFactory();
    }

    @Override
    protected byte[] unterminatedMessagePrefix() {
        return "GET /".getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    protected List<RecordedSession> sessions() {
        List<RecordedSession> all = new ArrayList<>(written());
        all.addAll(recorded());
        return all;
    }

    static List<RecordedSession> written() {
        return List.of(
                RecordedSession.named("keep-alive content-length")
                        .client("GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n")
                        .server("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
                        .client("POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc")
                        .server("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                        .expect("REQUEST GET /a?x=1 UNKNOWN bytes=32")
                        .expect("RESPONSE 200 OK bytes=43")
                        .expect("REQUEST POST /b UNKNOWN bytes=51")
                        .expect("RESPONSE 404 CLIENT_ERROR bytes=45")
                        .build(),
                RecordedSession.named("pipelined")
                        .client("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nHEAD /2 HTTP/1.1\r\nHost: h\r\n\r\nGET /3 HTTP/1.1\r\nHost: h\r\n\r\n")
                        .server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"
                                + "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 1\r\n\r\nx")
                        .expect("REQUEST GET /1 UNKNOWN bytes=28")
                        .expect("REQUEST HEAD /2 UNKNOWN bytes=29")
                        .expect("REQUEST GET /3 UNKNOWN bytes=28")
                        .expect("RESPONSE 200 OK bytes=40")
                        .expect("RESPONSE 200 OK bytes=39")
                        .expect("RESPONSE 500 SERVER_ERROR bytes=58")
                        .build(),
                RecordedSession.named("chunked with trailer")
                        .client("POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\n")
                        .server("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n")
                        .expect("REQUEST POST /up UNKNOWN bytes=88")
                        .expect("RESPONSE 201 OK bytes=73")
                        .build(),
                RecordedSession.named("expect 100-continue")
                        .client("PUT /f HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
                        .server("HTTP/1.1 100 Continue\r\n\r\n")
                        .client("data")
                        .server("HTTP/1.1 204 No Content\r\n\r\n")
                        .expect("REQUEST PUT /f UNKNOWN bytes=73")
                        .expect("RESPONSE 204 OK bytes=27")
                        .build(),
                RecordedSession.named("304 has no body, response ends at close")
                        .client("GET /c HTTP/1.1\r\nHost: h\r\n\r\nGET /d HTTP/1.0\r\n\r\n")
                        .server("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\nHTTP/1.0 200 OK\r\n\r\nuntil the end")
                        .expect("REQUEST GET /c UNKNOWN bytes=28")
                        .expect("REQUEST GET /d UNKNOWN bytes=19")
                        .expect("RESPONSE 304 OK bytes=49")
                        .expect("RESPONSE 200 OK bytes=32")
                        .build(),
                RecordedSession.named("upgrade stops parsing")
                        .client("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u0081\u0002hi")
                        .server("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u0081\u0002ok")
                        .expect("REQUEST GET /ws UNKNOWN bytes=70")
                        .expect("RESPONSE 101 OK bytes=56")
                        .build());
    }

    static List<RecordedSession> recorded() {
        try {
            Path dir = Path.of(Http1ConformanceTest.class.getResource("/sessions").toURI());
            try (Stream<Path> files = Files.list(dir)) {
                return files.filter(p -> p.toString().endsWith(".session")).sorted().map(RecordedSession::load).toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
