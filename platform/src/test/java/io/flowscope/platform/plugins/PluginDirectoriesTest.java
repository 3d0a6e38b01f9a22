package io.flowscope.platform.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.l7.FailurePolicy;
import io.flowscope.platform.testing.Importing;
import io.flowscope.platform.testing.SamplePlugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extra plugin directories add to the built-in plugins; a missing or empty one is reported. */
class PluginDirectoriesTest {

    @TempDir
    Path dir;

    @Test
    void extraDirectoriesAddToTheBuiltInPluginsAndUnusableOnesAreReported() throws Exception {
        Path extra = Files.createDirectories(dir.resolve("extra"));
        Files.copy(SamplePlugins.jars().resolve("kvline.jar"), extra.resolve("kvline.jar"));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path missing = dir.resolve("missing");
        try (PluginHost host = PluginHost.start(Importing.pluginsDir(), List.of(extra, empty, missing), FailurePolicy.DEFAULT)) {
            Map<String, PluginStatus> byId = host.statuses().stream().collect(Collectors.toMap(PluginStatus::id, s -> s));
            assertThat(byId.get("l7-http1").state()).isEqualTo("STARTED");
            assertThat(byId.get("kvline").state()).isEqualTo("STARTED");
            assertThat(byId.get("dir:" + empty).kind()).isEqualTo("directory");
            assertThat(byId.get("dir:" + empty).lastError()).contains("has no plugin jar");
            assertThat(byId.get("dir:" + missing).state()).isEqualTo("FAILED");
            assertThat(byId.get("dir:" + missing).lastError()).contains("does not exist");
            assertThat(host.protocols()).extracting(h -> h.descriptor().id()).contains("http1", "kvline");
        }
    }
}
