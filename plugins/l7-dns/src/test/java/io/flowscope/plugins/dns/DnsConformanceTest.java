package io.flowscope.plugins.dns;

import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.testkit.ParserConformanceKit;
import io.flowscope.api.testkit.RecordedSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * DNS over UDP against the conformance kit, as datagrams: sessions cut from the dnsmasq/dig capture
 * ({@code dig-udp-*}, one UDP flow each) and written ones ({@code written-*}: queries in flight answered out of
 * order, the record types dig asks for, EDNS, TC, FORMERR), all in {@code src/test/resources/sessions/udp}.
 */
class DnsConformanceTest extends ParserConformanceKit {

    @Override
    protected ProtocolParserFactory factory() {
        return new DnsParserFactory();
    }

    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.of(Capability.DATAGRAM, Capability.MULTIPLEXED);
    }

    /** A query's header and the start of its question, cut. */
    @Override
    protected byte[] unterminatedMessagePrefix() {
        return new byte[] {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 'e', 'x'};
    }

    @Override
    protected List<RecordedSession> sessions() {
        return recorded("udp");
    }

    /** Read from the source tree, so that {@code -Dflowscope.kit.regenerate=true} rewrites the files themselves. */
    static List<RecordedSession> recorded(String transport) {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/sessions", transport))) {
            return files.filter(p -> p.toString().endsWith(".session")).sorted().map(RecordedSession::load).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
