package dev.baton.authz.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/** The API's 401 and 403 answers, in the same problem-details shape as every other refusal. */
public final class ProblemResponses {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemResponses() {}

    /** 401 with a Bearer challenge, for a missing, expired, forged or foreign token. */
    public static AuthenticationEntryPoint unauthenticated() {
        return (request, response, e) -> {
            String error = request.getHeader(HttpHeaders.AUTHORIZATION) != null
                    || request.getHeader("X-Authorization") != null ? "invalid_token" : null;
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE,
                    error == null ? "Bearer" : "Bearer error=\"" + error + "\"");
            // the official clients sign in again by themselves when a refusal says EXPIRED_TOKEN or INVALID_TOKEN
            Map<String, Object> extra = error == null ? Map.of() : Map.of("error", expired(e)
                    ? "EXPIRED_TOKEN" : "INVALID_TOKEN");
            write(response, 401, "unauthenticated", error == null
                    ? "this call needs a bearer token (Authorization: Bearer or X-Authorization)"
                    : "the token was refused: " + e.getMessage(), request.getRequestURI(), extra);
        };
    }

    private static boolean expired(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("expired")) {
                return true;
            }
        }
        return false;
    }

    /** 403 naming what is missing. */
    public static AccessDeniedHandler forbidden() {
        return (request, response, e) -> write(response, 403, "forbidden", e.getMessage(), request.getRequestURI());
    }

    /** A problem-details answer naming the field at fault. */
    public static ResponseEntity<ProblemDetail> problem(HttpStatus status, String field, String reason) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, field + " " + reason);
        p.setType(URI.create("https://baton.dev/problems/" + (status == HttpStatus.UNAUTHORIZED
                ? "unauthenticated" : status.name().toLowerCase().replace('_', '-'))));
        p.setProperty("field", field);
        conductorMembers(status.value(), p.getDetail(), field, List.of()).forEach(p::setProperty);
        return ResponseEntity.status(status).body(p);
    }

    /**
     * The members Conductor's clients read from an error body, beside problem details' own: {@code message} (the
     * detail), {@code retryable} (true when the same call may succeed later: 429, 503) and, for a 400 naming what is
     * wrong, {@code validationErrors} as {@code {path, message}}, one per violation ({@code violations} maps each
     * field to its reason; empty means the one {@code field}).
     */
    public static Map<String, Object> conductorMembers(int status, String detail, String field,
            List<Map.Entry<String, String>> violations) {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("message", detail);
        members.put("retryable", status == 429 || status == 503);
        if (status == 400 && (!violations.isEmpty() || (field != null && !field.isEmpty()))) {
            List<Map<String, String>> errors = new ArrayList<>();
            if (violations.isEmpty()) {
                errors.add(Map.of("path", field, "message", detail == null ? "" : detail));
            }
            violations.forEach(v -> errors.add(Map.of("path", v.getKey(), "message", v.getValue())));
            members.put("validationErrors", errors);
        }
        return members;
    }

    static void write(HttpServletResponse response, int status, String type, String detail, String instance)
            throws IOException {
        write(response, status, type, detail, instance, Map.of());
    }

    /** Writes a problem-details answer; {@code extra} adds members such as {@code field}. */
    public static void write(HttpServletResponse response, int status, String type, String detail, String instance,
            Map<String, Object> extra) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(json(status, type, detail, instance, extra).getBytes(StandardCharsets.UTF_8));
    }

    /** A problem-details body as JSON text; {@code instance} may be null (left out). */
    public static String json(int status, String type, String detail, String instance, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://baton.dev/problems/" + type);
        body.put("title", HttpStatus.valueOf(status).getReasonPhrase());
        body.put("status", status);
        body.put("detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
        body.putAll(extra);
        Object field = extra.get("field");
        body.putAll(conductorMembers(status, detail, field instanceof String f ? f : null, List.of()));
        return JSON.writeValueAsString(body);
    }
}
