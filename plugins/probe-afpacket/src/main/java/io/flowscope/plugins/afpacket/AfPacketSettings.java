package io.flowscope.plugins.afpacket;

import io.flowscope.api.PacketCaptureRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The probe's settings ({@code flowscope.probes.afpacket.*}) as a capture request. Every key is optional;
 * an unknown key or a bad value is refused with the key's name, so a typo is not silently ignored.
 *
 * <pre>
 * interfaces          lo | all | eth0,eth1 (default lo; all = every interface that is up, except loopback)
 * filter              tcpdump syntax (default: everything)
 * snap-length         bytes kept per frame (host default 65535)
 * block-size          ring block bytes, a power of two (host default 1 MiB)
 * block-count         ring blocks (host default 32)
 * block-timeout-ms    a block is handed over after this long even if not full (host default 100)
 * readers             reader threads per interface, PACKET_FANOUT hash (default 1)
 * promiscuous         true | false (default false)
 * exclude-own-traffic true | false: leave out Flowscope's own API traffic (default true)
 * enabled             true | false (read by the host)
 * </pre>
 */
final class AfPacketSettings {

    private static final Set<String> KEYS = Set.of("interfaces", "filter", "snap-length", "block-size", "block-count",
            "block-timeout-ms", "readers", "promiscuous", "exclude-own-traffic", "enabled");

    private AfPacketSettings() {
    }

    /** The request these settings make. */
    static PacketCaptureRequest request(Map<String, String> settings) {
        for (String key : settings.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown setting flowscope.probes.afpacket." + key + " (known: "
                        + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        List<String> interfaces = Arrays.stream(settings.getOrDefault("interfaces", "lo").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        if (interfaces.isEmpty()) {
            throw new IllegalArgumentException("flowscope.probes.afpacket.interfaces names no interface");
        }
        if (interfaces.contains(PacketCaptureRequest.ALL_INTERFACES) && interfaces.size() > 1) {
            throw new IllegalArgumentException("flowscope.probes.afpacket.interfaces: 'all' cannot be combined with names");
        }
        return PacketCaptureRequest.builder()
                .interfaces(interfaces)
                .filter(settings.getOrDefault("filter", ""))
                .snapLength(number(settings, "snap-length", PacketCaptureRequest.HOST_DEFAULT))
                .blockSize(number(settings, "block-size", PacketCaptureRequest.HOST_DEFAULT))
                .blockCount(number(settings, "block-count", PacketCaptureRequest.HOST_DEFAULT))
                .blockTimeoutMillis(number(settings, "block-timeout-ms", PacketCaptureRequest.HOST_DEFAULT))
                .readers(number(settings, "readers", 1))
                .promiscuous(bool(settings, "promiscuous", false))
                .excludeOwnTraffic(bool(settings, "exclude-own-traffic", true))
                .build();
    }

    private static int number(Map<String, String> settings, String key, int otherwise) {
        String v = settings.get(key);
        if (v == null || v.isBlank()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("flowscope.probes.afpacket." + key + " is not a whole number: " + v);
        }
    }

    private static boolean bool(Map<String, String> settings, String key, boolean otherwise) {
        String v = settings.get(key);
        if (v == null || v.isBlank()) {
            return otherwise;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("flowscope.probes.afpacket." + key + " is not true or false: " + v);
        };
    }
}
