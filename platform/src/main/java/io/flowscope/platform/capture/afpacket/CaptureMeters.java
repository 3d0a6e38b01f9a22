package io.flowscope.platform.capture.afpacket;

import io.flowscope.api.CapturedInterface;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Each captured interface's counters as meters ({@code flowscope_capture_packets_total{probe,interface}},
 * {@code …_bytes_total}, {@code …_kernel_drops_total}, {@code …_queue_freezes_total},
 * {@code …_undecodable_total}), read from the capture when scraped. Removed when the capture closes, so a
 * restarted probe publishes its own.
 */
public final class CaptureMeters {

    /** Publishes nothing. */
    public static final CaptureMeters NONE = new CaptureMeters(null, "");

    private final MeterRegistry registry;
    private final String probe;
    private final List<Meter> meters = new ArrayList<>();
    /** Micrometer holds what a function counter reads weakly: held here while the meters live. */
    private final List<Supplier<CapturedInterface>> read = new ArrayList<>();

    public CaptureMeters(MeterRegistry registry, String probe) {
        this.registry = registry;
        this.probe = probe;
    }

    /** Publishes an interface's counters, read from {@code status} at each scrape (once per interface). */
    synchronized void add(String interfaceName, Supplier<CapturedInterface> status) {
        if (registry == null || meters.stream().anyMatch(m -> interfaceName.equals(m.getId().getTag("interface")))) {
            return;
        }
        read.add(status);
        counter("flowscope.capture.packets", interfaceName, status, CapturedInterface::packets, "frames read from the ring");
        counter("flowscope.capture.bytes", interfaceName, status, CapturedInterface::bytes, "bytes of the frames read, as on the wire");
        counter("flowscope.capture.kernel.drops", interfaceName, status, CapturedInterface::kernelDrops,
                "frames the kernel dropped because the ring was full");
        counter("flowscope.capture.queue.freezes", interfaceName, status, CapturedInterface::queueFreezes,
                "times the kernel found the ring full");
        counter("flowscope.capture.undecodable", interfaceName, status, CapturedInterface::decodeErrors,
                "frames that could not be decoded");
    }

    private void counter(String name, String interfaceName, Supplier<CapturedInterface> status,
                         java.util.function.ToLongFunction<CapturedInterface> value, String description) {
        ToDoubleFunction<Supplier<CapturedInterface>> read = s -> value.applyAsLong(s.get());
        meters.add(FunctionCounter.builder(name, status, read).description(description)
                .tag("probe", probe).tag("interface", interfaceName).register(registry));
    }

    /** Removes every meter this published. */
    synchronized void close() {
        if (registry != null) {
            meters.forEach(registry::remove);
        }
        meters.clear();
        read.clear();
    }
}
