package dev.baton.console.pages;

import static dev.baton.console.api.ApiClient.encode;

import dev.baton.console.api.ApiClient;
import dev.baton.console.api.ApiProblem;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Dry runs of a definition, forks of an ended execution and upgrades of a running one. */
@Controller
public class DebuggingPages {

    private final ApiClient api;

    public DebuggingPages(ApiClient api) {
        this.api = api;
    }

    /** One task attempt of a dry run as a row: sub-workflows' tasks follow their parent, named by its path. */
    public record Row(String ref, String type, int iteration, int retryCount, String status, String source,
            String input, String output, String reason) {

        /** Where the outcome came from, as the pages say it. */
        public String outcome() {
            return switch (source) {
                case "EVALUATED" -> "evaluated";
                case "CANNED" -> "given";
                default -> "assumed";
            };
        }
    }

    @GetMapping("/console/workflows/{name}/dry-run")
    String dryRunPage(@PathVariable String name, @RequestParam(required = false) Integer version, Model model) {
        Map<String, Object> def = WorkflowPages.map(api.get("/api/metadata/workflow/" + encode(name)
                + (version == null ? "" : "?version=" + version)));
        model.addAttribute("def", def);
        model.addAttribute("input", "{}");
        model.addAttribute("taskOutputs", "{}");
        return "console/dry-run";
    }

    /** Evaluates the definition with the form's input and outcomes, and shows what would run. */
    @PostMapping("/console/workflows/{name}/dry-run")
    String dryRun(@PathVariable String name, @RequestParam int version, @RequestParam String input,
            @RequestParam String taskOutputs, Model model, HttpServletResponse response) {
        Map<String, Object> def = WorkflowPages.map(api.get("/api/metadata/workflow/" + encode(name)
                + "?version=" + version));
        model.addAttribute("def", def);
        model.addAttribute("input", input);
        model.addAttribute("taskOutputs", taskOutputs);
        try {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("name", name);
            request.put("version", version);
            request.put("input", object(input, "input"));
            request.put("taskOutputs", object(taskOutputs, "taskOutputs"));
            Map<String, Object> result = WorkflowPages.map(api.send("POST", "/api/dry-runs", request));
            List<Row> rows = new ArrayList<>();
            flatten(result, "", rows);
            model.addAttribute("result", result);
            model.addAttribute("rows", rows);
            model.addAttribute("output", ApiClient.pretty(result.get("output")));
        } catch (ApiProblem problem) {
            response.setStatus(problem.status());
            model.addAttribute("problem", problem);
        }
        return "console/dry-run";
    }

    private static void flatten(Map<String, Object> result, String prefix, List<Row> rows) {
        for (Map<String, Object> t : WorkflowPages.list(result.get("tasks"))) {
            String ref = prefix + t.get("referenceTaskName");
            rows.add(new Row(ref, String.valueOf(t.get("taskType")), number(t.get("iteration")),
                    number(t.get("retryCount")), String.valueOf(t.get("status")), String.valueOf(t.get("source")),
                    ApiClient.pretty(t.get("inputData")), ApiClient.pretty(t.get("outputData")),
                    (String) t.get("reasonForIncompletion")));
            if (t.get("subWorkflow") instanceof Map<?, ?> child) {
                @SuppressWarnings("unchecked")
                Map<String, Object> sub = (Map<String, Object>) child;
                flatten(sub, ref + "/", rows);
            }
        }
    }

    /** Runs a copy of the ended execution again from one of its tasks; the fork's page follows. */
    @PostMapping("/console/executions/{id}/fork")
    String fork(@PathVariable String id, @RequestParam String taskId,
            @RequestParam(required = false, defaultValue = "") String taskInput, RedirectAttributes redirect) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("reRunFromTaskId", taskId);
        if (!taskInput.isBlank()) {
            request.put("taskInput", object(taskInput, "taskInput"));
        }
        Map<String, Object> forked = WorkflowPages.map(api.send("POST", "/api/workflow/" + encode(id) + "/fork",
                request));
        redirect.addFlashAttribute("message", "Forked from " + id + "; the original is unchanged.");
        return "redirect:/console/executions/" + encode(String.valueOf(forked.get("workflowId")));
    }

    /** Checks (a dry run) or applies an upgrade of the running execution to a newer version. */
    @PostMapping("/console/executions/{id}/upgrade")
    String upgrade(@PathVariable String id, @RequestParam int version,
            @RequestParam(required = false, defaultValue = "") String taskMapping,
            @RequestParam(defaultValue = "check") String step, Model model, HttpServletResponse response,
            RedirectAttributes redirect) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("version", version);
        request.put("dryRun", !"apply".equals(step));
        model.addAttribute("workflowId", id);
        model.addAttribute("version", version);
        model.addAttribute("taskMapping", taskMapping);
        try {
            if (!taskMapping.isBlank()) {
                request.put("taskMapping", object(taskMapping, "taskMapping"));
            }
            Map<String, Object> plan = WorkflowPages.map(api.send("POST", "/api/workflow/" + encode(id)
                    + "/upgrade", request));
            if (Boolean.TRUE.equals(plan.get("applied"))) {
                redirect.addFlashAttribute("message", "Upgraded to version " + version + ".");
                return "redirect:/console/executions/" + encode(id);
            }
            model.addAttribute("plan", plan);
            List<Row> rows = new ArrayList<>();
            if (plan.get("check") instanceof Map<?, ?> check) {
                @SuppressWarnings("unchecked")
                Map<String, Object> c = (Map<String, Object>) check;
                flatten(c, "", rows);
            }
            model.addAttribute("rows", rows);
        } catch (ApiProblem problem) {
            response.setStatus(problem.status());
            model.addAttribute("problem", problem);
        }
        return "console/upgrade";
    }

    /** A JSON object a person typed into {@code field}; blank is an empty one. */
    private static Object object(String text, String field) {
        if (text.isBlank()) {
            return Map.of();
        }
        Object value = ApiClient.readJson(text, field);
        if (!(value instanceof Map<?, ?>)) {
            throw new ApiProblem(400, "Bad Request", field + " must be a JSON object",
                    List.of(Map.of("field", field, "reason", "must be a JSON object")));
        }
        return value;
    }

    private static int number(Object value) {
        return value instanceof Number n ? n.intValue() : 0;
    }
}
