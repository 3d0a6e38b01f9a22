package io.flowscope.bench;

import io.flowscope.api.ConnectionInfo;
import io.flowscope.api.Detection;
import io.flowscope.api.Direction;
import io.flowscope.api.ParserContext;
import io.flowscope.api.ProtocolDescriptor;
import io.flowscope.api.ProtocolParser;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.api.Transport;
import io.flowscope.platform.capture.CaptureFileReader;
import io.flowscope.platform.ebpf.ProcessEvent;
import io.flowscope.platform.flow.FlowReport;
import io.flowscope.platform.l7.FailurePolicy;
import io.flowscope.platform.l7.L7Record;
import io.flowscope.platform.l7.ProtocolHandle;
import io.flowscope.platform.metrics.network.NetworkMapRow;
import io.flowscope.platform.metrics.network.NetworkRow;
import io.flowscope.platform.pipeline.Pipeline;
import io.flowscope.platform.pipeline.PipelineSettings;
import io.flowscope.platform.store.RowWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole packet path on one thread, over the recorded mixed capture of {@code bench/offline-import.sh}
 * ({@code bench/work/mixed.pcap}: about 2,000,000 packets of nginx, Redis and MariaDB traffic; record it with that
 * script first): the capture reader over the mapped file (in the page cache after the first pass), the decoder, the
 * flow table with its timing wheels, the TCP metrics and reassembly, the network metrics, and the hand-off of ordered
 * payload to an L7 parser that takes every connection and discards what it gets. Rows go to a writer that drops
 * them: the store is not measured here (bench/offline-import.sh measures it).
 *
 * <p>One operation is the whole capture through a new pipeline. Read {@code packets} (a secondary score) as packets
 * per second, and {@code gc.alloc.rate.norm} (with {@code -prof gc}) divided by the packets (printed at setup) as
 * bytes allocated per packet; new flows and their rows allocate, known flows' packets should not.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class WholePacketPathBenchmark {

    /** Packets replayed, per second of the measurement. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Packets {
        public long packets;
    }

    private Path capture;
    private long packetsPerCapture;
    private List<ProtocolHandle> discard;

    @Setup(Level.Trial)
    public void capture() throws Exception {
        capture = Path.of("bench/work/mixed.pcap");
        if (!Files.exists(capture)) {
            capture = Path.of("../work/mixed.pcap");
        }
        if (!Files.exists(capture)) {
            throw new IllegalStateException("no bench/work/mixed.pcap: record it with bench/offline-import.sh --record");
        }
        ProtocolParserFactory f = new Discarding();
        discard = List.of(new ProtocolHandle("discard", f, f.descriptor(), (a, b, c, d, e) -> { }, FailurePolicy.DEFAULT));
        packetsPerCapture = replay();
        System.out.println("\nwhole packet path: " + packetsPerCapture + " packets per operation");
    }

    @Benchmark
    public long wholeCapture(Packets counts) throws Exception {
        long n = replay();
        counts.packets += n;
        return n;
    }

    /**
     * Steady state: {@link Frames}' 4,096 connections, known to a pipeline kept open for the trial, send their
     * segments again and again (each op 32,768 packets, 1 µs apart; each segment's sequence number moved on by what
     * its direction sent in the op before, so every packet is new in-order data handed to the discarding parser).
     * With {@code -prof gc}, {@code gc.alloc.rate.norm} / 32,768 is the bytes allocated per packet of known flows:
     * what is left is the per-second network-metric rows of the 4,096 edges (a second every ~30 ops).
     */
    @Benchmark
    @OperationsPerInvocation(Frames.COUNT)
    public void knownFlows(KnownFlows k) {
        k.replay();
    }

    @State(Scope.Thread)
    public static class KnownFlows {
        private Frames frames;
        private Pipeline pipeline;
        private io.flowscope.platform.capture.FrameSink sink;
        private long ts = 1_700_000_000_000_000L;

        @Setup(Level.Trial)
        public void open() throws Exception {
            frames = Frames.build();
            ProtocolParserFactory f = new Discarding();
            pipeline = new Pipeline(PipelineSettings.forFiles(), List.of(new ProtocolHandle("discard", f, f.descriptor(),
                    (a, b, c, d, e) -> { }, FailurePolicy.DEFAULT)), Set.of(80), new Dropping(),
                    new AtomicLong()::incrementAndGet, "bench", null);
            sink = pipeline.frames();
            replay(); // the flows are known from here on
        }

        /** Each direction of each flow sent {@code PER_FLOW / 2} segments: its next ones start that much further. */
        @Setup(Level.Invocation)
        public void moveSequenceNumbers() {
            int step = Frames.PER_FLOW / 2 * Frames.PAYLOAD;
            for (int o : frames.offsets) {
                frames.buffer.putInt(o + 14 + 20 + 4, frames.buffer.getInt(o + 14 + 20 + 4) + step);
            }
        }

        void replay() {
            int[] offsets = frames.offsets;
            int[] lengths = frames.lengths;
            for (int i = 0; i < offsets.length; i++) {
                sink.frame(frames.buffer, offsets[i], lengths[i], lengths[i], ts++, 1, 0);
            }
        }

        @org.openjdk.jmh.annotations.TearDown(Level.Trial)
        public void close() throws Exception {
            pipeline.close();
        }
    }

    private long replay() throws Exception {
        try (Pipeline p = new Pipeline(PipelineSettings.forFiles(), discard, Set.of(80, 6379, 3306), new Dropping(),
                new AtomicLong()::incrementAndGet, "bench", null)) {
            long n = CaptureFileReader.read(capture, p.frames(), null);
            p.finish();
            return n;
        }
    }

    /** Takes every TCP connection and drops its bytes: the hand-off is measured, no protocol's parsing. */
    static final class Discarding implements ProtocolParserFactory {
        private final ProtocolDescriptor descriptor = ProtocolDescriptor.builder("discard").transport(Transport.TCP).build();

        @Override
        public ProtocolDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public Detection detect(ByteBuffer firstBytes, Direction direction, ConnectionInfo connection) {
            return Detection.MATCH;
        }

        @Override
        public ProtocolParser newParser(ParserContext context) {
            return new ProtocolParser() {
                @Override
                public void onData(Direction direction, ByteBuffer data, long timestampMicros) {
                }

                @Override
                public void onGap(Direction direction, long lostBytes) {
                }

                @Override
                public void onClose() {
                }

                @Override
                public long retainedBytes() {
                    return 0;
                }
            };
        }
    }

    /** A writer that keeps nothing. */
    static final class Dropping implements RowWriter {
        @Override
        public void flow(FlowReport report) {
        }

        @Override
        public void l7(L7Record record) {
        }

        @Override
        public void networkMap(NetworkMapRow row) {
        }

        @Override
        public void network(NetworkRow row) {
        }

        @Override
        public void processEvent(ProcessEvent event) {
        }

        @Override
        public void commitOlderThan(long ageNanos) {
        }

        @Override
        public long batches() {
            return 0;
        }

        @Override
        public void close() {
        }
    }
}
