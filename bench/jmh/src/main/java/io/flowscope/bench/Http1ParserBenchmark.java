package io.flowscope.bench;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.Direction;
import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.Transport;
import io.flowscope.plugins.http1.Http1ParserFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * HTTP/1 parsing of a keep-alive exchange as curl and nginx write it (a 170-byte request with a few headers,
 * a response with a 148-byte head and a 612-byte body: 930 bytes a pair), whole and split at 37 bytes. The
 * baseline scans the same bytes for LFs one {@code ByteBuffer.get} at a time, the least a byte-wise HTTP/1
 * parser must do.
 *
 * <p>Read the results in two modes: {@code avgt} is µs per request/response pair (the primary score; with
 * {@code -prof gc}, {@code gc.alloc.rate.norm} is bytes allocated per pair), {@code thrpt}'s secondary score
 * {@code bytes} is bytes of request and response parsed per µs, that is MB/s (10^6 bytes/s). The buffers are
 * read-only views as the host hands them: of a heap array (the host's replays) or of direct memory (the
 * capture ring), chosen by {@code buffer}. Nothing in the loop allocates but the parser.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Http1ParserBenchmark {

    static final int PAIRS = 100;
    static final int SPLIT = 37;

    static final String REQUEST = "GET /api/v1/items?page=2 HTTP/1.1\r\nHost: shop.example:8080\r\nUser-Agent: curl/7.88.1\r\n"
            + "Accept: */*\r\ntraceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n\r\n";
    static final String RESPONSE = "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Wed, 25 Nov 2026 13:40:55 GMT\r\n"
            + "Content-Type: text/html\r\nContent-Length: 612\r\nConnection: keep-alive\r\n\r\n" + "x".repeat(612);

    /** Where the bytes live: a heap array or direct memory, either way behind a read-only view. */
    @Param({"heap", "direct"})
    public String buffer;

    private ByteBuffer request;
    private ByteBuffer response;
    private int pairBytes;
    private ProtocolParser parser;
    private Blackhole sinkHole;

    /** Bytes handed to the parser (or scanned by the baseline): in {@code thrpt} mode, per µs = MB/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Parsed {
        public long bytes;

        @Setup(Level.Iteration)
        public void clear() {
            bytes = 0;
        }
    }

    @Setup
    public void setup(Blackhole bh) throws Exception {
        sinkHole = bh;
        request = view(REQUEST);
        response = view(RESPONSE);
        pairBytes = request.remaining() + response.remaining();
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

    private ByteBuffer view(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer backing = "direct".equals(buffer) ? ByteBuffer.allocateDirect(b.length).put(b).flip() : ByteBuffer.wrap(b);
        return backing.asReadOnlyBuffer();
    }

    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public void baselineScanForLineEnds(Blackhole bh, Parsed parsed) {
        int n = 0;
        for (int k = 0; k < PAIRS; k++) {
            n += count(request) + count(response);
        }
        parsed.bytes += (long) PAIRS * pairBytes;
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
    public void parseWholeSegments(Parsed parsed) {
        for (int k = 0; k < PAIRS; k++) {
            feed(Direction.CLIENT_TO_SERVER, request, k, Integer.MAX_VALUE);
            feed(Direction.SERVER_TO_CLIENT, response, k, Integer.MAX_VALUE);
        }
        parsed.bytes += (long) PAIRS * pairBytes;
    }

    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public void parseSplitEvery37Bytes(Parsed parsed) {
        for (int k = 0; k < PAIRS; k++) {
            feed(Direction.CLIENT_TO_SERVER, request, k, SPLIT);
            feed(Direction.SERVER_TO_CLIENT, response, k, SPLIT);
        }
        parsed.bytes += (long) PAIRS * pairBytes;
    }

    /** Hands {@code whole} over in chunks of {@code chunk} bytes, re-pointing the one view (as the host does). */
    private void feed(Direction d, ByteBuffer whole, long ts, int chunk) {
        int end = whole.capacity();
        for (int p = 0; p < end; p += chunk) {
            whole.limit((int) Math.min(end, (long) p + chunk)).position(p);
            parser.onData(d, whole, ts);
        }
        whole.clear();
    }
}
