package io.flowscope.bench;

import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.plugins.redis.RedisParserFactory;
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
 * Redis parsing of the golden capture's traffic held in memory ({@code platform/src/test/resources/captures/redis.pcap}:
 * redis-benchmark's 20,000 pipelined SET and GET, redis-cli's script with its 170 KB COMMAND DOCS reply, pub/sub,
 * RESP3), each TCP payload fed as captured, a new parser per connection. One operation is the whole capture:
 * MB/s = {@link #BYTES} / time; messages per operation in {@link #MESSAGES} (for -prof gc's bytes per message).
 * The baseline reads every byte once, the least a parser must do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RedisParserBenchmark {

    private GoldenCapture golden;
    private final RedisParserFactory factory = new RedisParserFactory();
    private ParserContext context;

    @Setup
    public void setup(Blackhole bh) throws Exception {
        golden = GoldenCapture.load("redis");
        long[] count = new long[1];
        golden.replay(factory, golden.context(m -> count[0]++));
        MessageSink sink = bh::consume;
        context = golden.context(sink);
        System.out.printf("%nredis.pcap in memory: %d connections, %d payload bytes, %d messages per operation%n",
                golden.connections, golden.bytes, count[0]);
    }

    @Benchmark
    public long baselineReadEveryByte() {
        return golden.readEveryByte();
    }

    @Benchmark
    public void parseGoldenCapture() {
        golden.replay(factory, context);
    }
}
