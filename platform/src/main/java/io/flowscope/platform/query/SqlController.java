package io.flowscope.platform.query;

import io.flowscope.platform.api.ClientErrorException;
import io.flowscope.platform.api.RequestBodies;
import io.flowscope.platform.store.Store;
import io.flowscope.platform.store.UserSql;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/v1/sql}: one read-only query (decided by the store, see {@link UserSql}),
 * with limits on the body, rows, response bytes, time and concurrency. Body: {@code {"sql": "...",
 * "max_rows": 1000, "timeout_seconds": 10}} as JSON, or the SQL as text/plain. docs/security.md has the rest.
 */
@RestController
class SqlController {

    static final int DEFAULT_ROWS = 10_000;
    static final int MAX_ROWS = 100_000;
    static final int DEFAULT_TIMEOUT_SECONDS = 30;
    static final int MAX_TIMEOUT_SECONDS = 300;

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final UserSql sql;
    private final SqlAdmission admission;
    private final long maxQueryBytes;
    private final long maxResponseBytes;

    SqlController(Store store, SqlAdmission admission,
            @Value("${flowscope.sql.max-query-bytes:64KB}") DataSize maxQuery,
            @Value("${flowscope.sql.max-response-bytes:16MB}") DataSize maxResponse) {
        this.sql = store.sql();
        this.admission = admission;
        this.maxQueryBytes = maxQuery.toBytes();
        this.maxResponseBytes = maxResponse.toBytes();
    }

    /** The JSON form of a request. */
    record SqlRequest(String sql, Integer max_rows, Integer timeout_seconds) {
    }

    @PostMapping("/api/v1/sql")
    Map<String, Object> query(HttpServletRequest request) throws IOException, SQLException, InterruptedException {
        // admission first: a refused request costs no body reading or parsing
        try (SqlAdmission.Permit ignored = admission.enter()) {
            long started = System.nanoTime();
            SqlRequest q = parse(request);
            int rowsLimit = bounded(q.max_rows(), DEFAULT_ROWS, MAX_ROWS, "max_rows");
            int timeout = bounded(q.timeout_seconds(), DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, "timeout_seconds");
            UserSql.Result r = sql.run(q.sql(), new UserSql.Limits(rowsLimit, maxResponseBytes, timeout * 1000L));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("columns", r.columns());
            out.put("rows", r.rows());
            out.put("row_count", r.rows().size());
            out.put("truncated", r.truncatedBy() != null);
            out.put("truncated_by", r.truncatedBy());
            out.put("elapsed_ms", (System.nanoTime() - started) / 1_000_000);
            return out;
        }
    }

    private SqlRequest parse(HttpServletRequest request) throws IOException {
        MediaType type;
        try {
            type = request.getContentType() == null ? null : MediaType.parseMediaType(request.getContentType());
        } catch (InvalidMediaTypeException e) {
            type = null;
        }
        boolean json = type != null && type.isCompatibleWith(MediaType.APPLICATION_JSON);
        boolean text = type != null && type.isCompatibleWith(MediaType.TEXT_PLAIN);
        if (!json && !text) {
            throw ClientErrorException.unsupportedType("send the query as text/plain, or as application/json {\"sql\": \"…\"}");
        }
        byte[] body = RequestBodies.read(request, maxQueryBytes, "query");
        if (text) {
            return new SqlRequest(new String(body, type.getCharset() != null ? type.getCharset() : StandardCharsets.UTF_8),
                    null, null);
        }
        try {
            SqlRequest r = JSON.readValue(body, SqlRequest.class);
            if (r == null) {
                throw new BadQueryException("body: expected a JSON object with \"sql\"");
            }
            return r;
        } catch (UnrecognizedPropertyException e) {
            throw new BadQueryException("body: unknown field '" + e.getPropertyName()
                    + "'; the fields are sql, max_rows and timeout_seconds");
        } catch (MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "" : e.getPath().get(e.getPath().size() - 1).getPropertyName();
            throw new BadQueryException(field == null || field.isEmpty()
                    ? "body: expected a JSON object with \"sql\"" : "body: '" + field + "' has the wrong type");
        } catch (JacksonException e) {
            throw new BadQueryException("body: not valid JSON");
        }
    }

    private static int bounded(Integer v, int dflt, int max, String name) {
        if (v == null) {
            return dflt;
        }
        if (v < 1 || v > max) {
            throw new BadQueryException(name + ": must be between 1 and " + max);
        }
        return v;
    }
}
