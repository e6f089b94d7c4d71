package dev.baton.platform.web;

import dev.baton.authz.web.BufferedBody;
import dev.baton.authz.web.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonPointer;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one place where input that could never be stored or shown is refused, before anything else reads it.
 *
 * <p>A NUL character (U+0000) is refused with 400 wherever it appears: path, query parameters, form fields, header
 * names and values, JSON property names and string values (PostgreSQL stores no NUL in text or jsonb, so it would
 * otherwise fail deep inside a write). Request bodies are capped at {@code baton.api.max-body-bytes} (413).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
public final class UnsafeInputFilter extends OncePerRequestFilter {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PAYLOAD_PLACES = "/api/payloads/";

    private final long maxBodyBytes;
    private final long maxUploadBytes;

    /**
     * @param maxUploadBytes the cap for uploads to external payload places ({@code /api/payloads/}), which exist
     *     to carry what is too large for an ordinary call
     */
    public UnsafeInputFilter(@Value("${baton.api.max-body-bytes:2097152}") long maxBodyBytes,
            @Value("${baton.engine.payloads.max-upload-bytes:16777216}") long maxUploadBytes) {
        this.maxBodyBytes = maxBodyBytes;
        this.maxUploadBytes = maxUploadBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String raw = request.getRequestURI();
        if (hasNul(raw) || raw.toLowerCase(Locale.ROOT).contains("%00")) {
            refuse(request, response, "path");
            return;
        }
        for (String name : Collections.list(request.getHeaderNames())) {
            if (hasNul(name) || Collections.list(request.getHeaders(name)).stream()
                    .anyMatch(UnsafeInputFilter::hasNul)) {
                refuse(request, response, name);
                return;
            }
        }
        boolean form = isForm(request.getContentType());
        boolean upload = raw.startsWith(PAYLOAD_PLACES);
        long max = upload ? maxUploadBytes : maxBodyBytes;
        if (!form && request.getContentLengthLong() > max) {
            tooLarge(request, response, max, upload);
            return;
        }
        HttpServletRequest checked = request;
        if (!form && hasBody(request)) {
            byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (body.length > max) {
                tooLarge(request, response, max, upload);
                return;
            }
            String field = nulInBody(body);
            if (field != null) {
                refuse(request, response, field);
                return;
            }
            checked = new BufferedBody(request, body);
        }
        // for a form this parses the body too, so form fields are checked here
        for (Map.Entry<String, String[]> p : checked.getParameterMap().entrySet()) {
            if (hasNul(p.getKey()) || Arrays.stream(p.getValue()).anyMatch(UnsafeInputFilter::hasNul)) {
                refuse(request, response, p.getKey().replace("\0", "\\u0000"));
                return;
            }
        }
        chain.doFilter(checked, response);
    }

    private static boolean isForm(String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/");
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    private static boolean hasNul(String text) {
        return text.indexOf('\0') >= 0;
    }

    /** How a NUL in {@code field} is refused, here and where Tomcat refuses it first. */
    static String nulRefusal(String field) {
        return field + " contains a NUL character (U+0000), which no text may hold";
    }

    /** Where a NUL sits in the body: a JSON field path, "body" for non-JSON, or null when there is none. */
    static String nulInBody(byte[] body) {
        boolean rawNul = false;
        boolean escapedNul = false;
        for (int i = 0; i < body.length; i++) {
            if (body[i] == 0) {
                rawNul = true;
                break;
            }
            if (body[i] == '\\' && i + 5 < body.length && body[i + 1] == 'u' && body[i + 2] == '0'
                    && body[i + 3] == '0' && body[i + 4] == '0' && body[i + 5] == '0') {
                escapedNul = true; // possibly "\\u0000" (an escaped backslash): the parser below decides
            }
        }
        if (!rawNul && !escapedNul) {
            return null;
        }
        try (JsonParser parser = JSON.createParser(body)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.PROPERTY_NAME && hasNul(parser.currentName())) {
                    return fieldOf(parser.streamReadContext().pathAsPointer());
                }
                if (token == JsonToken.VALUE_STRING && hasNul(parser.getString())) {
                    return fieldOf(parser.streamReadContext().pathAsPointer());
                }
            }
            return null;
        } catch (JacksonException notJson) {
            return rawNul ? "body" : null;
        }
    }

    /** "/tasks/0/name" as "tasks[0].name", the way the rest of the API names fields. */
    private static String fieldOf(JsonPointer pointer) {
        StringBuilder field = new StringBuilder();
        for (JsonPointer p = pointer; p != null && !p.matches(); p = p.tail()) {
            String step = p.getMatchingProperty().replace("\0", "\\u0000");
            if (p.getMatchingIndex() >= 0) {
                field.append('[').append(p.getMatchingIndex()).append(']');
            } else {
                field.append(field.isEmpty() ? "" : ".").append(step);
            }
        }
        return field.isEmpty() ? "body" : field.toString();
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, String field)
            throws IOException {
        ProblemResponses.write(response, 400, "bad-request", nulRefusal(field),
                request.getRequestURI().replace("\0", ""), Map.of("field", field));
    }

    private static void tooLarge(HttpServletRequest request, HttpServletResponse response, long max, boolean upload)
            throws IOException {
        ProblemResponses.write(response, 413, "payload-too-large", "the request body is larger than " + max
                + " bytes (" + (upload ? "baton.engine.payloads.max-upload-bytes" : "baton.api.max-body-bytes") + ")",
                request.getRequestURI(), Map.of("field", "body", "limit", max));
    }
}
