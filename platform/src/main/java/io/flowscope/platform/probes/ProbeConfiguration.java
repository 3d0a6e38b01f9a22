package io.flowscope.platform.probes;

import io.flowscope.api.PacketCapture;
import io.flowscope.api.PacketCaptureRequest;
import io.flowscope.api.SocketTrace;
import io.flowscope.api.SocketTraceRequest;
import io.flowscope.platform.capture.afpacket.PacketCaptureService;
import io.flowscope.platform.ebpf.SocketTraceService;
import io.flowscope.platform.pipeline.Pipelines;
import io.flowscope.platform.plugins.PluginHost;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
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

/**
 * The server's probes and {@code GET /api/v1/probes}. Probes start once the server listens, so the packet
 * capture knows which port's traffic is the server's own and leaves it out.
 */
@Configuration(proxyBeanMethods = false)
class ProbeConfiguration {

    @Bean
    PacketCaptureService packetCaptureService(Pipelines pipelines, MeterRegistry registry) {
        return new PacketCaptureService(pipelines, registry);
    }

    @Bean
    SocketTraceService socketTraceService(Pipelines pipelines) {
        return new SocketTraceService(pipelines);
    }

    @Bean(destroyMethod = "close")
    ProbeHost probeHost(PluginHost plugins, Environment environment, PacketCaptureService capture, SocketTraceService sockets) {
        Binder binder = Binder.get(environment);
        ProbeServices services = new ProbeServices() {
            @Override
            public PacketCapture capturePackets(String probeId, PacketCaptureRequest request) {
                return capture.open(probeId, request);
            }

            @Override
            public SocketTrace traceSockets(String probeId, SocketTraceRequest request) {
                return sockets.open(request);
            }
        };
        return new ProbeHost(plugins.probes(), KernelFeatures.detect(), id -> binder
                .bind("flowscope.probes." + id, Bindable.mapOf(String.class, String.class)).orElse(Map.of()), services);
    }

    /** Starts the probes when the server listens (on the port it really got, which tests choose at random). */
    @Bean
    ApplicationListener<WebServerInitializedEvent> probesStartWhenTheServerListens(ProbeHost probes, PacketCaptureService capture,
                                                                                  Environment environment) {
        return event -> {
            if (event.getApplicationContext().getServerNamespace() != null) {
                return; // a management server of its own: not the API's port
            }
            capture.serverListensOn(environment.getProperty("server.address"), event.getWebServer().getPort());
            probes.startAll();
        };
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
