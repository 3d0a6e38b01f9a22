package io.flowscope.platform.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.FlowscopeApplication;
import io.flowscope.platform.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Through the server: a plugin that throws on every call is disabled and shown in /api/v1/plugins; the import finishes. */
@SpringBootTest(classes = FlowscopeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PluginFailureApiTest {

    static final Path work;

    static {
        try {
            work = Files.createTempDirectory("flowscope-plugin-failure");
            ThirdPartyPluginTest.pluginsDir(work);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("flowscope.data-dir", () -> work.resolve("data").toString());
        r.add("flowscope.plugins-dir", () -> work.resolve("plugins").toString());
    }

    @LocalServerPort
    int port;

    @Test
    void failingPluginIsDisabledAndReportedWhileTheImportFinishes() throws Exception {
        Http http = new Http(port);
        JsonNode before = byId(http.get("/api/v1/plugins").json(), "always-fails");
        assertThat(before.get("state").asString()).isEqualTo("STARTED");

        // each import fails it on each connection; past the policy's count and ratio it is disabled, and the
        // imports never notice
        Path capture = ThirdPartyPluginTest.capture(work.resolve("mixed.pcap"));
        for (int i = 0; i < 10 && !"DISABLED".equals(byId(http.get("/api/v1/plugins").json(), "always-fails").get("state").asString()); i++) {
            Http.Response r = http.postFile("/api/v1/import?name=mixed.pcap", capture);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("requests").get("kvline").asLong()).isEqualTo(3);
            assertThat(r.json().get("requests").get("http1").asLong()).isEqualTo(1);
        }

        JsonNode plugins = http.get("/api/v1/plugins").json();
        JsonNode failing = byId(plugins, "always-fails");
        assertThat(failing.get("state").asString()).isEqualTo("DISABLED");
        assertThat(failing.get("lastError").asString()).contains("IllegalStateException", "detect is broken on purpose",
                "in detect, on TCP /");
        assertThat(failing.get("failures").asLong()).isGreaterThanOrEqualTo(5);
        // it comes back by itself after the cool-down, or at once when asked
        JsonNode enabled = http.postJson("/api/v1/plugins/always-fails/enable", "{}").json();
        assertThat(enabled.get("state").asString()).isEqualTo("STARTED");
        assertThat(byId(http.get("/api/v1/plugins").json(), "always-fails").get("state").asString()).isEqualTo("STARTED");
        assertThat(http.postJson("/api/v1/plugins/nope/enable", "{}").status()).isEqualTo(404);
        Http.Response notLoaded = http.postJson("/api/v1/plugins/broken.jar/enable", "{}");
        assertThat(notLoaded.status()).isEqualTo(409);
        assertThat(notLoaded.json().get("error").asString()).contains("did not load");
        assertThat(byId(plugins, "broken.jar").get("state").asString()).isEqualTo("FAILED");
        assertThat(byId(plugins, "l7-http1").get("state").asString()).isEqualTo("STARTED");
        assertThat(byId(plugins, "kvline").get("state").asString()).isEqualTo("STARTED");
        assertThat(http.get("/actuator/health").body()).contains("UP");
    }

    private static JsonNode byId(JsonNode plugins, String id) {
        for (JsonNode p : plugins) {
            if (p.get("id").asString().equals(id)) {
                return p;
            }
        }
        throw new AssertionError("no plugin " + id + " in " + plugins);
    }
}
