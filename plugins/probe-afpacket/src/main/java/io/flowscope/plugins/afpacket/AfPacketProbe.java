package io.flowscope.plugins.afpacket;

import io.flowscope.api.CapturedInterface;
import io.flowscope.api.PacketCapture;
import io.flowscope.api.Probe;
import io.flowscope.api.ProbeContext;
import io.flowscope.api.ProbeHealth;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Live packets through the host's AF_PACKET capture: the settings become a capture request, the host
 * opens and reads the rings, and the health says, per interface, what is captured and what is not.
 */
final class AfPacketProbe implements Probe {

    private volatile PacketCapture capture;

    @Override
    public void start(ProbeContext context) {
        capture = context.capturePackets(AfPacketSettings.request(context.settings()));
    }

    @Override
    public void stop() {
        PacketCapture c = capture;
        capture = null;
        if (c != null) {
            c.close();
        }
    }

    /**
     * Running while every selected interface is captured; degraded when some cannot be (or, for {@code all},
     * none is there yet); failed when none can be, with each one's reason. Drops are the kernel's.
     */
    @Override
    public ProbeHealth health() {
        PacketCapture c = capture;
        if (c == null) {
            return ProbeHealth.failed("stopped");
        }
        List<CapturedInterface> all = c.interfaces();
        long drops = all.stream().mapToLong(CapturedInterface::kernelDrops).sum();
        List<CapturedInterface> capturing = all.stream().filter(i -> i.state() == CapturedInterface.State.CAPTURING).toList();
        List<CapturedInterface> failed = all.stream().filter(i -> i.state() == CapturedInterface.State.FAILED).toList();
        String detail = describe(capturing, failed);
        if (!failed.isEmpty() && capturing.isEmpty()) {
            return ProbeHealth.failed(detail);
        }
        if (!failed.isEmpty() || capturing.isEmpty()) {
            return ProbeHealth.degraded(detail, drops);
        }
        return ProbeHealth.running(detail, drops);
    }

    private static String describe(List<CapturedInterface> capturing, List<CapturedInterface> failed) {
        StringBuilder s = new StringBuilder();
        s.append(capturing.isEmpty() ? "capturing no interface"
                : "capturing " + capturing.stream().map(CapturedInterface::name).collect(Collectors.joining(", ")));
        if (!failed.isEmpty()) {
            s.append("; not capturing ").append(failed.stream().map(i -> i.name() + " (" + i.detail() + ")")
                    .collect(Collectors.joining(", ")));
        }
        return s.toString();
    }
}
