package io.flowscope.bench;

import io.flowscope.api.MessageSink;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.plugins.http2.GrpcParserFactory;
import io.flowscope.plugins.http2.Http2ParserFactory;
import io.flowscope.plugins.kafka.KafkaParserFactory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The multiplexed protocols' parsers over their golden captures held in memory ({@link GoldenCapture}: the live
 * recordings of the platform's tests against real peers). One operation replays the whole capture: MB/s =
 * capture bytes / time per operation (printed at setup with the messages per operation, for -prof gc's bytes per
 * message). The baseline reads every byte once.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MultiplexedParserBenchmark {

    /** The golden capture: kafka (a KRaft broker and kafka-clients), http2 (nginx and curl, h2c), grpc (gRPC-java). */
    @Param({"kafka", "http2", "grpc"})
    public String capture;

    private GoldenCapture golden;
    private ProtocolParserFactory factory;
    private ParserContext context;

    @Setup
    public void setup(Blackhole bh) throws Exception {
        golden = GoldenCapture.load(capture);
        factory = switch (capture) {
            case "kafka" -> new KafkaParserFactory();
            case "http2" -> new Http2ParserFactory();
            case "grpc" -> new GrpcParserFactory();
            default -> throw new IllegalArgumentException("no parser for capture " + capture);
        };
        long[] count = new long[1];
        golden.replay(factory, golden.context(m -> count[0]++));
        MessageSink sink = bh::consume;
        context = golden.context(sink);
        System.out.printf("%n%s.pcap in memory: %d connections, %d payload bytes, %d messages per operation%n",
                capture, golden.connections, golden.bytes, count[0]);
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
