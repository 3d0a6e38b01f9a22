package io.flowscope.platform.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Flowscope's own meters (scraped at /actuator/prometheus): packets and bytes read, decode errors by
 * kind, flows by transport, L7 messages and requests by protocol, store write batches. Pipelines count
 * in plain fields and add what they counted here about once a second while they run, and the rest when
 * they end.
 */
@Component
public class FlowscopeMetrics {

    private final MeterRegistry registry;

    FlowscopeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Adds one pipeline run's counts. */
    public void record(PipelineCounters c) {
        registry.counter("flowscope.packets.read").increment(c.packets);
        registry.counter("flowscope.bytes.read").increment(c.bytes);
        registry.counter("flowscope.flows", "transport", "tcp").increment(c.tcpFlows);
        registry.counter("flowscope.flows", "transport", "udp").increment(c.udpFlows);
        registry.counter("flowscope.flows", "transport", "other").increment(c.otherFlows);
        registry.counter("flowscope.l7.messages").increment(c.l7Messages);
        registry.counter("flowscope.store.write.batches").increment(c.writeBatches);
        c.requests().forEach((p, n) -> registry.counter("flowscope.l7.requests", "protocol", p).increment(n));
        c.errors().forEach((k, n) -> registry.counter("flowscope.decode.errors", "kind", k).increment(n));
    }
}
