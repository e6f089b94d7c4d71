package dev.baton.platform.web;

import dev.baton.authz.api.AuthzException;
import dev.baton.authz.web.ProblemResponses;
import dev.baton.engine.api.EngineException;
import dev.baton.tenancy.QuotaExceededException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;

/** Turns every refusal into a problem-details body that names the field at fault; a caller never sees a 500 for bad input. */
@RestControllerAdvice
// just behind the console's own advice, which answers its pages with pages instead of problem details
@org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE + 10)
public class ApiErrors {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    /** The HTTP status the engine's refusal of {@code kind} is answered with, here and on task streams. */
    public static HttpStatus statusOf(EngineException.Kind kind) {
        return switch (kind) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
        };
    }

    @ExceptionHandler(EngineException.class)
    ProblemDetail engine(EngineException e) {
        HttpStatus status = statusOf(e.kind());
        ProblemDetail p = problem(status, e.getMessage(), e.field(),
                e.violations().stream().map(v -> Map.entry(v.field(), v.reason())).toList());
        if (!e.violations().isEmpty()) {
            p.setProperty("violations", e.violations().stream()
                    .map(v -> Map.of("field", v.field(), "reason", v.reason())).toList());
        }
        return p;
    }

    @ExceptionHandler(AuthzException.class)
    ProblemDetail authz(AuthzException e) {
        HttpStatus status = switch (e.kind()) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
        };
        return problem(status, e.getMessage(), e.field());
    }

    @ExceptionHandler(QuotaExceededException.class)
    ProblemDetail quota(QuotaExceededException e) {
        ProblemDetail p = problem(HttpStatus.TOO_MANY_REQUESTS, e.getMessage(), null);
        p.setType(URI.create("https://baton.dev/problems/quota-exceeded"));
        p.setProperty("limit", e.limit());
        p.setProperty("value", e.value());
        return p;
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof JacksonException je) {
            String field = je.getPath().stream()
                    .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            return problem(HttpStatus.BAD_REQUEST, "the request body is not valid: " + je.getOriginalMessage(),
                    field.isEmpty() ? null : field);
        }
        return problem(HttpStatus.BAD_REQUEST, "the request body is missing or is not valid JSON", null);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail mismatch(MethodArgumentTypeMismatchException e) {
        String expected = e.getRequiredType() == null ? "another type" : e.getRequiredType().getSimpleName();
        return problem(HttpStatus.BAD_REQUEST, "'" + e.getValue() + "' is not a valid " + expected, e.getName());
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ProblemDetail missing(MissingServletRequestParameterException e) {
        return problem(HttpStatus.BAD_REQUEST, "the parameter is required", e.getParameterName());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ProblemDetail method(HttpRequestMethodNotSupportedException e) {
        return problem(HttpStatus.METHOD_NOT_ALLOWED, e.getMessage(), null);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ProblemDetail mediaType(HttpMediaTypeNotSupportedException e) {
        return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, e.getMessage(), null);
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ProblemDetail noResource(NoResourceFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "no such endpoint: " + e.getResourcePath(), null);
    }

    @ExceptionHandler(AccessDeniedException.class)
    ProblemDetail forbidden(AccessDeniedException e) {
        return problem(HttpStatus.FORBIDDEN, e.getMessage(), null);
    }

    @ExceptionHandler(AuthenticationException.class)
    ProblemDetail unauthenticated(AuthenticationException e) {
        return problem(HttpStatus.UNAUTHORIZED, e.getMessage(), null);
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        log.error("unexpected error", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "an unexpected error occurred; it has been logged", null);
    }

    static ProblemDetail problem(HttpStatus status, String detail, String field) {
        return problem(status, detail, field, List.of());
    }

    /** A problem naming {@code field}, with each of {@code violations} (field and reason) in Conductor's members. */
    private static ProblemDetail problem(HttpStatus status, String detail, String field,
            List<Map.Entry<String, String>> violations) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create("https://baton.dev/problems/" + status.name().toLowerCase().replace('_', '-')));
        if (field != null && !field.isEmpty()) {
            p.setProperty("field", field);
        }
        ProblemResponses.conductorMembers(status.value(), detail, field, violations).forEach(p::setProperty);
        return p;
    }
}
