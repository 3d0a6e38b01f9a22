package io.flowscope.platform.probes;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.api.Probe;
import io.flowscope.api.ProbeContext;
import io.flowscope.api.ProbeDescriptor;
import io.flowscope.api.ProbeFactory;
import io.flowscope.api.ProbeHealth;
import io.flowscope.api.ProbeKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host runs probes with a context of its own, refuses those the kernel cannot serve, and survives bad ones. */
class ProbeHostTest {

    final List<String> events = new ArrayList<>();

    /** A probe that records what the host gave it and reports a problem twice. */
    class Recording implements ProbeFactory {
        final String id;
        final Set<String> needs;
        final boolean failsToStart;

        Recording(String id, Set<String> needs, boolean failsToStart) {
            this.id = id;
            this.needs = needs;
            this.failsToStart = failsToStart;
        }

        @Override
        public ProbeDescriptor descriptor() {
            return ProbeDescriptor.builder(id, ProbeKind.PACKET).version("1.2").kernelRequirements(needs).build();
        }

        @Override
        public Probe newProbe() {
            return new Probe() {
                @Override
                public void start(ProbeContext context) {
                    if (failsToStart) {
                        throw new IllegalStateException("no such interface");
                    }
                    events.add(id + " started with " + context.settings() + " on " + context.kernelFeatures());
                    context.reportProblem("ring_overflow", "lost 3 blocks");
                    context.reportProblem("ring_overflow", "lost 1 block");
                }

                @Override
                public void stop() {
                    events.add(id + " stopped");
                }

                @Override
                public ProbeHealth health() {
                    return ProbeHealth.degraded("1 of 2 interfaces", 4);
                }
            };
        }
    }

    @Test
    void probesStartWithTheHostsContextAndTheOthersSurviveARefusalAndAFailure() {
        ProbeHost host = new ProbeHost(List.of(new Recording("needy", Set.of("btf", "kprobe"), false),
                new Recording("broken", Set.of(), true), new Recording("good", Set.of("af_packet"), false),
                new Recording("off", Set.of(), false)),
                Set.of("af_packet", "btf"), id -> switch (id) {
                    case "good" -> Map.of("interface", "lo");
                    case "off" -> Map.of("enabled", "false");
                    default -> Map.of();
                }, ProbeServices.NONE);
        assertThat(events).as("nothing starts before startAll").isEmpty();
        host.startAll();
        host.startAll();
        ProbeHost unreadable = new ProbeHost(List.of(new Recording("Bad_Id", Set.of(), false)), Set.of(), id -> {
            throw new IllegalArgumentException("Configuration property name 'flowscope.probes." + id + "' is not valid");
        }, ProbeServices.NONE);
        unreadable.startAll();
        assertThat(unreadable.statuses()).singleElement().extracting(ProbeStatus::state).isEqualTo("REFUSED");
        assertThat(events).as("a probe that failed to start is stopped, so what it attached goes")
                .containsExactly("broken stopped", "good started with {interface=lo} on [af_packet, btf]");
        assertThat(host.statuses()).extracting(s -> s.id() + " " + s.state() + " " + s.detail())
                .containsExactly(
                        "needy REFUSED needs kprobe, which this kernel does not offer (it has af_packet, btf)",
                        "broken FAILED could not start: no such interface",
                        "good DEGRADED 1 of 2 interfaces",
                        "off DISABLED disabled by flowscope.probes.off.enabled=false");
        ProbeStatus good = host.statuses().get(2);
        assertThat(good.drops()).isEqualTo(4);
        assertThat(good.problems()).isEqualTo(2);
        assertThat(good.kind()).isEqualTo("PACKET");
        assertThat(good.settings()).containsEntry("interface", "lo");
        events.clear();
        assertThat(host.restart("good")).extracting(ProbeStatus::state).isEqualTo("DEGRADED");
        assertThat(events).as("stopped, then a new instance started with the same settings")
                .containsExactly("good stopped", "good started with {interface=lo} on [af_packet, btf]");
        assertThat(host.restart("needy").state()).isEqualTo("REFUSED");
        assertThat(host.restart("nope")).isNull();
        host.close();
        host.close();
        assertThat(events).as("the restart's stop and the close's; closing twice stops nothing twice")
                .containsExactly("good stopped", "good started with {interface=lo} on [af_packet, btf]", "good stopped");
        assertThat(host.statuses().get(2).state()).isEqualTo("STOPPED");
    }

    @Test
    void kernelFeaturesAreReadFromTheirInterfacesInSysAndProc(@TempDir Path root) throws Exception {
        for (String p : List.of("proc/net/packet", "sys/kernel/btf/vmlinux", "sys/bus/event_source/devices/uprobe",
                "proc/sys/kernel/perf_event_paranoid")) {
            Files.createDirectories(root.resolve(p).getParent());
            Files.createFile(root.resolve(p));
        }
        Files.createDirectories(root.resolve("sys/kernel/tracing"));
        assertThat(KernelFeatures.detect(root))
                .containsExactly("af_packet", "btf", "perf_event", "tracefs_unmounted", "uprobe");
        Files.createDirectories(root.resolve("sys/kernel/tracing/events/syscalls"));
        assertThat(KernelFeatures.detect(root)).contains("tracepoint").doesNotContain("tracefs_unmounted", "kprobe");
    }
}
