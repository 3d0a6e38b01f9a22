package io.flowscope.bench;

import io.flowscope.platform.flow.Flow;
import io.flowscope.platform.flow.FlowGenerator;
import io.flowscope.platform.flow.FlowListener;
import io.flowscope.platform.metrics.network.FlowMeter;
import io.flowscope.platform.metrics.network.NetworkMapRow;
import io.flowscope.platform.metrics.network.NetworkMetrics;
import io.flowscope.platform.metrics.network.NetworkRow;
import io.flowscope.platform.metrics.network.NetworkSink;
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
    private FlowGenerator metered;
    private NetworkMetrics network;

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
        network = new NetworkMetrics(new NetworkSink() {
            @Override
            public void networkMap(NetworkMapRow row) {
            }

            @Override
            public void network(NetworkRow row) {
            }
        }, NetworkMetrics.DEFAULT_MAX_ROWS);
        // what the pipeline's PacketFlows does for the metrics: a meter per flow, told of each counted packet
        metered = new FlowGenerator(new FlowListener() {
            @Override
            public void payload(Flow flow, int side, ByteBuffer b, int off, int len, long ts) {
            }

            @Override
            public void gap(Flow flow, int side, long lost) {
            }

            @Override
            public void packetCounted(Flow flow, int side, long ts) {
                if (flow.attachment == null) {
                    flow.attachment = network.open(flow);
                }
                network.packet((FlowMeter) flow.attachment);
            }

            @Override
            public void flowEnded(Flow flow) {
                network.ended((FlowMeter) flow.attachment);
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

    /**
     * The same, spread over 3.3 s of packet time (100 µs apart), with the per-second network metrics: each flow's
     * meter, the clock moved before each packet, and the folds of 4096 flows into their rows at each of the
     * 3 second boundaries (rows handed to a sink that drops them). {@link #decodeAndFlowTableSpread} is its baseline.
     */
    @Benchmark
    @OperationsPerInvocation(Frames.COUNT)
    public void decodeFlowTableAndNetworkMetrics() {
        for (int i = 0; i < offsets.length; i++) {
            long ts = 1_000_000L + i * 100L;
            decoder.decode(buffer, offsets[i], lengths[i], lengths[i], ts, 1, 0, packet);
            network.packetTime(ts);
            metered.packet(packet);
        }
        network.finish();
    }

    /** The baseline of the metrics: the same packet times, no metrics. */
    @Benchmark
    @OperationsPerInvocation(Frames.COUNT)
    public void decodeAndFlowTableSpread() {
        for (int i = 0; i < offsets.length; i++) {
            decoder.decode(buffer, offsets[i], lengths[i], lengths[i], 1_000_000L + i * 100L, 1, 0, packet);
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
