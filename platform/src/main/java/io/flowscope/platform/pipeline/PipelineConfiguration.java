package io.flowscope.platform.pipeline;

import io.flowscope.platform.flow.FlowTimeouts;
import io.flowscope.platform.metrics.FlowscopeMetrics;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.Store;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The server's pipelines: counting into its metrics, with the flow table its settings give (docs/data-model.md, "Timeouts"). */
@Configuration(proxyBeanMethods = false)
class PipelineConfiguration {

    @Bean
    Pipelines pipelines(PluginHost plugins, Store store, FlowscopeMetrics metrics,
                        @Value("${flowscope.flow.max-flows:" + PipelineSettings.DEFAULT_MAX_FLOWS + "}") int maxFlows,
                        @Value("${flowscope.flow.timeout.opening:5s}") Duration opening,
                        @Value("${flowscope.flow.timeout.established:300s}") Duration established,
                        @Value("${flowscope.flow.timeout.closing:35s}") Duration closing,
                        @Value("${flowscope.flow.timeout.closed:2s}") Duration closed,
                        @Value("${flowscope.flow.timeout.other:30s}") Duration other) {
        FlowTimeouts timeouts = new FlowTimeouts(micros(opening), micros(established), micros(closing), micros(closed),
                micros(other));
        return new Pipelines(plugins, store, metrics::record, maxFlows, timeouts);
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1000;
    }
}
