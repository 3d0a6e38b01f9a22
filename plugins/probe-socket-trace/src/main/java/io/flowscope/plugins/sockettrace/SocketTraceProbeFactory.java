package io.flowscope.plugins.sockettrace;

import io.flowscope.api.Probe;
import io.flowscope.api.ProbeDescriptor;
import io.flowscope.api.ProbeFactory;
import io.flowscope.api.ProbeKind;
import java.util.Set;
import org.pf4j.Extension;

/**
 * The EbpfCollector's socket side: every socket read and write of every process, with the process, from
 * syscall tracepoints. Needs no kprobes and no fentry: it runs where those are locked down or not built.
 */
@Extension
public final class SocketTraceProbeFactory implements ProbeFactory {

    private static final ProbeDescriptor DESCRIPTOR = ProbeDescriptor.builder("socket-trace", ProbeKind.SYSCALL)
            .version("1.0").kernelRequirements(Set.of("bpf", "btf")).build();

    @Override
    public ProbeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Probe newProbe() {
        return new SocketTraceProbe();
    }
}
