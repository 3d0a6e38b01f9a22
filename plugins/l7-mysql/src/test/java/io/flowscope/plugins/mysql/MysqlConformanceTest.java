package io.flowscope.plugins.mysql;

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
 * The conformance kit over sessions recorded from MariaDB 10.11 and its clients (the mariadb command line with and
 * without compression, mariadb-admin, mariadb-slap, Connector/J with server-side prepared statements), cut from the
 * golden capture with tools/pcap_to_session.py, and a few written from the protocol's documents (TLS).
 */
class MysqlConformanceTest extends ParserConformanceKit {

    @Override
    protected ProtocolParserFactory factory() {
        return new MysqlParserFactory();
    }

    /** A COM_QUERY whose packet says 16 MiB and continues: its statement never ends. */
    @Override
    protected byte[] unterminatedMessagePrefix() {
        return new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 3, 'S', 'E', 'L', 'E', 'C', 'T', ' '};
    }

    @Override
    protected List<RecordedSession> sessions() {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/sessions"))) {
            return files.filter(p -> p.toString().endsWith(".session")).sorted().map(RecordedSession::load).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
