package io.flowscope.platform.cli;

import io.flowscope.platform.FlowscopeApplication;
import io.flowscope.platform.FlowscopeSettings;
import io.flowscope.platform.api.NetworkExposure;
import java.nio.file.Path;
import org.springframework.boot.SpringApplication;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flowscope run}: the all-in-one server (API, console; later the probes). */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Start the Flowscope server.")
final class RunCommand implements Runnable {

    private static volatile boolean started;

    @Option(names = "--port", description = "HTTP port (default: ${DEFAULT-VALUE}).", defaultValue = "8080")
    int port;

    @Option(names = "--address", description = "Address to listen on (default: ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
    String address;

    @Option(names = "--data-dir", description = "Data directory (default: $FLOWSCOPE_DATA_DIR, /var/lib/flowscope for root, else ~/.local/share/flowscope).")
    Path dataDir;

    @Option(names = "--plugins-dir", description = "A directory of plugin jars to load besides the built-in ones "
            + "(repeatable); a missing or empty one is reported.")
    java.util.List<Path> pluginsDirs = new java.util.ArrayList<>();

    @Option(names = "--insecure-no-auth", description = "Listen on a non-loopback --address although the API has no "
            + "authentication yet: anyone who reaches it can run SQL and import data (see docs/security.md).")
    boolean insecureNoAuth;

    static boolean serverStarted() {
        return started;
    }

    @Override
    public void run() {
        String exposure = NetworkExposure.problem(address);
        if (exposure != null && !insecureNoAuth) {
            throw new IllegalArgumentException(NetworkExposure.refusal(address, exposure));
        }
        // passed as command-line properties so they win over application.properties
        String[] args = {
            "--server.port=" + port,
            "--server.address=" + address,
            "--flowscope.data-dir=" + (dataDir != null ? dataDir : FlowscopeSettings.defaultDataDir()),
            "--flowscope.plugins-dir=" + FlowscopeSettings.defaultPluginsDir(),
            "--flowscope.extra-plugins-dirs=" + String.join(",", pluginsDirs.stream().map(Path::toString).toList()),
            "--flowscope.insecure-no-auth=" + insecureNoAuth,
        };
        SpringApplication.run(FlowscopeApplication.class, args);
        started = true;
        System.err.println(exposure == null
                ? "flowscope: serving http://" + address + ":" + port + " (loopback only; the API has no authentication)"
                : "flowscope: WARNING: serving http://" + address + ":" + port + " WITHOUT AUTHENTICATION (" + exposure
                        + "): anyone who reaches it can run SQL and import data");
    }
}
