package io.flowscope.platform.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.ingest.CaptureImporter;
import io.flowscope.platform.ingest.FileSummary;
import io.flowscope.platform.store.DuckDbStore;
import io.flowscope.platform.testing.CaptureWriter;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.SamplePlugins;
import io.flowscope.platform.testing.TcpConversation;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins built outside the reactor and dropped in a directory: a third party's kvline plugin (built
 * from plugin-api alone), a plugin that throws on every call, a jar that is not a jar, a plugin that
 * needs a newer API, and kvline again with its own copy of plugin-api bundled in.
 */
class ThirdPartyPluginTest {

    @TempDir
    Path dir;

    static Path capture(Path file) throws Exception {
        CaptureWriter w = CaptureWriter.pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 65535);
        List<byte[]> kv = new TcpConversation("10.0.0.5", 50001, "10.0.0.6", 7070)
                .request("store color blue\n").response("ok\n")
                .request("fetch color\nfetch missing\n").response("value blue\nerror no such key\n")
                .close();
        long ts = 1_700_000_000_000_000L;
        for (List<byte[]> conv : List.of(kv, TcpConversation.httpGet(50002, "/plain-http"))) {
            for (byte[] f : conv) {
                w.packet(ts += 500, f, f.length, 0);
            }
        }
        return w.write(file);
    }

    static Path pluginsDir(Path dir) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(Importing.pluginsDir().resolve("l7-http1.jar"), plugins.resolve("l7-http1.jar"));
        Path built = SamplePlugins.jars();
        Files.copy(built.resolve("kvline.jar"), plugins.resolve("kvline.jar"));
        Files.copy(built.resolve("always-fails.jar"), plugins.resolve("always-fails.jar"));
        SamplePlugins.brokenJar(plugins.resolve("broken.jar"));
        SamplePlugins.variant(built.resolve("kvline.jar"), plugins.resolve("too-new.jar"), "too-new", ">=9.0.0", false);
        return plugins;
    }

    @Test
    void droppedInPluginsAreLoadedRoutedOrReportedAndNeverStopTheImport() throws Exception {
        Path plugins = pluginsDir(dir);
        try (PluginHost host = PluginHost.start(plugins); DuckDbStore store = DuckDbStore.open(dir.resolve("data"))) {
            Map<String, PluginStatus> before = byId(host.statuses());
            assertThat(before.get("kvline").state()).isEqualTo("STARTED");
            assertThat(before.get("kvline").kind()).isEqualTo("protocol");
            assertThat(before.get("kvline").protocols()).containsExactly("kvline");
            assertThat(before.get("broken.jar").state()).isEqualTo("FAILED");
            assertThat(before.get("broken.jar").lastError()).startsWith("could not load");
            assertThat(before.get("too-new").state()).isEqualTo("FAILED");
            assertThat(before.get("too-new").lastError()).contains(">=9.0.0", io.flowscope.api.PluginApi.VERSION);

            FileSummary s = new CaptureImporter(host, store).importFile(capture(dir.resolve("mixed.pcap")), "mixed.pcap", null).summary();
            assertThat(s.fault()).isNull();
            assertThat(s.requests()).containsEntry("kvline", 3L).containsEntry("http1", 1L);

            // its failures end those connections' L7 sessions only; a few do not disable it (see PluginFailureApiTest)
            PluginStatus failing = byId(host.statuses()).get("always-fails");
            assertThat(failing.failures()).isPositive();
            assertThat(failing.lastError()).contains("detect is broken on purpose", "in detect");

            try (Connection c = store.connection(); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT request_type, request_resource, response_status, response_exception, server_port"
                            + " FROM flow_log.l7_flow_log WHERE l7_protocol_str = 'kvline' ORDER BY _id")) {
                rs.next();
                assertThat(rs.getString(1) + " " + rs.getString(2) + " " + rs.getInt(3)).isEqualTo("STORE color 0");
                rs.next();
                assertThat(rs.getString(1) + " " + rs.getString(2) + " " + rs.getInt(3)).isEqualTo("FETCH color 0");
                rs.next();
                assertThat(rs.getString(1) + " " + rs.getString(2) + " " + rs.getInt(3) + " " + rs.getString(4))
                        .isEqualTo("FETCH missing 4 no such key");
                assertThat(rs.getInt(5)).isEqualTo(7070);
            }
        }
    }

    @Test
    void aPluginThatBundlesItsOwnPluginApiStillWorks() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("bundled"));
        SamplePlugins.variant(SamplePlugins.jars().resolve("kvline.jar"), plugins.resolve("kvline-bundled.jar"),
                "kvline-bundled", null, true);
        try (PluginHost host = PluginHost.start(plugins); DuckDbStore store = DuckDbStore.open(dir.resolve("data2"))) {
            assertThat(host.statuses()).singleElement().satisfies(p -> {
                assertThat(p.state()).as(String.valueOf(p.lastError())).isEqualTo("STARTED");
                assertThat(p.protocols()).containsExactly("kvline");
            });
            FileSummary s = new CaptureImporter(host, store).importFile(capture(dir.resolve("m.pcap")), "m.pcap", null).summary();
            assertThat(s.requests()).containsEntry("kvline", 3L);
        }
    }

    private static Map<String, PluginStatus> byId(List<PluginStatus> all) {
        return all.stream().collect(Collectors.toMap(PluginStatus::id, Function.identity()));
    }
}
