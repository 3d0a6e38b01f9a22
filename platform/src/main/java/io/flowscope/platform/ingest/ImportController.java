package io.flowscope.platform.ingest;

import io.flowscope.platform.api.RequestBodies;
import io.flowscope.platform.metrics.FlowscopeMetrics;
import io.flowscope.platform.pipeline.Pipelines;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/import?name=FILE} with the capture as the request body, whatever its content type:
 * how {@code flowscope import} reaches a running server (which owns the database file). The body streams
 * straight into the same {@link CaptureImporter} as the command line uses; nothing is spooled to disk.
 * A body declared larger than {@code flowscope.import.max-upload-bytes} is refused with 413 before any of
 * it is read; one that turns out larger ends there, keeps what came before (like a truncated file), and is
 * answered 413 with the summary.
 */
@RestController
class ImportController {

    private final CaptureImporter importer;
    private final FlowscopeMetrics metrics;
    private final long maxUpload;

    ImportController(Pipelines pipelines, FlowscopeMetrics metrics,
            @Value("${flowscope.import.max-upload-bytes:1GB}") DataSize maxUpload) {
        this.importer = new CaptureImporter(pipelines);
        this.metrics = metrics;
        this.maxUpload = maxUpload.toBytes();
    }

    @PostMapping("/api/v1/import")
    ResponseEntity<FileSummary> importCapture(HttpServletRequest request) throws IOException, SQLException {
        // the name is read from the query string itself: asking the servlet for parameters would parse a
        // form-encoded body (curl's default content type) and leave nothing of the capture to read
        String name = queryParameter(request.getQueryString(), "name", "upload");
        RequestBodies.refuseDeclaredOversize(request, maxUpload, "import");
        CaptureImporter.Result r;
        try (InputStream in = request.getInputStream()) {
            // counts reach the metrics while a long upload runs, and the rest when it ends
            r = importer.importStream(in, name, maxUpload, metrics::record);
        }
        boolean tooLarge = r.summary().errors().containsKey("upload_too_large");
        return ResponseEntity.status(tooLarge ? HttpStatus.CONTENT_TOO_LARGE : HttpStatus.OK).body(r.summary());
    }

    static String queryParameter(String query, String name, String dflt) {
        if (query == null) {
            return dflt;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                return v.isBlank() ? dflt : v;
            }
        }
        return dflt;
    }
}
