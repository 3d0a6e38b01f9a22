package io.flowscope.platform.ingest;

import io.flowscope.platform.metrics.FlowscopeMetrics;
import io.flowscope.platform.plugins.PluginHost;
import io.flowscope.platform.store.DuckDbStore;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/import?name=FILE} with the capture as the request body: how {@code flowscope import}
 * reaches a running server (which owns the database file). The body is spooled to a temporary file
 * and imported through the same {@link CaptureImporter} as the command line uses.
 */
@RestController
class ImportController {

    private final CaptureImporter importer;
    private final FlowscopeMetrics metrics;

    ImportController(PluginHost plugins, DuckDbStore store, FlowscopeMetrics metrics) {
        this.importer = new CaptureImporter(plugins, store);
        this.metrics = metrics;
    }

    @PostMapping("/api/v1/import")
    FileSummary importCapture(@RequestParam(defaultValue = "upload") String name, HttpServletRequest request)
            throws IOException, SQLException {
        Path tmp = Files.createTempFile("flowscope-import-", ".cap");
        try {
            try (InputStream in = request.getInputStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            CaptureImporter.Result r = importer.importFile(tmp, name, null);
            metrics.record(r.counters());
            return r.summary();
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
