package io.flowscope.bench;

import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.plugins.postgresql.PostgresqlParserFactory;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * PostgreSQL parsing of the golden capture's traffic ({@code platform/src/test/resources/captures/postgresql-15.pcap}:
 * psql, pgbench in its three modes, the JDBC driver), its TCP payloads held in memory in capture order, every
 * connection fed to a new parser as the host would. One operation is the whole capture; MB/s is
 * {@code bytes / (time per operation)}, and {@code -prof gc}'s {@code gc.alloc.rate.norm} divided by the
 * messages per operation (both printed at setup) gives the bytes allocated per message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PostgresqlParserBenchmark {

    private GoldenCapture golden;
    private final ProtocolParserFactory factory = new PostgresqlParserFactory();
    private ParserContext context;

    @Setup
    public void setup(Blackhole bh) throws IOException {
        golden = GoldenCapture.load("postgresql-15");
        long[] count = new long[1];
        golden.replay(factory, golden.context(m -> count[0]++));
        MessageSink sink = bh::consume;
        context = golden.context(sink);
        System.out.printf("%npostgresql-15.pcap: %d connections, %d bytes, %d messages per operation%n",
                golden.connections, golden.bytes, count[0]);
    }

    @Benchmark
    public void parseGoldenCapture() {
        golden.replay(factory, context);
    }
}
