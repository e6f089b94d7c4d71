package dev.baton.tasks.http;

import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.spi.AsyncTaskHandler;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.InputException;
import dev.baton.engine.spi.TaskCall;
import dev.baton.engine.spi.TaskOutcome;
import dev.baton.tenancy.outbound.OutboundAddressPolicy.RefusedAddressException;
import dev.baton.tenancy.outbound.OutboundAddressPolicy;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP: one request to an address the policy allows (https only and no private, loopback or metadata ranges,
 * unless an operator allows them), with the answer's status, headers and body as output. Conductor's HTTP task
 * input runs unchanged.
 */
public final class HttpTaskHandler implements AsyncTaskHandler<HttpInput>, AutoCloseable {

    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final int DEFAULT_TIMEOUT_MS = 3000;
    private static final int REASON_BODY_CHARS = 500;

    private final OutboundAddressPolicy outbound;
    private final HttpAllowList allowList;
    private final Duration maxReadTimeout;
    private final Duration maxDuration;
    private final JsonMapper json = JsonMapper.builder().build();

    /** {@code allowList} (null: none) narrows, per tenant, the hosts {@code outbound} allows. */
    public HttpTaskHandler(OutboundAddressPolicy outbound, HttpAllowList allowList, Duration connectTimeout,
            Duration maxReadTimeout) {
        this.outbound = outbound;
        this.allowList = allowList;
        this.maxReadTimeout = maxReadTimeout;
        this.maxDuration = connectTimeout.plus(maxReadTimeout).plusSeconds(10);
    }

    @Override
    public String type() {
        return "HTTP";
    }

    @Override
    public Class<HttpInput> inputType() {
        return HttpInput.class;
    }

    @Override
    public Duration maxDuration() {
        return maxDuration;
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        Map<String, Object> in = task.inputParameters();
        boolean nested = in.containsKey("http_request");
        Object request = nested ? in.get("http_request") : in;
        String field = check.path() + ".inputParameters" + (nested ? ".http_request" : "");
        check.require(request instanceof Map<?, ?> || !check.isLiteral(request), field,
                "must be an object with uri and method");
        if (request instanceof Map<?, ?> r) {
            check.require(r.get("uri") != null, field + ".uri", "is required");
            Object method = r.get("method");
            check.require(method != null, field + ".method", "is required (one of " + sorted() + ")");
            if (method instanceof String m && check.isLiteral(m)) {
                check.require(METHODS.contains(m.toUpperCase(Locale.ROOT)), field + ".method",
                        "must be one of " + sorted() + ", not '" + m + "'");
            }
            if (r.get("uri") instanceof String uri && check.isLiteral(uri)) {
                try {
                    outbound.checkWithoutResolving(uri);
                } catch (RefusedAddressException e) {
                    check.require(false, field + ".uri", e.getMessage());
                }
            }
        }
    }

    private static String sorted() {
        return METHODS.stream().sorted().collect(Collectors.joining(", "));
    }

    @Override
    public TaskOutcome execute(HttpInput input, TaskCall call) {
        HttpInput r = input.request();
        OutboundAddressPolicy.Request request = request(input, r);
        if (allowList != null) {
            java.util.Optional<String> refused;
            try {
                refused = allowList.refuse(call.tenant(), java.net.URI.create(request.url()).getHost());
            } catch (IllegalArgumentException e) {
                refused = java.util.Optional.of("is not a valid URL");
            }
            if (refused.isPresent()) {
                return TaskOutcome.failedForGood("input '" + input.field("uri") + "' " + refused.get(), null);
            }
        }
        OutboundAddressPolicy.Response response;
        try {
            response = outbound.exchange(request);
        } catch (RefusedAddressException e) {
            return TaskOutcome.failedForGood("input '" + input.field("uri") + "' " + e.getMessage(), null);
        } catch (OutboundAddressPolicy.OutboundCallException e) {
            return TaskOutcome.failed(e.getMessage(), null);
        }
        Object body = body(response.body());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("statusCode", response.status());
        answer.put("reasonPhrase", response.reason());
        answer.put("headers", response.headers());
        answer.put("body", body);
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("response", answer);
        int status = response.status();
        if (status >= 200 && status < 300) {
            return TaskOutcome.completed(output);
        }
        String text = new String(response.body(), StandardCharsets.UTF_8);
        String reason = request.method() + " " + request.url() + " answered " + status
                + (text.isBlank() ? "" : ": " + (text.length() <= REASON_BODY_CHARS ? text
                        : text.substring(0, REASON_BODY_CHARS) + "..."));
        boolean retriable = r.retryOnStatus() == null || r.retryOnStatus().contains(status);
        return retriable ? TaskOutcome.failed(reason, output) : TaskOutcome.failedForGood(reason, output);
    }

