package io.flowscope.plugins.http2;

import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.testkit.ParserConformanceKit;
import io.flowscope.api.testkit.RecordedSession;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** gRPC against the conformance kit: calls written with the test encoder (a gRPC-java peer is still to be recorded). */
class GrpcConformanceTest extends ParserConformanceKit {

    @Override
    protected ProtocolParserFactory factory() {
        return new GrpcParserFactory();
    }

    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.of(Capability.STREAM, Capability.MULTIPLEXED);
    }

    @Override
    protected byte[] unterminatedMessagePrefix() {
        return new Http2ConformanceTest().unterminatedMessagePrefix();
    }

    @Override
    protected List<RecordedSession> sessions() {
        return List.of(Http2ConformanceTest.written("written-grpc-calls", WrittenSessions.grpc(), Expected.GRPC));
    }
}
