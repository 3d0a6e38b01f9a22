package io.flowscope.plugins.dns;

import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.testkit.ParserConformanceKit;
import io.flowscope.api.testkit.RecordedSession;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * DNS over TCP against the conformance kit, as a stream (every split point, one byte at a time, truncation, holes
 * and recovery after them): dig's five queries on one connection ({@code +keepopen}) as dnsmasq answered them, and
 * a written session of two queries in one segment answered out of order across odd splits.
 */
class DnsTcpConformanceTest extends ParserConformanceKit {

    @Override
    protected ProtocolParserFactory factory() {
        return new DnsTcpParserFactory();
    }

    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.of(Capability.STREAM, Capability.MULTIPLEXED);
    }

    /** A length that promises 65,535 bytes, and a query's header. */
    @Override
    protected byte[] unterminatedMessagePrefix() {
        return new byte[] {(byte) 0xff, (byte) 0xff, 0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    }

    @Override
    protected List<RecordedSession> sessions() {
        return DnsConformanceTest.recorded("tcp");
    }
}
