package io.flowscope.platform.pipeline;

import io.flowscope.platform.metrics.FlowscopeMetrics;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.Store;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The server's pipelines: counting into its metrics. */
@Configuration(proxyBeanMethods = false)
class PipelineConfiguration {

    @Bean
    Pipelines pipelines(PluginHost plugins, Store store, FlowscopeMetrics metrics) {
        return new Pipelines(plugins, store, metrics::record);
    }
}
