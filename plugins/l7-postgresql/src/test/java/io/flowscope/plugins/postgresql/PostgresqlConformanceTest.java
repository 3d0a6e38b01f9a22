package io.flowscope.plugins.postgresql;

import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.testkit.ParserConformanceKit;
import io.flowscope.api.testkit.RecordedSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * PostgreSQL against the conformance kit: sessions cut from captures of PostgreSQL 15 with psql, pgbench and
 * the JDBC driver ({@code pg15-*}, cut with {@code src/test/tools/cut-session.py}), and sessions written by hand
 * for what those clients do not send ({@code written-*}), all in {@code src/test/resources/sessions}.
 */
class PostgresqlConformanceTest extends ParserConformanceKit {

    @Override
    protected ProtocolParserFactory factory() {
        return new PostgresqlParserFactory();
    }

    /** A Query of 1 GiB less a byte: its text is cut at the kept length, the rest skipped. */
    @Override
    protected byte[] unterminatedMessagePrefix() {
        return new byte[] {'Q', 0x3f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'S', 'E', 'L', 'E', 'C', 'T', ' '};
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
