package io.flowscope.platform.pipeline;

import io.flowscope.platform.flow.FlowTimeouts;
import io.flowscope.platform.metrics.PipelineCounters;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.Store;
import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * Where sources get their pipelines: the host's plugins, its store and its metrics, put together once.
 * A capture file is one short-lived pipeline; a live source (an AF_PACKET reader thread, the eBPF
 * collector's ring reader) opens one when it starts, drives it on its own thread and closes it when it
 * stops. Pipelines share nothing but the store, the plugins and the metrics, so sources never wait on
 * each other.
 */
public final class Pipelines {

    private final PluginHost plugins;
    private final Store store;
    private final Consumer<PipelineCounters> metrics;
    private final int maxFlows;
    private final FlowTimeouts flowTimeouts;

    /** Pipelines with the default flow table. */
    public Pipelines(PluginHost plugins, Store store, Consumer<PipelineCounters> metrics) {
        this(plugins, store, metrics, PipelineSettings.DEFAULT_MAX_FLOWS, FlowTimeouts.DEFAULTS);
    }

    /**
     * @param metrics      told what pipelines count while they run (the server's Micrometer meters); may be null
     * @param maxFlows     flows each pipeline's table holds (the server's {@code flowscope.flow.max-flows})
     * @param flowTimeouts how long a flow may be silent, by state ({@code flowscope.flow.timeout.*})
     */
    public Pipelines(PluginHost plugins, Store store, Consumer<PipelineCounters> metrics, int maxFlows,
                     FlowTimeouts flowTimeouts) {
        if (maxFlows < 1) {
            throw new IllegalArgumentException("the flow table must hold at least one flow, not " + maxFlows);
        }
        this.plugins = plugins;
        this.store = store;
        this.metrics = metrics;
        this.maxFlows = maxFlows;
        this.flowTimeouts = flowTimeouts;
    }

    /** What a live source's pipeline opens with: {@link PipelineSettings#forLive()} with this flow table. */
    public PipelineSettings liveSettings() {
        return PipelineSettings.forLive().withFlowTable(maxFlows, flowTimeouts);
    }

    /** What a capture file's pipeline opens with: {@link PipelineSettings#forFiles()} with this flow table. */
    public PipelineSettings fileSettings() {
        return PipelineSettings.forFiles().withFlowTable(maxFlows, flowTimeouts);
    }

    /** A new pipeline for one source, writing through a writer of its own; close it when the source ends. */
    public Pipeline open(String source, PipelineSettings settings) throws SQLException {
        return open(source, settings, metrics);
    }

    /** The same, with its counters going to {@code live} instead of the host's metrics. */
    public Pipeline open(String source, PipelineSettings settings, Consumer<PipelineCounters> live) throws SQLException {
        return new Pipeline(settings, plugins.protocols(), plugins.serverPortHints(),
                store.newWriter(), store::nextId, source, live);
    }

    /** The plugins the pipelines parse with. */
    public PluginHost plugins() {
        return plugins;
    }
}
