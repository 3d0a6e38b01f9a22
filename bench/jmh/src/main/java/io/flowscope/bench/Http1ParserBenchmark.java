package io.flowscope.bench;

import io.flowscope.api.Direction;
import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.Transport;
import io.flowscope.plugins.http1.Http1ParserFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * HTTP/1 parsing of a keep-alive exchange as curl and nginx write it (request with a few headers,
 * response with a 612-byte body), whole and split at 37 bytes; time per request/response pair. The
 * baseline scans the same bytes for CRLFs, the least any HTTP/1 parser must do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Http1ParserBenchmark {

    static final int PAIRS = 100;

    private ByteBuffer request;
    private ByteBuffer response;
    private ProtocolParser parser;
    private Blackhole sinkHole;

    @Setup
    public void setup(Blackhole bh) throws Exception {
        sinkHole = bh;
        request = ByteBuffer.wrap(("GET /api/v1/items?page=2 HTTP/1.1\r\nHost: shop.example:8080\r\nUser-Agent: curl/7.88.1\r\n"
                + "Accept: */*\r\ntraceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
        response = ByteBuffer.wrap(("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Wed, 25 Nov 2026 13:40:55 GMT\r\n"
                + "Content-Type: text/html\r\nContent-Length: 612\r\nConnection: keep-alive\r\n\r\n" + "x".repeat(612))
                .getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
        ConnectionInfo connection = ConnectionInfo.builder(Transport.TCP).client(InetAddress.getByName("10.0.0.1"), 40000)
                .server(InetAddress.getByName("10.0.0.2"), 8080).build();
        MessageSink sink = m -> sinkHole.consume(m);
        parser = new Http1ParserFactory().newParser(new ParserContext() {
            @Override
            public MessageSink sink() {
                return sink;
            }

            @Override
            public ConnectionInfo connection() {
                return connection;
            }
        });
    }

    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public void baselineScanForLineEnds(Blackhole bh) {
        int n = 0;
        for (int k = 0; k < PAIRS; k++) {
            n += count(request) + count(response);
        }
        bh.consume(n);
    }

    private static int count(ByteBuffer b) {
        int n = 0;
        for (int i = b.position(); i < b.limit(); i++) {
            if (b.get(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public void parseWholeSegments() {
        for (int k = 0; k < PAIRS; k++) {
            parser.onData(Direction.CLIENT_TO_SERVER, request.duplicate(), k);
            parser.onData(Direction.SERVER_TO_CLIENT, response.duplicate(), k);
        }
    }

    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public void parseSplitEvery37Bytes() {
        for (int k = 0; k < PAIRS; k++) {
            feedSplit(Direction.CLIENT_TO_SERVER, request, k);
            feedSplit(Direction.SERVER_TO_CLIENT, response, k);
        }
    }

    private void feedSplit(Direction d, ByteBuffer whole, long ts) {
        ByteBuffer b = whole.duplicate();
        int end = b.limit();
        for (int p = 0; p < end; p += 37) {
            b.limit(Math.min(end, p + 37)).position(p);
            parser.onData(d, b, ts);
            b.limit(end);
        }
    }

}
