package dev.baton.platform.web;

import dev.baton.authz.web.ProblemResponses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;

/**
 * Tomcat's answer for requests it refuses before the application sees them (a path with an encoded NUL or an
 * invalid escape), in the same problem-details shape as every other refusal instead of Tomcat's HTML page.
 */
public final class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.isCommitted() || response.getContentWritten() > 0) {
            return;
        }
        String uri = request.getCoyoteRequest() == null ? "" : String.valueOf(request.getCoyoteRequest().requestURI());
        String detail;
        Map<String, Object> extra = Map.of("field", "path");
        if (uri.toLowerCase(Locale.ROOT).contains("%00")) {
            detail = UnsafeInputFilter.nulRefusal("path");
        } else if ("Invalid URI".equals(response.getMessage())) {
            detail = "path is not a valid URI (an invalid %-escape, an encoded NUL or a path that climbs above the "
                    + "root)";
        } else {
            String message = response.getMessage();
            detail = message == null || message.isBlank()
                    ? "the request was refused before it reached the application (a malformed path or header)"
                    : message;
            extra = Map.of();
        }
        String type = HttpStatus.valueOf(status).name().toLowerCase(Locale.ROOT).replace('_', '-');
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getReporter().write(ProblemResponses.json(status, type, detail, null, extra));
        } catch (IOException | IllegalStateException e) {
            // the client is gone; nothing left to tell it
        }
    }
}
