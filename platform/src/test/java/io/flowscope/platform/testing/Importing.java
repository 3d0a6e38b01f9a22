package io.flowscope.platform.testing;

import io.flowscope.platform.FlowscopeSettings;
import io.flowscope.platform.ingest.CaptureImporter;
import io.flowscope.platform.ingest.FileSummary;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import java.nio.file.Path;

/** Imports a capture into a store with the plugins the reactor built (target/plugins). */
public final class Importing {

    private Importing() {
    }

    public static Path pluginsDir() {
        return FlowscopeSettings.defaultPluginsDir();
    }

    public static FileSummary importFile(DuckDbStore store, Path capture) throws Exception {
        try (PluginHost plugins = PluginHost.start(pluginsDir())) {
            return new CaptureImporter(plugins, store).importFile(capture, capture.toString(), null).summary();
        }
    }
}
