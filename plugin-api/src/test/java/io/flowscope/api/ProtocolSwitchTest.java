package io.flowscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProtocolSwitchTest {

    @Test
    void handedOverBytesAreCopiedFromPositionToLimitAndTheBufferIsLeftAsItWas() {
        byte[] chunk = "HTTP/1.1 101 Switching Protocols\r\n\r\nSETTINGS".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.wrap(chunk).position(36);
        ProtocolSwitch s = ProtocolSwitch.to("http2").handOver(Direction.SERVER_TO_CLIENT, b, 7)
                .handOver(Direction.CLIENT_TO_SERVER, ByteBuffer.allocate(0), 8).build();
        chunk[36] = 'X'; // the parser reuses its buffer at once
        assertEquals(36, b.position());
        assertEquals(1, s.handedOver().size(), "an empty hand-over is ignored");
        ProtocolSwitch.HandedOver h = s.handedOver().get(0);
        assertEquals(Direction.SERVER_TO_CLIENT, h.direction());
        assertEquals(7, h.timestampMicros());
        assertEquals("SETTINGS", StandardCharsets.US_ASCII.decode(h.bytes()).toString());
        assertThrows(java.nio.ReadOnlyBufferException.class, () -> h.bytes().put((byte) 0));
    }

    @Test
    void hintsKeepTheirOrderAndNullValuesAreLeftOut() {
        ProtocolSwitch s = ProtocolSwitch.to("websocket").hint("b", "2").hint("a", "1").hint("c", null).build();
        assertEquals("[b, a]", s.hints().keySet().toString());
        assertEquals("1", s.hint("a"));
        assertNull(s.hint("c"));
        assertNull(s.request());
        assertThrows(UnsupportedOperationException.class, () -> s.hints().put("x", "y"));
    }
}
