package dev.baton.console.api;

import dev.baton.authz.audit.AuditFilter;
import dev.baton.authz.audit.ConsoleRelay;
import dev.baton.console.signin.SignInFlow;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console's way into the platform: the public REST API, called with the signed-in person's own access token, so
 * the console can do nothing the person could not do with the API themselves. Answers come back as plain maps and
 * lists for the templates.
 */
public final class ApiClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Supplier<String> base;
    private final ConsoleRelay relay;
    private final Duration timeout;
    private final HttpClient http;

    public ApiClient(Supplier<String> base, ConsoleRelay relay, Duration timeout) {
        this.base = base;
        this.relay = relay;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Posts {@code form} (a code exchange) to the authorization server's token endpoint: the access token. */
    public String exchangeCode(String form) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base.get() + "/oauth2/token")).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        Map<?, ?> tokens = (Map<?, ?>) parse(send(request));
        return (String) tokens.get("access_token");
    }

    /** GET {@code path} (already encoded, with its query): the JSON answer as maps and lists. */
    public Object get(String path) {
        return parse(send(call(path).GET().build()));
    }

    /** GET {@code path}: the answer's text as it is (exports). */
    public String text(String path) {
        return send(call(path).GET().build()).body();
    }

    /** A call with a JSON body (or none when {@code body} is null): the answer, JSON parsed, or text, or null. */
    public Object send(String method, String path, Object body) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body));
        HttpRequest.Builder b = call(path).method(method, publisher);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = send(b.build());
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (response.body().isEmpty()) {
            return null;
        }
        return type.contains("json") ? parse(response) : response.body();
    }

    /** Encodes one path segment or query value. */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A query string of the non-blank values of {@code params}, in order. */
    public static String query(Map<String, ?> params) {
        return params.entrySet().stream()
                .filter(e -> e.getValue() != null && !e.getValue().toString().isBlank())
                .map(e -> e.getKey() + "=" + encode(e.getValue().toString()))
                .collect(Collectors.joining("&"));
    }

    /** Writes {@code value} as indented JSON, for display. */
    public static String pretty(Object value) {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    }

    /** Reads JSON text a person typed; a syntax error is a problem naming where it is. */
    public static Object readJson(String text, String field) {
        try {
            return JSON.readValue(text, Object.class);
        } catch (JacksonException e) {
            throw new ApiProblem(400, "Bad Request", field + " is not valid JSON: " + e.getOriginalMessage(),
                    List.of(Map.of("field", field, "reason", "is not valid JSON: " + e.getOriginalMessage())));
        }
    }

    private HttpRequest.Builder call(String path) {
        HttpServletRequest current = ((ServletRequestAttributes) RequestContextHolder.currentRequestAttributes())
                .getRequest();
        HttpSession session = current.getSession(false);
        String token = session == null ? null : (String) session.getAttribute(SignInFlow.TOKEN);
        if (token == null) {
            throw new ApiProblem(401, "Unauthorized", "Your session has ended; please sign in again.", null);
        }
        return HttpRequest.newBuilder(URI.create(base.get() + path)).timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json, text/plain")
                .header(AuditFilter.REQUEST_ID, AuditFilter.requestId(current))
                .header(ConsoleRelay.SECRET_HEADER, relay.secret())
                .header(ConsoleRelay.ADDRESS_HEADER, current.getRemoteAddr());
    }

    private HttpResponse<String> send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("the API did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling the API", e);
        }
        if (response.statusCode() >= 400) {
            throw problem(response);
        }
        return response;
    }

    @SuppressWarnings("unchecked")
    private static ApiProblem problem(HttpResponse<String> response) {
        try {
            Map<String, Object> body = JSON.readValue(response.body(), Map.class);
            String detail = (String) (body.get("detail") != null ? body.get("detail") : body.get("error_description"));
            List<Map<String, Object>> violations = (List<Map<String, Object>>) body.get("violations");
            if (violations == null && body.get("field") instanceof String field) {
                violations = List.of(Map.of("field", field, "reason", detail == null ? "is not accepted" : detail));
            }
            return new ApiProblem(response.statusCode(), String.valueOf(body.getOrDefault("title", "Error")),
                    detail, violations);
        } catch (JacksonException | ClassCastException e) {
            return new ApiProblem(response.statusCode(), "Error", "the API answered " + response.statusCode(), null);
        }
    }

    private static Object parse(HttpResponse<String> response) {
        return response.body().isEmpty() ? null : lenient(JSON.readValue(response.body(), Object.class));
    }

    /** The parsed JSON with every object a {@link JsonObject}. */
    @SuppressWarnings("unchecked")
    private static Object lenient(Object json) {
        if (json instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, v) -> copy.put(k, lenient(v)));
            return new JsonObject(copy);
        }
        if (json instanceof List<?> l) {
            return l.stream().map(ApiClient::lenient).collect(Collectors.toCollection(java.util.ArrayList::new));
        }
        return json;
    }
}
