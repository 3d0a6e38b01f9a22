package io.flowscope.platform.plugins;

import io.flowscope.platform.FlowscopeSettings;
import java.nio.file.Path;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import io.flowscope.platform.api.ClientErrorException;
import io.flowscope.platform.l7.FailurePolicy;
import java.time.Duration;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The server's plugin host and {@code GET /api/v1/plugins}. */
@Configuration(proxyBeanMethods = false)
class PluginConfiguration {

    @Bean(destroyMethod = "close")
    PluginHost pluginHost(@Value("${flowscope.plugins-dir:}") String dir,
            @Value("${flowscope.extra-plugins-dirs:}") List<String> extraDirs,
            @Value("${flowscope.plugins.min-failures:5}") int minFailures,
            @Value("${flowscope.plugins.max-failure-ratio:0.5}") double maxFailureRatio,
            @Value("${flowscope.plugins.failure-window-seconds:60}") long window,
            @Value("${flowscope.plugins.cool-down-seconds:300}") long coolDown,
            @Value("${flowscope.l7.obfuscate:true}") boolean obfuscate) {
        FailurePolicy policy = new FailurePolicy(minFailures, maxFailureRatio, Duration.ofSeconds(window), Duration.ofSeconds(coolDown));
        List<Path> extra = extraDirs.stream().filter(s -> !s.isBlank()).map(Path::of).toList();
        return PluginHost.start(dir.isBlank() ? FlowscopeSettings.defaultPluginsDir() : Path.of(dir), extra, policy,
                obfuscate);
    }

    @RestController
    static class PluginsController {
        private final PluginHost host;

        PluginsController(PluginHost host) {
            this.host = host;
        }

        /** Every plugin found: id, version, kind, state, failure count and last error. */
        @GetMapping("/api/v1/plugins")
        List<PluginStatus> plugins() {
            return host.statuses();
        }

        /** Turns a disabled plugin on again now (it would come back by itself after the cool-down). */
        @PostMapping("/api/v1/plugins/{id}/enable")
        PluginStatus enable(@PathVariable String id) {
            try {
                PluginStatus s = host.enable(id);
                if (s == null) {
                    throw new ClientErrorException(HttpStatus.NOT_FOUND, "no plugin " + id);
                }
                return s;
            } catch (IllegalStateException e) {
                throw new ClientErrorException(HttpStatus.CONFLICT, e.getMessage());
            }
        }
    }
}
