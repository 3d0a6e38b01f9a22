package io.flowscope.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/** Where Flowscope keeps its data and finds its plugins when nothing says otherwise. */
public final class FlowscopeSettings {

    private FlowscopeSettings() {
    }

    /** {@code $FLOWSCOPE_DATA_DIR}, else /var/lib/flowscope for root, else ~/.local/share/flowscope. */
    public static Path defaultDataDir() {
        String env = System.getenv("FLOWSCOPE_DATA_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of("/var/lib/flowscope");
        }
        return Path.of(System.getProperty("user.home"), ".local", "share", "flowscope");
    }

    /**
     * {@code -Dflowscope.plugins-dir}, else {@code $FLOWSCOPE_PLUGINS_DIR}, else {@code plugins/} beside the
     * platform's jar or classes directory: {@code platform/target/plugins}, where the reactor build puts them.
     */
    public static Path defaultPluginsDir() {
        String prop = System.getProperty("flowscope.plugins-dir");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv("FLOWSCOPE_PLUGINS_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        try {
            CodeSource src = FlowscopeSettings.class.getProtectionDomain().getCodeSource();
            Path here = Path.of(src.getLocation().toURI());
            Path dir = here.getParent().resolve("plugins");
            if (Files.isDirectory(dir)) {
                return dir;
            }
        } catch (Exception e) {
            // fall through to the working directory
        }
        return Path.of("plugins");
    }
}
