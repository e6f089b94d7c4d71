package dev.baton.console.api;

import java.util.List;
import java.util.Map;

/**
 * The API refused a console call: its status and problem details, shown to the person as they are.
 *
 * @param violations each refused field and why, when the API named them
 */
public final class ApiProblem extends RuntimeException {

    private final int status;
    private final String title;
    private final List<Map<String, Object>> violations;

    public ApiProblem(int status, String title, String detail, List<Map<String, Object>> violations) {
        super(detail == null || detail.isBlank() ? title : detail);
        this.status = status;
        this.title = title;
        this.violations = violations == null ? List.of() : violations;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<Map<String, Object>> violations() {
        return violations;
    }
}
