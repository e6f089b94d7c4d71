package dev.baton.platform.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's answer for requests it refuses before the application sees them (a path with an encoded NUL or an
 * invalid escape), in the same problem-details shape as every other refusal instead of Tomcat's HTML page.
 */
public final class ProblemErrorReportValve extends ErrorReportValve {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.isCommitted() || response.getContentWritten() > 0) {
            return;
        }
        String uri = request.getCoyoteRequest() == null ? "" : String.valueOf(request.getCoyoteRequest().requestURI());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://baton.dev/problems/" + HttpStatus.valueOf(status).name().toLowerCase(Locale.ROOT)
                .replace('_', '-'));
        body.put("title", HttpStatus.valueOf(status).getReasonPhrase());
        body.put("status", status);
        if (uri.toLowerCase(Locale.ROOT).contains("%00")) {
            body.put("detail", "path contains a NUL character (U+0000), which no text may hold");
            body.put("field", "path");
        } else if ("Invalid URI".equals(response.getMessage())) {
            body.put("detail", "path is not a valid URI (an invalid %-escape, an encoded NUL or a path that climbs "
                    + "above the root)");
            body.put("field", "path");
        } else {
            String message = response.getMessage();
            body.put("detail", message == null || message.isBlank()
                    ? "the request was refused before it reached the application (a malformed path or header)"
                    : message);
        }
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getReporter().write(JSON.writeValueAsString(body));
        } catch (IOException | IllegalStateException e) {
            // the client is gone; nothing left to tell it
        }
    }
}
