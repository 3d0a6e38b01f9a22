package io.flowscope.platform.cli;

import io.flowscope.platform.FlowscopeSettings;
import io.flowscope.platform.flow.FlowTimeouts;
import io.flowscope.platform.ingest.CaptureImporter;
import io.flowscope.platform.ingest.FileSummary;
import io.flowscope.platform.pipeline.PipelineSettings;
import io.flowscope.platform.pipeline.Pipelines;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.Store;
import io.flowscope.platform.store.ServerMarker;
import io.flowscope.platform.store.StoreLockedException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code flowscope import}: reads capture files into the store and prints a summary per file and a total.
 * Opens the data directory itself when no server holds it; when a server does (its {@code server.url}
 * marker answers), or with {@code --server}, sends each file to that server instead: DuckDB allows one
 * process per database file. Exit status: 0 all read, 1 some file stopped at a fault (what came before
 * it is kept), 2 nothing could be imported.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import pcap/pcapng files: store their flows and requests, print a summary.")
final class ImportCommand implements Callable<Integer> {

    static final class Target {
        @Option(names = "--server", description = "Import through the Flowscope server at this URL (e.g. http://127.0.0.1:8080).")
        URI server;

        @Option(names = "--data-dir", description = "Import into this data directory (default: $FLOWSCOPE_DATA_DIR, /var/lib/flowscope for root, else ~/.local/share/flowscope).")
        Path dataDir;
    }

    @ArgGroup(exclusive = true)
    Target target = new Target();

    @Option(names = "--json", description = "Print the summary as JSON (see docs/import.md).")
    boolean json;

    @Option(names = "--plugins-dir", description = "A directory of plugin jars to load besides the built-in ones "
            + "(repeatable); a missing or empty one is reported. Imports through a running server use the server's plugins.")
    List<Path> pluginsDirs = new ArrayList<>();

