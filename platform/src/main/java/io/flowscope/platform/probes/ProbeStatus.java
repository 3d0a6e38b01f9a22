package io.flowscope.platform.probes;

import io.flowscope.api.BpfHook;
import io.flowscope.api.CapturedInterface;
import java.util.List;
import java.util.Map;

/**
 * One probe as {@code GET /api/v1/probes} shows it.
 *
 * @param state      {@code RUNNING}, {@code DEGRADED}, {@code FAILED} (its start or its health failed),
 *                   {@code REFUSED} (a kernel feature it needs is missing), {@code DISABLED} (by its
 *                   {@code enabled=false} setting) or {@code STOPPED}
 * @param detail     what its health says, or why it is not running
 * @param drops      observations it lost (ring overflows …)
 * @param problems   problems it reported through its context
 * @param settings   its settings ({@code flowscope.probes.<id>.*})
 * @param interfaces the interfaces the host captures for it, each with its counters (packet probes)
 * @param hooks      its BPF programs, attached or why not (eBPF probes)
 * @param events     events its BPF programs handed over
 * @param lostEvents events the kernel could not hand over (a full ring)
 * @param tables     the bounded tables of its socket traces: held, bound, evictions (eBPF probes)
 */
public record ProbeStatus(String id, String kind, String version, String state, String detail, long drops, long problems,
                          Map<String, String> settings, List<Interface> interfaces, List<Hook> hooks, long events,
                          long lostEvents, List<Table> tables) {

    /** A bounded table: entries or bytes held ({@code -1}: not known cheaply), its bound, times it was full. */
    public record Table(String name, long size, long capacity, long evictions) {
    }

    /** One BPF program: where it is attached, or why it is not. */
    public record Hook(String program, String attachPoint, boolean attached, String problem) {

        static Hook of(BpfHook h) {
            return new Hook(h.program(), h.attachPoint(), h.attached(), h.problem());
        }
    }

    /** One captured interface: {@code CAPTURING}, {@code RELEASED} or {@code FAILED} with the reason. */
    public record Interface(String name, String state, String detail, long packets, long bytes, long kernelDrops,
                            long queueFreezes, long undecodable) {

        static Interface of(CapturedInterface c) {
            return new Interface(c.name(), c.state().name(), c.detail(), c.packets(), c.bytes(), c.kernelDrops(),
                    c.queueFreezes(), c.decodeErrors());
        }
    }
}