    private OutboundAddressPolicy.Request request(HttpInput input, HttpInput r) {
        if (r.uri() == null || r.uri().isBlank()) {
            throw new InputException(input.field("uri"), "is required");
        }
        if (r.method() == null || !METHODS.contains(r.method().toUpperCase(Locale.ROOT))) {
            throw new InputException(input.field("method"), "must be one of " + sorted()
                    + (r.method() == null ? "" : ", not '" + r.method() + "'"));
        }
        int readMs = timeout(r.readTimeOut(), input.field("readTimeOut"));
        timeout(r.connectionTimeOut(), input.field("connectionTimeOut"));
        Map<String, String> headers = new LinkedHashMap<>();
        String contentType = r.contentType() == null ? "application/json" : r.contentType();
        headers.put("Accept", r.accept() == null ? "application/json" : r.accept());
        if (r.headers() != null) {
            r.headers().forEach((name, value) -> {
                if (value != null) {
                    headers.put(headerText(name, input.field("headers")), headerText(String.valueOf(value),
                            input.field("headers." + name)));
                }
            });
        }
        byte[] body = null;
        if (r.body() != null) {
            headers.put("Content-Type", headerText(contentType, input.field("contentType")));
            body = encode(r.body(), contentType, input.field("body"));
        }
        return new OutboundAddressPolicy.Request(r.method().toUpperCase(Locale.ROOT), withQuery(r), headers, body,
                Duration.ofMillis(Math.min(readMs, maxReadTimeout.toMillis())));
    }

    private static int timeout(Integer ms, String field) {
        if (ms == null) {
            return DEFAULT_TIMEOUT_MS;
        }
        if (ms <= 0) {
            throw new InputException(field, "must be a number of milliseconds above 0");
        }
        return ms;
    }

    /** A header name or value as sent: a line break in it would let input forge headers, so it is refused. */
    private static String headerText(String text, String field) {
        if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            throw new InputException(field, "must not contain line breaks");
        }
        return text;
    }

    private byte[] encode(Object body, String contentType, String field) {
        if (contentType.toLowerCase(Locale.ROOT).startsWith(FORM)) {
            if (!(body instanceof Map<?, ?> form)) {
                throw new InputException(field, "must be an object of form fields for " + FORM);
            }
            return form.entrySet().stream()
                    .map(e -> encode(String.valueOf(e.getKey())) + "=" + encode(String.valueOf(e.getValue())))
                    .collect(Collectors.joining("&")).getBytes(StandardCharsets.UTF_8);
        }
        if (body instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        return json.writeValueAsBytes(body);
    }

    private static String withQuery(HttpInput r) {
        if (r.query() == null || r.query().isEmpty()) {
            return r.uri();
        }
        String query = r.query().entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue() == null ? "" : String.valueOf(e.getValue())))
                .collect(Collectors.joining("&"));
        return r.uri() + (r.uri().contains("?") ? "&" : "?") + query;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The answer's body as JSON when it is JSON, else as text, as Conductor gives it. */
    private Object body(byte[] bytes) {
        if (bytes.length == 0) {
            return null;
        }
        try {
            return json.readValue(bytes, Object.class);
        } catch (JacksonException e) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() throws Exception {
        outbound.close();
    }
}
