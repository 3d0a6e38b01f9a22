package io.flowscope.plugins.redis;

import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.testkit.ParserConformanceKit;
import io.flowscope.api.testkit.RecordedSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Redis against the conformance kit: sessions cut from captures of redis-server 7.0 driven by redis-cli,
 * redis-benchmark and raw sockets (RESP2 and RESP3, pipelining, errors, MULTI/EXEC, AUTH, pub/sub, inline
 * commands) and sessions written by hand for what those do not show ({@code written-*}), all in
 * {@code src/test/resources/sessions}.
 */
class RedisConformanceTest extends ParserConformanceKit {

    @Override
    protected ProtocolParserFactory factory() {
        return new RedisParserFactory();
    }

    @Override
    protected byte[] unterminatedMessagePrefix() {
        return "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\n".getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    protected List<RecordedSession> sessions() {
        return recorded();
    }

    /** Read from the source tree, so that {@code -Dflowscope.kit.regenerate=true} rewrites the files themselves. */
    static List<RecordedSession> recorded() {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/sessions"))) {
            return files.filter(p -> p.toString().endsWith(".session")).sorted().map(RecordedSession::load).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
