package io.flowscope.platform.api;

import io.flowscope.platform.store.QueryRefusedException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * API errors as {@code {"error": "..."}}: the client's mistakes get a 4xx and a short message in our own
 * words (never a class or method name); our own failures get 500 with a reference that matches exactly
 * one log line, which has the details.
 */
@RestControllerAdvice
class ApiErrors {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    private final MeterRegistry meters;

    ApiErrors(MeterRegistry meters) {
        this.meters = meters;
    }

    @ExceptionHandler(ClientErrorException.class)
    ResponseEntity<Map<String, String>> clientError(ClientErrorException e, HttpServletRequest request) {
        return refused(e.status(), e.getMessage(), request);
    }

    @ExceptionHandler(QueryRefusedException.class)
    ResponseEntity<Map<String, String>> queryRefused(QueryRefusedException e, HttpServletRequest request) {
        return refused(HttpStatus.BAD_REQUEST, e.getMessage(), request);
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<Map<String, String>> missing(MissingServletRequestParameterException e, HttpServletRequest request) {
        return refused(HttpStatus.BAD_REQUEST, e.getParameterName() + ": required", request);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Map<String, String>> mismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        Class<?> t = e.getRequiredType();
        String kind = t == null ? "value" : Number.class.isAssignableFrom(t) || t.isPrimitive() ? "number" : "value";
        return refused(HttpStatus.BAD_REQUEST, e.getName() + ": '" + e.getValue() + "' is not a valid " + kind, request);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        return refused(HttpStatus.BAD_REQUEST, "the request body could not be read", request);
    }

    /** A refused request is counted per endpoint (flowscope_api_refused_total) and logged at debug: it is the caller's error. */
    private ResponseEntity<Map<String, String>> refused(HttpStatusCode status, String message, HttpServletRequest request) {
        meters.counter("flowscope.api.refused", "endpoint", request.getRequestURI(),
                "status", Integer.toString(status.value())).increment();
        log.debug("refused {} {}: {}", status.value(), request.getRequestURI(), message);
        ResponseEntity.BodyBuilder r = ResponseEntity.status(status);
        if (status.value() == 429) {
            r.header("Retry-After", "1");
        }
        return r.body(Map.of("error", message));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, String>> failure(Exception e, HttpServletRequest request) {
        if (e instanceof ErrorResponse r) {
            // Spring's own request errors (404 no such path, 405, 415 …) keep their status and their words
            String detail = r.getBody().getDetail();
            return refused(r.getStatusCode(), detail == null ? r.getStatusCode().toString() : detail, request);
        }
        String id = UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
        log.error("request {} {} failed (reference {})", request.getMethod(), request.getRequestURI(), id, e);
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", "internal error (reference " + id + " in the server log)");
        body.put("reference", id);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(body);
    }
}
