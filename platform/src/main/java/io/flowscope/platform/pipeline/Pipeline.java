package io.flowscope.platform.pipeline;

import io.flowscope.platform.budget.ByteBudget;
import io.flowscope.platform.capture.FrameSink;
import io.flowscope.platform.ebpf.ProcessEvent;
import io.flowscope.platform.flow.FlowGenerator;
import io.flowscope.platform.l7.L7Pipeline;
import io.flowscope.platform.l7.ProtocolHandle;
import io.flowscope.platform.metrics.PipelineCounters;
import io.flowscope.platform.metrics.network.NetworkMetrics;
import io.flowscope.platform.packet.IpFragments;
import io.flowscope.platform.store.RowWriter;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One pipeline, from sources to the store, owned by the host. Two entry points: {@link #frames()} for
 * captured frames (capture files, AF_PACKET rings) into decoder → FlowGenerator → L7, and
 * {@link #sockets()} for ordered payload chunks of traced sockets (eBPF) straight into L7. Both end in
 * the same L7 stage and the same writer, so a request looks the same whichever way it was seen.
 *
 * <p>Single-threaded: every entry point, {@link #tick()} and {@link #finish()} are called on the one
 * thread that drives it (a capture file's reader, a ring's poller). A source that waits for input calls
 * {@link #tick()} at least every 100 ms: that is what commits rows by age (at most
 * {@link PipelineSettings#commitAgeMillis()} after they were made), publishes live counters about once a
 * second and, for a live source, moves flow time with the wall clock so that quiet flows still expire and
 * long ones are reported every minute.
 */
public final class Pipeline implements AutoCloseable {

    private static final long TICK_NANOS = 100_000_000L;
    private static final long PUBLISH_NANOS = 1_000_000_000L;

    private final PipelineSettings settings;
    private final PipelineCounters counters = new PipelineCounters();
    private final RowWriter writer;
    private final L7Pipeline l7;
    private final FlowGenerator flows;
    private final NetworkMetrics network;
    private final FrameInput frames;
    private final IpFragments fragments;
    private final SocketConnections sockets;
    private final Consumer<PipelineCounters> live;
    private PipelineCounters published = new PipelineCounters();
    private long lastTick = System.nanoTime();
    private long lastPublish = lastTick;
    private long foldedHoleTimeouts;
    private long foldedTableFull;
    private long foldedReassemblyEvictions;
    private long foldedFragmentEvictions;
    private long foldedFragmentTimeouts;
    private long foldedFragmentOverlaps;
    private long foldedNetworkOverCap;
    private long foldedNetworkLate;
    private boolean finished;

    /**
     * @param source  the name of what feeds it, for logs
     * @param live    told what was counted, about once a second while running and the rest at the end
     *                (the server's metrics); may be null
     */
    public Pipeline(PipelineSettings settings, List<ProtocolHandle> protocols, Set<Integer> serverPorts,
                    RowWriter writer, LongSupplier ids, String source, Consumer<PipelineCounters> live) {
        this.settings = settings;
        this.writer = writer;
        this.live = live;
        this.l7 = new L7Pipeline(protocols, writer, counters, new L7Pipeline.Budgets(
                new ByteBudget(settings.detectionBudget()), new ByteBudget(settings.pairingBudget()),
                new ByteBudget(settings.parserStateBudget())));
        this.network = new NetworkMetrics(writer, settings.maxMetricRows());
        this.flows = new FlowGenerator(new PacketFlows(l7, writer, counters, network), ids, serverPorts,
                settings.maxFlows(), new ByteBudget(settings.reassemblyBudget()), settings.flowTimeouts());
        this.fragments = new IpFragments(settings.fragmentBudget(), settings.fragmentTimeoutMicros());
        this.frames = new FrameInput(flows, network, fragments, counters, source, this::maybeTick);
        this.sockets = new SocketConnections(l7, ids, counters, settings.socketIdleMicros());
    }

    /** Entry point for captured frames. */
    public FrameSink frames() {
        return frames;
    }

    /** Entry point for payload seen at sockets. */
    public SocketInput sockets() {
        return sockets;
    }

    /** What was counted so far (complete after {@link #close()}). */
    public PipelineCounters counters() {
        return counters;
    }

    /** Frames that could not be decoded since the start (read on the pipeline's thread). */
    public long undecodableFrames() {
        return frames.undecodable();
    }

    /** The flow generator's bounds and figures (flows held, reassembly budget). */
    public FlowGenerator flows() {
        return flows;
    }

    /** The per-second and per-minute network metrics (flow_metrics.network, network_map). */
    public NetworkMetrics network() {
        return network;
    }

    /** The IP fragments held for reassembly, with their budget and counts. */
    public IpFragments fragments() {
        return fragments;
    }

    /** The L7 stage's budgets and open sessions. */
    public L7Pipeline l7() {
        return l7;
    }

    /** A process event of the traced host, stored beside the flows it explains (event.proc_event). */
    public void processEvent(ProcessEvent event) {
        writer.processEvent(event);
    }

    private void maybeTick() {
        if (System.nanoTime() - lastTick >= TICK_NANOS) {
            tick();
        }
    }

    /** Commits what is old enough, publishes counters, and for a live source moves flow time to now. */
    public void tick() {
        long now = System.nanoTime();
        lastTick = now;
        if (settings.liveClock()) {
            long wall = System.currentTimeMillis() * 1000;
            // the second behind the wall clock closes first, so flows the wall clock ends count in the next one
            network.advanceTo(wall - NetworkMetrics.LIVE_DELAY_MICROS);
            flows.advanceTo(wall);
            sockets.advanceTo(wall);
        }
        writer.commitOlderThan(settings.commitAgeMillis() * 1_000_000L);
        if (live != null && now - lastPublish >= PUBLISH_NANOS) {
            lastPublish = now;
            publish();
        }
    }

    private void publish() {
        fold();
        PipelineCounters current = counters.copy();
        live.accept(current.minus(published));
        published = current;
    }

    /** Moves what the stages count on their own into the counters (as deltas since the last time). */
    private void fold() {
        frames.foldErrors();
        long h = flows.holeTimeouts();
        counters.error("tcp_hole_timeouts", h - foldedHoleTimeouts);
        foldedHoleTimeouts = h;
        long t = flows.evictions();
        counters.error("flow_table_evictions", t - foldedTableFull);
        foldedTableFull = t;
        long e = flows.reassemblyBudget().evictions();
        counters.error("reassembly_budget_evictions", e - foldedReassemblyEvictions);
        foldedReassemblyEvictions = e;
        counters.reassemblyPeakBytes = flows.reassemblyBudget().peak();
        long fe = fragments.budget().evictions();
        counters.error("fragment_budget_evictions", fe - foldedFragmentEvictions);
        foldedFragmentEvictions = fe;
        long ft = fragments.timeouts();
        counters.error("fragment_timeouts", ft - foldedFragmentTimeouts);
        foldedFragmentTimeouts = ft;
        long fo = fragments.overlaps();
        counters.error("fragment_overlaps", fo - foldedFragmentOverlaps);
        foldedFragmentOverlaps = fo;
        counters.fragmentPeakBytes = fragments.budget().peak();
        long no = network.overCap();
        counters.error("network_metrics_over_cap", no - foldedNetworkOverCap);
        foldedNetworkOverCap = no;
        long nl = network.latePackets();
        counters.error("network_metrics_late_packets", nl - foldedNetworkLate);
        foldedNetworkLate = nl;
    }

    /** End of input: every flow and connection still open is reported as such. */
    public void finish() {
        if (!finished) {
            finished = true;
            flows.finish();
            network.finish();
            sockets.finish();
        }
    }

    /** Finishes, commits everything and publishes the rest of the counters. Throws when the store could not be written. */
    @Override
    public void close() {
        try {
            finish();
        } finally {
            writer.close();
        }
        fold();
        counters.writeBatches = writer.batches();
        if (live != null) {
            live.accept(counters.copy().minus(published));
        }
    }
}
