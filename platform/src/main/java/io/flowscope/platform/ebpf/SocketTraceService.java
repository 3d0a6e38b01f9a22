package io.flowscope.platform.ebpf;

import io.flowscope.api.SocketTrace;
import io.flowscope.api.SocketTraceRequest;
import io.flowscope.platform.os.Capabilities;
import io.flowscope.platform.pipeline.Pipelines;

/**
 * The host's socket tracing as probes ask for it ({@code ProbeContext.traceSockets}): privileges checked
 * first, so an unprivileged server says why in words, then a {@link SocketTraceCollector} on the host's
 * pipelines.
 */
public final class SocketTraceService {

    private final Pipelines pipelines;

    public SocketTraceService(Pipelines pipelines) {
        this.pipelines = pipelines;
    }

    /**
     * @throws IllegalStateException when this process may not load BPF programs, tracefs is missing, or the
     *                               kernel refuses the object
     */
    public SocketTrace open(SocketTraceRequest r) {
        String missing = missingPrivilege();
        if (missing != null) {
            throw new IllegalStateException(missing);
        }
        try {
            return SocketTraceCollector.start(pipelines, r.object(), new SocketTraceCollector.Settings(r.payloadBytes(),
                    r.pids(), r.processNames(), r.cgroups(), r.ports(), r.transport() == SocketTraceRequest.Transport.PERF_BUFFER,
                    r.maxConnections(), r.maxProcesses()));
        } catch (BpfException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("the store cannot take socket data: " + e.getMessage(), e);
        }
    }

    /** Why this process cannot load tracing programs, or null when it can (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN). */
    static String missingPrivilege() {
        boolean bpf = Capabilities.has(Capabilities.CAP_BPF) && Capabilities.has(Capabilities.CAP_PERFMON);
        return bpf || Capabilities.has(Capabilities.CAP_SYS_ADMIN) ? null
                : "no privilege: loading eBPF programs needs root, or CAP_BPF and CAP_PERFMON, which this process does not have";
    }
}
