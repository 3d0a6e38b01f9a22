package io.flowscope.plugins.http1;

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
 * HTTP/1 against the conformance kit: sessions written by hand for each rule of RFC 9112 the parser
 * follows ({@code written-*}) and sessions cut from captures of nginx and curl, all in
 * {@code src/test/resources/sessions}.
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

    /** Every session is a file: written by hand for a rule ({@code written-*}) or cut from real traffic. */
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
