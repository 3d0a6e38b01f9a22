package io.flowscope.platform.cli;

import io.flowscope.platform.FlowscopeApplication;
import io.flowscope.platform.FlowscopeSettings;
import io.flowscope.platform.api.NetworkExposure;
import java.nio.file.Path;
import org.springframework.boot.SpringApplication;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flowscope run}: the all-in-one server (API, console, probes: live capture of loopback by default). */
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

    @Option(names = "--interfaces", paramLabel = "LIST", description = "Interfaces to capture live: names separated by "
            + "commas, 'all' (every interface that is up, except loopback) or 'none' (default: "
            + "flowscope.probes.afpacket.interfaces, lo). The server's own API traffic is left out.")
    String interfaces;

    @Option(names = "--filter", paramLabel = "EXPR", description = "Capture filter in tcpdump syntax, applied in the kernel "
            + "(default: everything).")
    String filter;

    @Option(names = "--max-flows", paramLabel = "N", description = "Flows each source's flow table holds at once (default: "
            + "flowscope.flow.max-flows, 2,000,000); over it the longest idle flow is reported early as evicted "
            + "(close type 21).")
    Integer maxFlows;

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
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
            "--server.port=" + port,
            "--server.address=" + address,
            "--flowscope.data-dir=" + (dataDir != null ? dataDir : FlowscopeSettings.defaultDataDir()),
            "--flowscope.plugins-dir=" + FlowscopeSettings.defaultPluginsDir(),
            "--flowscope.extra-plugins-dirs=" + String.join(",", pluginsDirs.stream().map(Path::toString).toList()),
            "--flowscope.insecure-no-auth=" + insecureNoAuth));
        if (interfaces != null) {
            args.add(interfaces.trim().equals("none") ? "--flowscope.probes.afpacket.enabled=false"
                    : "--flowscope.probes.afpacket.interfaces=" + interfaces);
        }
        if (filter != null) {
            args.add("--flowscope.probes.afpacket.filter=" + filter);
        }
        if (maxFlows != null) {
            args.add("--flowscope.flow.max-flows=" + maxFlows);
        }
        SpringApplication.run(FlowscopeApplication.class, args.toArray(String[]::new));
        started = true;
        System.err.println(exposure == null
                ? "flowscope: serving http://" + address + ":" + port + " (loopback only; the API has no authentication)"
                : "flowscope: WARNING: serving http://" + address + ":" + port + " WITHOUT AUTHENTICATION (" + exposure
                        + "): anyone who reaches it can run SQL and import data");
    }
}
