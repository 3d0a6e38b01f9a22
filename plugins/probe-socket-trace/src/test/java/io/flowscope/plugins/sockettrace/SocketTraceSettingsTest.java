package io.flowscope.plugins.sockettrace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowscope.api.SocketTraceRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The probe's settings become its request; a wrong key or value is refused with the key's full name. */
class SocketTraceSettingsTest {

    private static final byte[] OBJECT = {0x7f, 'E', 'L', 'F'};

    @Test
    void everySettingReachesTheRequest() {
        SocketTraceRequest r = SocketTraceSettings.request(OBJECT, Map.of("payload-bytes", "256", "pids", "1, 42",
                "process-names", "nginx,curl", "cgroups", "/system.slice/nginx.service", "ports", "80,443",
                "transport", "perf-buffer", "max-connections", "1000", "max-processes", "500", "enabled", "true"));
        assertEquals(256, r.payloadBytes());
        assertEquals(List.of(1, 42), r.pids());
        assertEquals(List.of("nginx", "curl"), r.processNames());
        assertEquals(List.of("/system.slice/nginx.service"), r.cgroups());
        assertEquals(List.of(80, 443), r.ports());
        assertEquals(SocketTraceRequest.Transport.PERF_BUFFER, r.transport());
        assertEquals(1000, r.maxConnections());
        assertEquals(500, r.maxProcesses());
    }

    @Test
    void defaultsTraceEverythingThroughTheRingBuffer() {
        SocketTraceRequest r = SocketTraceSettings.request(OBJECT, Map.of());
        assertEquals(1024, r.payloadBytes());
        assertTrue(r.pids().isEmpty() && r.processNames().isEmpty() && r.cgroups().isEmpty() && r.ports().isEmpty());
        assertEquals(SocketTraceRequest.Transport.RING_BUFFER, r.transport());
    }

    @Test
    void wrongKeysAndValuesAreRefusedByName() {
        String unknown = assertThrows(IllegalArgumentException.class,
                () -> SocketTraceSettings.request(OBJECT, Map.of("cgroup", "/x"))).getMessage();
        assertTrue(unknown.contains("flowscope.probes.socket-trace.cgroup") && unknown.contains("cgroups"), unknown);
        String port = assertThrows(IllegalArgumentException.class,
                () -> SocketTraceSettings.request(OBJECT, Map.of("ports", "http"))).getMessage();
        assertTrue(port.contains("flowscope.probes.socket-trace.ports"), port);
        String transport = assertThrows(IllegalArgumentException.class,
                () -> SocketTraceSettings.request(OBJECT, Map.of("transport", "pipe"))).getMessage();
        assertTrue(transport.contains("ring-buffer or perf-buffer"), transport);
    }
}
