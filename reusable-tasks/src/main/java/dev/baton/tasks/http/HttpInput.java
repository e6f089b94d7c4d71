package dev.baton.tasks.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The HTTP task's input, in Conductor's shape: the request under {@code http_request}, or its fields at the top
 * level. Timeouts are in milliseconds, as in Conductor.
 *
 * @param retryOnStatus statuses worth another attempt; when given, any other failing status fails the task for
 *                      good. Without it every failing status may be retried, as in Conductor.
 */
public record HttpInput(
        String uri,
        String method,
        Map<String, Object> headers,
        Map<String, Object> query,
        Object body,
        String accept,
        String contentType,
        Integer connectionTimeOut,
        Integer readTimeOut,
        List<Integer> retryOnStatus,
        @JsonProperty("http_request") HttpInput httpRequest) {

    /** The request itself: the one under {@code http_request} when there is one. */
    HttpInput request() {
        return httpRequest != null ? httpRequest : this;
    }

    /** The field name of {@code name} as the task's input spells it, for error messages. */
    String field(String name) {
        return httpRequest != null ? "http_request." + name : name;
    }
}
