package io.flowscope.platform.plugins;

import io.flowscope.platform.FlowscopeSettings;
import java.nio.file.Path;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The server's plugin host and {@code GET /api/v1/plugins}. */
@Configuration(proxyBeanMethods = false)
class PluginConfiguration {

    @Bean(destroyMethod = "close")
    PluginHost pluginHost(@Value("${flowscope.plugins-dir:}") String dir) {
        return PluginHost.start(dir.isBlank() ? FlowscopeSettings.defaultPluginsDir() : Path.of(dir));
    }

    @RestController
    static class PluginsController {
        private final PluginHost host;

        PluginsController(PluginHost host) {
            this.host = host;
        }

        /** Every plugin found: id, version, kind, state and last error. */
        @GetMapping("/api/v1/plugins")
        List<PluginStatus> plugins() {
            return host.statuses();
        }
    }
}
