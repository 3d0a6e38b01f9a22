package io.flowscope.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.flowscope.api.testkit.MessageSignature;
import io.flowscope.api.testkit.RecordedSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginApiTest {

    @Test
    void versionIsSemVer() {
        assertEquals(true, PluginApi.VERSION.matches("\\d+\\.\\d+\\.\\d+"), PluginApi.VERSION);
    }

    @Test
    void descriptorsAreValidated() {
        assertThrows(IllegalArgumentException.class,
                () -> new ProtocolDescriptor("Bad Id", "x", Transport.TCP, Set.of(), "1", 127, 10));
        assertThrows(IllegalArgumentException.class,
                () -> new ProtocolDescriptor("ok", "x", Transport.TCP, Set.of(), "1", 127, 0));
        assertEquals(Set.of(80), new ProtocolDescriptor("ok", "x", Transport.TCP, Set.of(80), "1", 20, 10).defaultPorts());
    }

    @Test
    void messagesHaveStableSignatures() {
        L7Message req = L7Message.request("p").operation("GET").resource("/a").bytes(10).build();
        L7Message resp = L7Message.response("p").streamId(3).statusCode(404).status(ResponseStatus.CLIENT_ERROR)
                .bytes(20).attributes(Map.of("k", "v")).build();
        assertEquals("REQUEST GET /a UNKNOWN bytes=10", MessageSignature.of(req));
        assertEquals("RESPONSE stream=3 404 CLIENT_ERROR bytes=20", MessageSignature.of(resp));
        assertEquals(false, req.hasStatusCode());
        assertEquals(2, MessageKind.SESSION.code());
        assertEquals(6, ResponseStatus.PARSE_FAILED.code());
    }

    @Test
    void recordedSessionFilesAreRead(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("s.session");
        Files.writeString(f, """
                # comment
                > GET / HTTP/1.1\\r\\n
                > \\r\\n
                < HTTP/1.1 204 No Content\\r\\n\\r\\n
                ---
                < \\x00\\xff\\\\
                = REQUEST GET / UNKNOWN bytes=18
                """);
        RecordedSession s = RecordedSession.load(f);
        assertEquals(3, s.segments().size());
        assertEquals(Direction.CLIENT_TO_SERVER, s.segments().get(0).direction());
        assertEquals("GET / HTTP/1.1\r\n\r\n", new String(s.segments().get(0).bytes(), StandardCharsets.US_ASCII));
        assertArrayEquals(new byte[] {0, (byte) 0xff, '\\'}, s.segments().get(2).bytes());
        assertEquals(java.util.List.of("REQUEST GET / UNKNOWN bytes=18"), s.expected());
    }
}
