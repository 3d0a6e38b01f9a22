package io.flowscope.platform.query;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * API errors as {@code {"error": "..."}}: 400 for bad requests, Spring's status for its own request errors
 * (404, 405, 415), 500 (logged) for our failures; never a stack trace.
 */
@RestControllerAdvice
class ApiErrors {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    private final MeterRegistry meters;

    ApiErrors(MeterRegistry meters) {
        this.meters = meters;
    }

    @ExceptionHandler(BadQueryException.class)
    ResponseEntity<Map<String, String>> badQuery(BadQueryException e, HttpServletRequest request) {
        return refused(e.getMessage(), request);
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class})
    ResponseEntity<Map<String, String>> badParameter(Exception e, HttpServletRequest request) {
        return refused(e.getMessage(), request);
    }

    /** A refused request is counted per endpoint (flowscope_api_refused_total) and logged at debug: it is the caller's error. */
    private ResponseEntity<Map<String, String>> refused(String message, HttpServletRequest request) {
        meters.counter("flowscope.api.refused", "endpoint", request.getRequestURI()).increment();
        log.debug("refused {}: {}", request.getRequestURI(), message);
        return ResponseEntity.badRequest().body(Map.of("error", message));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, String>> failure(Exception e) {
        if (e instanceof ErrorResponse r) {
            // Spring's own request errors (404 no such path, 405, 415 …) keep their status
            return ResponseEntity.status(r.getStatusCode()).body(Map.of("error", r.getBody().getDetail() == null
                    ? r.getStatusCode().toString() : r.getBody().getDetail()));
        }
        log.error("request failed", e);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
                .body(Map.of("error", e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
}
