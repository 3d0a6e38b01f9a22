package io.flowscope.plugins.http2;

import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.ProtocolSwitch;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.testkit.ParserConformanceKit;
import io.flowscope.api.testkit.RecordedSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * HTTP/2 against the conformance kit: sessions recorded from nginx 1.22 driven by curl 7.88
 * ({@code src/test/resources/sessions}) and sessions written with the test encoder ({@link WrittenSessions}).
 */
class Http2ConformanceTest extends ParserConformanceKit {

    @Override
    protected ProtocolParserFactory factory() {
        return new Http2ParserFactory();
    }

    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.of(Capability.STREAM, Capability.MULTIPLEXED);
    }

    /** A preface, then a HEADERS frame of 16 KiB without END_HEADERS: the filler is its block, then noise. */
    @Override
    protected byte[] unterminatedMessagePrefix() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(Frames.PREFACE);
        b.writeBytes(new byte[] {0x00, 0x40, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01});
        return b.toByteArray();
    }

    @Override
    protected List<RecordedSession> sessions() {
        List<RecordedSession> all = new ArrayList<>(recorded());
        all.add(written("written-concurrent-streams", WrittenSessions.concurrent(), Expected.CONCURRENT));
        all.add(written("written-resets-goaway", WrittenSessions.resets(), Expected.RESETS));
        all.add(written("written-joined-late", WrittenSessions.joinedLate(), Expected.JOINED_LATE));
        all.add(upgraded());
        return all;
    }

    /** A connection handed over by HTTP/1.1's Upgrade: h2c: stream 1 answers the HTTP/1.1 request the switch carries. */
    static RecordedSession upgraded() {
        Object[] parts = WrittenSessions.upgraded();
        RecordedSession.Builder b = RecordedSession.named("written-after-h2c-upgrade").switchedFrom(
                ProtocolSwitch.to(Http2ParserFactory.PROTOCOL)
                        .request(L7Message.request("http1").operation("GET").resource("/index.html?x=1")
                                .domain("127.0.0.1:8080").version("1.1").time(T0, T0).bytes(181).build())
                        .hint("upgrade", "h2c").hint("http2-settings", WrittenSessions.CURL_HTTP2_SETTINGS).build());
        b.segment(Direction.SERVER_TO_CLIENT, (byte[]) parts[0]);
        b.segment(Direction.CLIENT_TO_SERVER, (byte[]) parts[1]);
        b.segment(Direction.SERVER_TO_CLIENT, (byte[]) parts[2]);
        Expected.UPGRADED.forEach(b::expect);
        return b.build();
    }

    static RecordedSession written(String name, Object[] parts, List<String> expected) {
        RecordedSession.Builder b = RecordedSession.named(name);
        for (Object[] seg : WrittenSessions.segments(parts)) {
            b.segment((Direction) seg[0], (byte[]) seg[1]);
        }
        expected.forEach(b::expect);
        return b.build();
    }

    static List<RecordedSession> recorded() {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/sessions"))) {
            return files.filter(p -> p.toString().endsWith(".session")).sorted().map(RecordedSession::load).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
