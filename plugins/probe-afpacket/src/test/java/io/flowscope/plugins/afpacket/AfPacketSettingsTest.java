package io.flowscope.plugins.afpacket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowscope.api.PacketCaptureRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings become a capture request; a typo or a bad value is refused with the key's name. */
class AfPacketSettingsTest {

    @Test
    void defaultsAreLoopbackEverythingAndTheHostsSizes() {
        PacketCaptureRequest r = AfPacketSettings.request(Map.of());
        assertEquals(List.of("lo"), r.interfaces());
        assertEquals("", r.filter());
        assertEquals(PacketCaptureRequest.HOST_DEFAULT, r.blockSize());
        assertEquals(1, r.readers());
        assertTrue(r.excludeOwnTraffic());
        assertFalse(r.promiscuous());
    }

    @Test
    void everyKeyIsRead() {
        PacketCaptureRequest r = AfPacketSettings.request(Map.of("interfaces", " eth0, veth1 ,eth0", "filter", "tcp port 80",
                "snap-length", "128", "block-size", "65536", "block-count", "8", "block-timeout-ms", "20", "readers", "3",
                "promiscuous", "TRUE", "exclude-own-traffic", "false", "enabled", "true"));
        assertEquals(List.of("eth0", "veth1"), r.interfaces());
        assertEquals("tcp port 80", r.filter());
        assertEquals(128, r.snapLength());
        assertEquals(65536, r.blockSize());
        assertEquals(8, r.blockCount());
        assertEquals(20, r.blockTimeoutMillis());
        assertEquals(3, r.readers());
        assertTrue(r.promiscuous());
        assertFalse(r.excludeOwnTraffic());
    }

    @Test
    void badSettingsAreRefusedByName() {
        assertMessage("unknown setting flowscope.probes.afpacket.interface ", Map.of("interface", "lo"));
        assertMessage("flowscope.probes.afpacket.readers is not a whole number: two", Map.of("readers", "two"));
        assertMessage("readers must be at least 1, not 0", Map.of("readers", "0"));
        assertMessage("flowscope.probes.afpacket.promiscuous is not true or false: yes", Map.of("promiscuous", "yes"));
        assertMessage("'all' cannot be combined with names", Map.of("interfaces", "all,lo"));
        assertMessage("names no interface", Map.of("interfaces", " , "));
    }

    private static void assertMessage(String expected, Map<String, String> settings) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AfPacketSettings.request(settings));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
