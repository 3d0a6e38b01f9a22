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
        assertThrows(IllegalArgumentException.class, () -> ProtocolDescriptor.builder("Bad Id").build());
        assertThrows(IllegalArgumentException.class, () -> ProtocolDescriptor.builder("ok").maxStateBytes(0).build());
        assertThrows(IllegalArgumentException.class, () -> ProtocolDescriptor.builder("ok").l7ProtocolId(256).build());
        ProtocolDescriptor d = ProtocolDescriptor.builder("ok").defaultPorts(Set.of(80)).l7ProtocolId(20).build();
        assertEquals(Set.of(80), d.defaultPorts());
        assertEquals("ok", d.displayName());
        assertEquals(Transport.TCP, d.transport());
        assertEquals(0, d.priority());
        assertEquals(ProtocolDescriptor.DEFAULT_MAX_STATE_BYTES, d.maxStateBytes());
    }

    @Test
    void messagesHaveStableSignatures() {
        L7Message req = L7Message.request("p").operation("GET").resource("/a").bytes(10).time(1000, 1500).build();
        L7Message resp = L7Message.response("p").streamId(3).statusCode(404).status(ResponseStatus.CLIENT_ERROR)
                .bytes(20).attributes(Map.of("k", "v", "a", "b c")).version("1.1").domain("h").endpoint("/e")
                .trace("t1", "s1").exception("Not Found").time(2000, 2000).build();
        assertEquals("REQUEST GET /a UNKNOWN bytes=10 t=+0..+500", MessageSignature.of(req, 1000));
        assertEquals("RESPONSE stream=3 404 CLIENT_ERROR bytes=20 version=1.1 domain=h endpoint=/e trace=t1 span=s1 "
                + "exception=Not\\sFound attrs={a=b c, k=v} t=+1000..+1000", MessageSignature.of(resp, 1000));
        assertEquals("REQUEST GET /a UNKNOWN bytes=10 noresponse t=+0..+500",
                MessageSignature.of(req.toBuilder().noResponseExpected().build(), 1000));
        assertEquals(req, req.toBuilder().build());
        assertEquals(true, req.expectsResponse());
        assertEquals(false, resp.expectsResponse());
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
                = REQUEST GET / UNKNOWN bytes=18 t=+0..+0
                """);
        RecordedSession s = RecordedSession.load(f);
        assertEquals(3, s.segments().size());
        assertEquals(Direction.CLIENT_TO_SERVER, s.segments().get(0).direction());
        assertEquals("GET / HTTP/1.1\r\n\r\n", new String(s.segments().get(0).bytes(), StandardCharsets.US_ASCII));
        assertArrayEquals(new byte[] {0, (byte) 0xff, '\\'}, s.segments().get(2).bytes());
        assertEquals(java.util.List.of("REQUEST GET / UNKNOWN bytes=18 t=+0..+0"), s.expected());
    }
}
