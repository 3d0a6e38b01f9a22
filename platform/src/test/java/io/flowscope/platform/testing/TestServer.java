package io.flowscope.platform.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;

/** What every server test sets up: a data directory of its own and the plugins the reactor built. */
public final class TestServer {

    private TestServer() {
    }

    /** A new data directory, removed when the JVM exits. */
    public static Path dataDir(String name) {
        try {
            Path p = Files.createTempDirectory(name);
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's data and plugins directories, for a {@code @DynamicPropertySource}. */
    public static void properties(DynamicPropertyRegistry r, Path data) {
        r.add("flowscope.data-dir", data::toString);
        r.add("flowscope.plugins-dir", () -> Importing.pluginsDir().toString());
    }
}
