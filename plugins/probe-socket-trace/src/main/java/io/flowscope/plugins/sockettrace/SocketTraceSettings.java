package io.flowscope.plugins.sockettrace;

import io.flowscope.api.SocketTraceRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The probe's settings ({@code flowscope.probes.socket-trace.*}) as a request. Every key is optional; an
 * unknown key or a bad value is refused with the key's name.
 *
 * <pre>
 * payload-bytes   bytes of payload kept per read or write (default 1024, at most 8192)
 * pids            only these processes (comma-separated), with process-names and cgroups: any
 * process-names   only processes of these names (as the kernel shows them, at most 15 characters)
 * cgroups         only processes in these cgroup v2 paths or below them (e.g. /system.slice/nginx.service)
 * ports           only sockets with one of these ports at either end
 * max-connections traced connections held at once (default 262144)
 * max-processes   processes the process table holds (default 65536)
 * transport       ring-buffer (default) | perf-buffer (kernels before 5.8)
 * enabled         true | false (read by the host)
 * </pre>
 */
final class SocketTraceSettings {

    private static final String PREFIX = "flowscope.probes.socket-trace.";
    private static final Set<String> KEYS = Set.of("payload-bytes", "pids", "process-names", "cgroups", "ports", "transport",
            "max-connections", "max-processes", "enabled");

    private SocketTraceSettings() {
    }

    static SocketTraceRequest request(byte[] object, Map<String, String> settings) {
        for (String key : settings.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown setting " + PREFIX + key + " (known: "
                        + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        String transport = settings.getOrDefault("transport", "ring-buffer").trim().toLowerCase(Locale.ROOT);
        SocketTraceRequest.Transport t = switch (transport) {
            case "ring-buffer" -> SocketTraceRequest.Transport.RING_BUFFER;
            case "perf-buffer" -> SocketTraceRequest.Transport.PERF_BUFFER;
            default -> throw new IllegalArgumentException(PREFIX + "transport is ring-buffer or perf-buffer, not " + transport);
        };
        return SocketTraceRequest.builder(object)
                .payloadBytes(number(settings.getOrDefault("payload-bytes", "1024"), "payload-bytes"))
                .pids(list(settings, "pids").stream().map(p -> number(p, "pids")).toList())
                .processNames(list(settings, "process-names"))
                .cgroups(list(settings, "cgroups"))
                .ports(list(settings, "ports").stream().map(p -> number(p, "ports")).toList())
                .transport(t)
                .maxConnections(number(settings.getOrDefault("max-connections", "262144"), "max-connections"))
                .maxProcesses(number(settings.getOrDefault("max-processes", "65536"), "max-processes"))
                .build();
    }

    private static List<String> list(Map<String, String> settings, String key) {
        return Arrays.stream(settings.getOrDefault(key, "").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static int number(String v, String key) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + key + " is not a whole number: " + v);
        }
    }
}