    @Option(names = "--max-flows", paramLabel = "N", description = "Flows the flow table holds at once (default: "
            + PipelineSettings.DEFAULT_MAX_FLOWS + "); over it the longest idle "
            + "flow is reported early (close type 21) and counted. Bounds the import's memory (docs/import.md).")
    Integer maxFlows;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "pcap or pcapng files.")
    List<Path> files;

    private final PrintStream out = System.out;
    private final PrintStream err = System.err;

    @Override
    public Integer call() throws Exception {
        CliLogging.configure();
        if (maxFlows != null && maxFlows < 1) {
            err.println("flowscope import: --max-flows must be at least 1, not " + maxFlows);
            return 2;
        }
        URI server = target.server;
        Path dataDir = target.dataDir != null ? target.dataDir : FlowscopeSettings.defaultDataDir();
        if (server == null) {
            String marker = ServerMarker.read(dataDir).orElse(null);
            if (marker != null && answers(marker)) {
                server = URI.create(marker);
                err.println("flowscope: a server owns " + dataDir + "; importing through it at " + server);
            }
        }
        List<FileSummary> summaries = new ArrayList<>();
        boolean fault;
        try {
            fault = server != null ? viaServer(server, summaries) : direct(dataDir, summaries);
        } catch (StoreLockedException e) {
            err.println("flowscope import: " + e.getMessage());
            return 2;
        }
        print(summaries);
        return fault ? 1 : 0;
    }

    private boolean direct(Path dataDir, List<FileSummary> summaries) throws SQLException, IOException {
        Path plugins = FlowscopeSettings.defaultPluginsDir();
        boolean fault = false;
        try (PluginHost host = PluginHost.start(plugins, pluginsDirs, io.flowscope.platform.l7.FailurePolicy.DEFAULT);
             Store store = Store.embedded(dataDir)) {
            host.statuses().stream().filter(s -> !"STARTED".equals(s.state()))
                    .forEach(s -> err.println("flowscope: plugin " + s.id() + " is " + s.state() + ": " + s.lastError()));
            CaptureImporter importer = new CaptureImporter(new Pipelines(host, store, null,
                    maxFlows != null ? maxFlows : PipelineSettings.DEFAULT_MAX_FLOWS, FlowTimeouts.DEFAULTS));
            for (Path file : files) {
                FileSummary s;
                if (!Files.isRegularFile(file)) {
                    s = FileSummary.unreadable(file.toString());
                } else {
                    ProgressBar bar = ProgressBar.forFile(file, err, !json && System.console() != null);
                    s = importer.importFile(file, file.toString(), bar).summary();
                    bar.done();
                    List<String> disabled = host.statuses().stream().filter(x -> "DISABLED".equals(x.state()))
                            .map(x -> x.id() + " (" + x.lastError() + ")").toList();
                    if (!disabled.isEmpty()) {
                        err.println("flowscope: disabled plugins: " + String.join(", ", disabled));
                    }
                }
                fault |= report(s);
                summaries.add(s);
            }
        }
        return fault;
    }

    private boolean viaServer(URI server, List<FileSummary> summaries) throws IOException, InterruptedException {
        if (maxFlows != null) {
            err.println("flowscope import: --max-flows is not used: the server at " + server + " imports with its own bounds (its flowscope.flow.max-flows)");
        }
        if (!pluginsDirs.isEmpty()) {
            err.println("flowscope import: --plugins-dir is not used: the server at " + server + " parses with its own "
                    + "plugins (see GET /api/v1/plugins; start it with --plugins-dir to add some)");
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        JsonMapper mapper = JsonMapper.builder().build();
        boolean fault = false;
        for (Path file : files) {
            FileSummary s;
            if (!Files.isRegularFile(file)) {
                s = FileSummary.unreadable(file.toString());
            } else {
                URI uri = server.resolve("/api/v1/import?name=" + URLEncoder.encode(file.toString(), StandardCharsets.UTF_8));
                // expect 100-continue: a capture over the server's upload limit is refused before it is sent
                HttpRequest req = HttpRequest.newBuilder(uri).header("Content-Type", "application/octet-stream")
                        .expectContinue(true).POST(HttpRequest.BodyPublishers.ofFile(file)).build();
                HttpResponse<String> resp;
                try {
                    resp = http.send(req, HttpResponse.BodyHandlers.ofString());
                } catch (ConnectException e) {
                    throw new IllegalStateException("cannot reach the server at " + server + ": " + e.getMessage(), e);
                }
                if (resp.statusCode() == 413 && !resp.body().contains("\"packets\"")) {
                    throw new IllegalStateException(file + " is larger than the upload limit of the server at " + server
                            + " (flowscope.import.max-upload-bytes, docs/security.md): raise it, or stop the server and "
                            + "import with --data-dir");
                }
                if (resp.statusCode() != 200 && resp.statusCode() != 413) {
                    throw new IllegalStateException("the server at " + server + " refused " + file + ": HTTP "
                            + resp.statusCode() + " " + resp.body());
                }
                s = mapper.readValue(resp.body(), FileSummary.class);
            }
            fault |= report(s);
            summaries.add(s);
        }
        return fault;
    }


    /** Prints a fault message on stderr; returns whether there was one. */
    private boolean report(FileSummary s) {
        if (s.fault() != null) {
            err.println("flowscope import: " + s.fault());
            return true;
        }
        return false;
    }

    private static boolean answers(String url) {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url + "/actuator/health"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void print(List<FileSummary> summaries) {
        FileSummary total = FileSummary.emptyTotal();
        for (FileSummary s : summaries) {
            total = total.plus(s);
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("files", summaries);
            doc.put("total", total);
            out.println(JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
            return;
        }
        for (FileSummary s : summaries) {
            out.println(SummaryText.format(s.file(), s));
        }
        if (summaries.size() > 1) {
            out.println(SummaryText.format("total", total));
        }
    }
}
