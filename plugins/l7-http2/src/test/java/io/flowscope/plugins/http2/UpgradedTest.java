package io.flowscope.plugins.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowscope.api.Direction;
import io.flowscope.api.L7Message;
import io.flowscope.api.ProtocolSwitch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A connection that starts after HTTP/1.1's Upgrade: h2c, for what the kit's upgraded session does not pin down. */
class UpgradedTest {

    private final List<L7Message> messages = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    private Http2Parser parser(ProtocolSwitch from) {
        return new Http2Parser(new CollectingContext(messages, problems, from), "http2");
    }

    private static void feed(Http2Parser p, Direction d, byte[] b) {
        p.onData(d, ByteBuffer.wrap(b).asReadOnlyBuffer(), 5);
    }

    @Test
    void curlsHttp2SettingsAreItsFirstSettings() {
        List<String> got = new ArrayList<>();
        assertTrue(Upgraded.settings(WrittenSessions.CURL_HTTP2_SETTINGS, (id, v) -> got.add(id + "=" + v)));
        assertEquals(List.of("3=100", "4=10485760", "2=0"), got);
        assertFalse(Upgraded.settings("not base64!", (id, v) -> got.add("x")));
        assertEquals(3, got.size());
    }

    @Test
    void theClientsHeaderTableSizeFromHttp2SettingsBoundsTheServersTable() {
        // SETTINGS_HEADER_TABLE_SIZE 0: the server may index nothing, so a later reference to 62 cannot be resolved
        String tableSizeZero = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(new byte[] {0, 1, 0, 0, 0, 0});
        Http2Parser p = parser(ProtocolSwitch.to("http2").hint("http2-settings", tableSizeZero)
                .request(L7Message.request("http1").operation("GET").resource("/").build()).build());
        feed(p, Direction.SERVER_TO_CLIENT, H2.bytes().settings()
                .headers(1, true, H2.Block.of().indexed(8).add("server", "x").build()).build());
        feed(p, Direction.CLIENT_TO_SERVER, H2.bytes().preface().settings()
                .headers(3, true, H2.Block.of().indexed(2).indexed(6).indexed(4).build()).build());
        feed(p, Direction.SERVER_TO_CLIENT, H2.bytes().headers(3, true, H2.Block.of().indexed(8).indexed(62).build()).build());
        assertEquals(4, messages.size());
        assertEquals("1", messages.get(3).attributes().get("hpack_unknown_fields"));
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void withoutTheUpgradedRequestStreamOnesAnswerIsNotReportedButLaterStreamsAre() {
        Http2Parser p = parser(ProtocolSwitch.to("http2").hint("http2-settings", "%%").build());
        feed(p, Direction.SERVER_TO_CLIENT, H2.bytes().settings().headers(1, true, H2.Block.of().indexed(8).build()).build());
        feed(p, Direction.CLIENT_TO_SERVER, H2.bytes().preface().settings()
                .headers(3, true, H2.Block.of().indexed(2).indexed(6).indexed(4).build()).build());
        feed(p, Direction.SERVER_TO_CLIENT, H2.bytes().headers(3, true, H2.Block.of().indexed(13).build()).build());
        assertEquals(2, messages.size());
        assertEquals(3, messages.get(0).streamId());
        assertEquals(404, messages.get(1).statusCode());
        assertEquals(List.of("bad_http2_settings"), problems);
    }
}
