package io.flowscope.bench;

import io.flowscope.platform.flow.Flow;
import io.flowscope.platform.flow.FlowGenerator;
import io.flowscope.platform.flow.FlowListener;
import io.flowscope.platform.packet.MetaPacket;
import io.flowscope.platform.packet.PacketDecoder;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The per-packet path: decode a frame into the reused MetaPacket, then find or create its flow and
 * account for it. Frames are TCP segments of {@link Frames#FLOWS} connections with 100-byte payloads,
 * laid out in one direct buffer as the capture reader hands them. The baseline reads the same header
 * bytes without decoding: the ratio of the two is what decoding and the flow table cost per packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PacketPathBenchmark {

    private ByteBuffer buffer;
    private int[] offsets;
    private int[] lengths;
    private Frames vxlan;
    private final PacketDecoder decoder = new PacketDecoder();
    private final MetaPacket packet = new MetaPacket();
    private FlowGenerator flows;

    @Setup(Level.Trial)
    public void frames() {
        Frames f = Frames.build();
        buffer = f.buffer;
        offsets = f.offsets;
        lengths = f.lengths;
        vxlan = Frames.build(true);
    }

    /** A fresh table per invocation: each one creates its 4096 flows and then finds them 7 more times. */
    @Setup(Level.Invocation)
    public void table() {
        AtomicLong ids = new AtomicLong();
        flows = new FlowGenerator(new FlowListener() {
            @Override
            public void payload(Flow flow, int side, ByteBuffer b, int off, int len, long ts) {
            }

            @Override
            public void gap(Flow flow, int side, long lost) {
            }

            @Override
            public void flowEnded(Flow flow) {
            }
        }, ids::getAndIncrement, Set.of(80), 1 << 20);
    }

    @Benchmark
    @OperationsPerInvocation(Frames.COUNT)
    public void baselineTouchHeaders(Blackhole bh) {
        long x = 0;
        for (int i = 0; i < offsets.length; i++) {
            int o = offsets[i];
            x += buffer.getLong(o + 26) ^ buffer.getInt(o + 34) ^ buffer.getInt(o + 38);
        }
        bh.consume(x);
    }

    @Benchmark
    @OperationsPerInvocation(Frames.COUNT)
    public void decodeOnly(Blackhole bh) {
        for (int i = 0; i < offsets.length; i++) {
            bh.consume(decoder.decode(buffer, offsets[i], lengths[i], lengths[i], i, 1, 0, packet));
        }
    }

    @Benchmark
    @OperationsPerInvocation(Frames.COUNT)
    public void decodeAndFlowTable() {
        for (int i = 0; i < offsets.length; i++) {
            packet.tsMicros = 0;
            decoder.decode(buffer, offsets[i], lengths[i], lengths[i], 1_000_000L + i, 1, 0, packet);
            flows.packet(packet);
        }
    }

    /** The same segments, each in a VXLAN tunnel: what taking the tunnel off adds to decoding. */
    @Benchmark
    @OperationsPerInvocation(Frames.COUNT)
    public void decodeVxlan(Blackhole bh) {
        for (int i = 0; i < vxlan.offsets.length; i++) {
            bh.consume(decoder.decode(vxlan.buffer, vxlan.offsets[i], vxlan.lengths[i], vxlan.lengths[i], i, 1, 0, packet));
        }
    }

    /** Tunnelled segments through the flow table (flows keyed by their inner 5-tuple and the VNI). */
    @Benchmark
    @OperationsPerInvocation(Frames.COUNT)
    public void decodeVxlanAndFlowTable() {
        for (int i = 0; i < vxlan.offsets.length; i++) {
            decoder.decode(vxlan.buffer, vxlan.offsets[i], vxlan.lengths[i], vxlan.lengths[i], 1_000_000L + i, 1, 0, packet);
            flows.packet(packet);
        }
    }
}
