package dev.baton.console.pages;

import static dev.baton.console.api.ApiClient.encode;

import dev.baton.console.api.ApiClient;
import dev.baton.console.api.ApiProblem;
import dev.baton.console.render.Diagram;
import dev.baton.console.render.Timeline;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Executions: search, one execution with its diagram, timeline and tasks, and the operator's actions. */
@Controller
public class ExecutionPages {

    static final int PAGE = 25;
    private static final Set<String> STATUSES = Set.of("RUNNING", "COMPLETED", "FAILED", "TIMED_OUT", "TERMINATED",
            "PAUSED");
    private static final Set<String> BULK = Set.of("retry", "restart", "terminate", "pause", "resume");
    private static final Set<String> TERMINAL = Set.of("COMPLETED", "FAILED", "TIMED_OUT", "TERMINATED");

    private final ApiClient api;

    public ExecutionPages(ApiClient api) {
        this.api = api;
    }

    /** The search form and a page of results; every filter is optional. */
    @GetMapping("/console/executions")
    String search(@RequestParam(required = false) String workflowType, @RequestParam(required = false) String status,
            @RequestParam(required = false) String correlationId, @RequestParam(required = false) String startedAfter,
            @RequestParam(required = false) String startedBefore, @RequestParam(required = false) String q,
            @RequestParam(defaultValue = "0") int start, Model model) {
        List<String> clauses = new ArrayList<>();
        List<Map<String, Object>> refused = new ArrayList<>();
        if (workflowType != null && !workflowType.isBlank()) {
            clauses.add("workflowType IN (" + workflowType.trim().replaceAll("[(),\\s]", "") + ")");
        }
        if (status != null && !status.isBlank()) {
            if (STATUSES.contains(status)) {
                clauses.add("status IN (" + status + ")");
            } else {
                refused.add(Map.of("field", "status", "reason", "must be one of " + STATUSES));
            }
        }
        if (correlationId != null && !correlationId.isBlank()) {
            clauses.add("correlationId = '" + correlationId.replace("'", "") + "'");
        }
        time(startedAfter, "startedAfter", ">", clauses, refused);
        time(startedBefore, "startedBefore", "<", clauses, refused);
        if (!refused.isEmpty()) {
            throw new ApiProblem(400, "Bad Request", "some filters cannot be read", refused);
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("start", Math.max(0, start));
        params.put("size", PAGE);
        params.put("sort", "startTime:DESC");
        params.put("query", String.join(" AND ", clauses));
        params.put("freeText", q == null || q.isBlank() ? "*" : q);
        Map<String, Object> result = WorkflowPages.map(api.get("/api/workflow/search?" + ApiClient.query(params)));
        model.addAttribute("results", WorkflowPages.list(result.get("results")));
        model.addAttribute("total", result.get("totalHits"));
        model.addAttribute("start", Math.max(0, start));
        model.addAttribute("page", PAGE);
        model.addAttribute("statuses", STATUSES.stream().sorted().toList());
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("workflowType", workflowType);
        filters.put("status", status);
        filters.put("correlationId", correlationId);
        filters.put("startedAfter", startedAfter);
        filters.put("startedBefore", startedBefore);
        filters.put("q", q);
        model.addAttribute("filters", filters);
        model.addAttribute("filterQuery", ApiClient.query(filters));
        return "console/executions";
    }

    /** One action on many executions; the API answers which succeeded and why the others did not. */
    @PostMapping("/console/executions/bulk")
    String bulk(@RequestParam String action, @RequestParam(required = false) List<String> ids,
            @RequestParam(required = false) String back, RedirectAttributes redirect) {
        if (!BULK.contains(action)) {
            throw new ApiProblem(400, "Bad Request", "unknown action",
                    List.of(Map.of("field", "action", "reason", "must be one of " + BULK)));
        }
        if (ids == null || ids.isEmpty()) {
            throw new ApiProblem(400, "Bad Request", "select at least one execution",
                    List.of(Map.of("field", "ids", "reason", "must name at least one execution")));
        }
        String method = action.equals("pause") || action.equals("resume") ? "PUT" : "POST";
        Map<String, Object> answer = WorkflowPages.map(api.send(method, "/api/workflow/bulk/" + action, ids));
        int done = answer.get("bulkSuccessfulResults") instanceof List<?> l ? l.size() : 0;
        Object failed = answer.get("bulkErrorResults");
        redirect.addFlashAttribute("message", action + ": " + done + " done"
                + (failed instanceof Map<?, ?> f && !f.isEmpty() ? ", " + f.size() + " refused: " + f : "."));
        return "redirect:/console/executions" + (back != null && back.matches("[A-Za-z0-9=&%._~+-]*")
                && !back.isEmpty() ? "?" + back : "");
    }

    @GetMapping("/console/executions/{id}")
    String execution(@PathVariable String id, Model model) {
        Map<String, Object> wf = WorkflowPages.map(api.get("/api/workflow/" + encode(id) + "?includeTasks=true"));
        List<Map<String, Object>> tasks = WorkflowPages.list(wf.get("tasks"));
        numberAttempts(tasks);
        Map<String, String> statuses = new HashMap<>();
        for (Map<String, Object> t : tasks) {
            // the latest attempt of each task decides its colour
            statuses.put(String.valueOf(t.get("referenceTaskName")), String.valueOf(t.get("status")));
        }
        Map<String, Object> def = WorkflowPages.map(wf.get("workflowDefinition"));
        model.addAttribute("wf", wf);
        model.addAttribute("tasks", tasks);
        model.addAttribute("diagram", Diagram.of(WorkflowPages.list(def.get("tasks")), statuses));
        model.addAttribute("timeline", Timeline.of(tasks, Instant.now().toEpochMilli()));
        model.addAttribute("running", !TERMINAL.contains(String.valueOf(wf.get("status")))
                && !"PAUSED".equals(wf.get("status")));
        model.addAttribute("terminal", TERMINAL.contains(String.valueOf(wf.get("status"))));
        model.addAttribute("input", ApiClient.pretty(wf.get("input")));
        model.addAttribute("output", ApiClient.pretty(wf.get("output")));
        model.addAttribute("skippable", tasks.stream().filter(t -> "SCHEDULED".equals(t.get("status"))
                || "IN_PROGRESS".equals(t.get("status"))).map(t -> t.get("referenceTaskName")).distinct().toList());
        return "console/execution";
    }

    @GetMapping("/console/executions/{id}/tasks/{taskId}")
    String task(@PathVariable String id, @PathVariable String taskId, Model model) {
        Map<String, Object> task = WorkflowPages.map(api.get("/api/tasks/" + encode(taskId)));
        if (!id.equals(task.get("workflowInstanceId"))) {
            throw new ApiProblem(404, "Not Found", "execution " + id + " has no task " + taskId, null);
        }
        Map<String, Object> wf = WorkflowPages.map(api.get("/api/workflow/" + encode(id) + "?includeTasks=true"));
        model.addAttribute("wf", wf);
        model.addAttribute("task", task);
        List<Map<String, Object>> all = WorkflowPages.list(wf.get("tasks"));
        numberAttempts(all);
        model.addAttribute("attempts", all.stream()
                .filter(t -> t.get("referenceTaskName").equals(task.get("referenceTaskName"))).toList());
        model.addAttribute("logText", WorkflowPages.list(api.get("/api/tasks/" + encode(taskId) + "/log")).stream()
                .map(l -> String.valueOf(l.get("log"))).collect(java.util.stream.Collectors.joining("\n")));
        model.addAttribute("input", ApiClient.pretty(task.get("inputData")));
        model.addAttribute("output", ApiClient.pretty(task.get("outputData")));
        return "console/task";
    }

    /** One operator action on one execution. */
    @PostMapping("/console/executions/{id}/{action}")
    String act(@PathVariable String id, @PathVariable String action, @RequestParam(required = false) String reason,
            @RequestParam(required = false) String taskRef, RedirectAttributes redirect) {
        String wf = "/api/workflow/" + encode(id);
        String why = reason == null || reason.isBlank() ? "" : "?reason=" + encode(reason);
        String result = switch (action) {
            case "pause" -> call("PUT", wf + "/pause", null, "Paused.");
            case "resume" -> call("PUT", wf + "/resume", null, "Resumed.");
            case "terminate" -> call("DELETE", wf + why, null, "Terminated.");
            case "restart" -> call("POST", wf + "/restart", null, "Restarted from the beginning.");
            case "retry" -> call("POST", wf + "/retry", null, "Retrying the failed task.");
            case "rerun" -> {
                Object newId = api.send("POST", wf + "/rerun", taskRef == null || taskRef.isBlank() ? Map.of()
                        : Map.of("reRunFromTaskId", taskRef));
                yield "Rerun as " + newId + ".";
            }
            case "skip" -> {
                if (taskRef == null || taskRef.isBlank()) {
                    throw new ApiProblem(400, "Bad Request", "name the task to skip",
                            List.of(Map.of("field", "taskRef", "reason", "is required")));
                }
                yield call("PUT", wf + "/skiptask/" + encode(taskRef), Map.of(), "Skipped " + taskRef + ".");
            }
            default -> throw new ApiProblem(404, "Not Found", "no action '" + action + "'", null);
        };
        redirect.addFlashAttribute("message", result);
        return "redirect:/console/executions/" + encode(id);
    }

    /**
     * Numbers each task's attempts 1, 2, ... in the order they were made ({@code attempt}): Conductor's retryCount
     * counts automatic retries only, so an operator's retry would read as the same attempt again.
     */
    static void numberAttempts(List<Map<String, Object>> tasks) {
        Map<String, Integer> seen = new HashMap<>();
        long now = Instant.now().toEpochMilli();
        for (Map<String, Object> t : tasks) {
            String key = t.get("referenceTaskName") + "#" + t.get("iteration");
            t.put("attempt", seen.merge(key, 1, Integer::sum));
            // how long it waited in its queue and how long it ran (so far, while it runs)
            long scheduled = millis(t.get("scheduledTime"));
            long started = millis(t.get("startTime"));
            long ended = millis(t.get("endTime"));
            if (scheduled > 0) {
                t.put("waited", Timeline.human(Math.max(0, (started > 0 ? started : ended > 0 ? ended : now)
                        - scheduled)));
            }
            if (started > 0) {
                t.put("ran", Timeline.human(Math.max(0, (ended > 0 ? ended : now) - started)));
            }
        }
    }

    private static long millis(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

    private String call(String method, String path, Object body, String done) {
        api.send(method, path, body);
        return done;
    }

    /** A time filter: ISO local date-time (as the form's datetime-local field sends it, read as UTC). */
    private static void time(String value, String field, String op, List<String> clauses,
            List<Map<String, Object>> refused) {
        if (value == null || value.isBlank()) {
            return;
        }
        try {
            long millis = LocalDateTime.parse(value).toInstant(ZoneOffset.UTC).toEpochMilli();
            clauses.add("startTime " + op + " " + millis);
        } catch (DateTimeParseException e) {
            refused.add(Map.of("field", field, "reason", "must be a date and time such as 2026-11-29T14:30"));
        }
    }
}
