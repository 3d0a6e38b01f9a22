package io.flowscope.platform.probes;

import io.flowscope.platform.plugins.PluginHost;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import io.flowscope.platform.api.ClientErrorException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The server's probes, started with it, and {@code GET /api/v1/probes}. */
@Configuration(proxyBeanMethods = false)
class ProbeConfiguration {

    @Bean(destroyMethod = "close")
    ProbeHost probeHost(PluginHost plugins, Environment environment) {
        Binder binder = Binder.get(environment);
        return new ProbeHost(plugins.probes(), KernelFeatures.detect(), id -> binder
                .bind("flowscope.probes." + id, Bindable.mapOf(String.class, String.class)).orElse(Map.of()));
    }

    @RestController
    static class ProbesController {
        private final ProbeHost probes;

        ProbesController(ProbeHost probes) {
            this.probes = probes;
        }

        /** Every probe of the plugins: state, health, drops, problems; and why one is not running. */
        @GetMapping("/api/v1/probes")
        List<ProbeStatus> probes() {
            return probes.statuses();
        }

        /** Stops the probe and starts it afresh with the same settings; its status after. */
        @PostMapping("/api/v1/probes/{id}/restart")
        ProbeStatus restart(@PathVariable String id) {
            ProbeStatus s = probes.restart(id);
            if (s == null) {
                throw new ClientErrorException(HttpStatus.NOT_FOUND, "no probe " + id);
            }
            return s;
        }
    }
}
