package io.flowscope.platform.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Leaves {@code server.url} in the data directory while a server owns it, so that {@code flowscope import}
 * can send captures to that server instead of failing on DuckDB's file lock.
 */
@Component
public class ServerMarker implements ApplicationListener<WebServerInitializedEvent> {

    /** Name of the marker file inside the data directory. */
    public static final String FILE = "server.url";
    private static final Logger log = LoggerFactory.getLogger(ServerMarker.class);

    private final Path marker;

    ServerMarker(DuckDbStore store) {
        this.marker = store.file().getParent().resolve(FILE);
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        String host = event.getApplicationContext().getEnvironment().getProperty("server.address", "127.0.0.1");
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + event.getWebServer().getPort();
        try {
            Files.writeString(marker, url + "\n", StandardCharsets.UTF_8);
            marker.toFile().deleteOnExit();
        } catch (IOException e) {
            log.warn("cannot write {}: {}", marker, e.toString());
        }
    }

    /** The URL a server left in a data directory, if any. */
    public static Optional<String> read(Path dataDir) {
        Path p = dataDir.resolve(FILE);
        try {
            return Files.exists(p) ? Optional.of(Files.readString(p, StandardCharsets.UTF_8).trim()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
