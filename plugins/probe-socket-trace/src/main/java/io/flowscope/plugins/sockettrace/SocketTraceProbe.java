package io.flowscope.plugins.sockettrace;

import io.flowscope.api.BpfHook;
import io.flowscope.api.Probe;
import io.flowscope.api.ProbeContext;
import io.flowscope.api.ProbeHealth;
import io.flowscope.api.SocketTrace;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Socket tracing through the host: this probe carries the BPF object (bpf/socket_trace.bpf.c, compiled) and
 * its settings; the host loads, attaches, reads and parses. Health: the hooks attached, and why the others are not.
 */
final class SocketTraceProbe implements Probe {

    private volatile SocketTrace trace;

    @Override
    public void start(ProbeContext context) {
        trace = context.traceSockets(SocketTraceSettings.request(object(), context.settings()));
    }

    static byte[] object() {
        try (InputStream in = SocketTraceProbe.class.getResourceAsStream("socket_trace.bpf.o")) {
            if (in == null) {
                throw new IllegalStateException("the plugin jar has no socket_trace.bpf.o");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        SocketTrace t = trace;
        trace = null;
        if (t != null) {
            t.close();
        }
    }

    /** Running with every hook attached; degraded with some; failed with none. Drops are lost events. */
    @Override
    public ProbeHealth health() {
        SocketTrace t = trace;
        if (t == null) {
            return ProbeHealth.failed("stopped");
        }
        List<BpfHook> hooks = t.hooks();
        List<BpfHook> off = hooks.stream().filter(h -> !h.attached()).toList();
        String detail = (hooks.size() - off.size()) + " of " + hooks.size() + " hooks attached, " + t.events() + " events"
                + (off.isEmpty() ? "" : "; not attached: " + off.stream().map(BpfHook::toString).collect(Collectors.joining("; ")));
        if (off.size() == hooks.size()) {
            return ProbeHealth.failed(detail);
        }
        return off.isEmpty() ? ProbeHealth.running(detail, t.lostEvents()) : ProbeHealth.degraded(detail, t.lostEvents());
    }
}
