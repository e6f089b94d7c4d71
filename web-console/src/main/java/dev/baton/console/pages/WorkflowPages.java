package dev.baton.console.pages;

import static dev.baton.console.api.ApiClient.encode;

import dev.baton.console.api.ApiClient;
import dev.baton.console.api.ApiProblem;
import dev.baton.console.render.Diagram;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Workflow definitions: the list, one definition drawn, the JSON editor, composing from the catalog, starting. */
@Controller
public class WorkflowPages {

    static final int MOST_STEPS = 50;
    private static final String NEW_DEFINITION = """
            {
              "name": "my-workflow",
              "description": "What this workflow does",
              "version": 1,
              "schemaVersion": 2,
              "inputParameters": ["orderId"],
              "tasks": [
                {
                  "name": "noop",
                  "taskReferenceName": "first",
                  "type": "NOOP"
                }
              ],
              "outputParameters": {}
            }""";

    private final ApiClient api;
    private final StartForm startForm;

    public WorkflowPages(ApiClient api, StartForm startForm) {
        this.api = api;
        this.startForm = startForm;
    }

    @GetMapping("/console")
    String home() {
        return "redirect:/console/workflows";
    }

    @GetMapping("/console/workflows")
    String list(Model model) {
        List<Map<String, Object>> all = list(api.get("/api/metadata/workflow"));
        Map<String, List<Map<String, Object>>> byName = new TreeMap<>();
        for (Map<String, Object> def : all) {
            byName.computeIfAbsent((String) def.get("name"), n -> new ArrayList<>()).add(def);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, String> owners = model.getAttribute("me") instanceof Me me ? me.owners() : Map.of();
        byName.forEach((name, versions) -> {
            versions.sort(Comparator.comparingInt(d -> -((Number) d.get("version")).intValue()));
            Map<String, Object> latest = versions.get(0);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", name);
            row.put("owner", owners.get(name));
            row.put("description", latest.get("description"));
            row.put("latest", latest.get("version"));
            row.put("versions", versions.size());
            row.put("tasks", list(latest.get("tasks")).size());
            rows.add(row);
        });
        model.addAttribute("workflows", rows);
        return "console/workflows";
    }

    @GetMapping("/console/workflows/{name}")
    String definition(@PathVariable String name, @RequestParam(required = false) Integer version, Model model) {
        Map<String, Object> def = map(api.get("/api/metadata/workflow/" + encode(name)
                + (version == null ? "" : "?version=" + version)));
        List<Integer> versions = list(api.get("/api/metadata/workflow")).stream()
                .filter(d -> name.equals(d.get("name"))).map(d -> ((Number) d.get("version")).intValue())
                .sorted(Comparator.reverseOrder()).toList();
        model.addAttribute("def", def);
        model.addAttribute("versions", versions);
        model.addAttribute("json", ApiClient.pretty(def));
        model.addAttribute("diagram", Diagram.of(list(def.get("tasks")), Map.of()));
        model.addAttribute("accessLevels", List.of("READ", "EXECUTE", "UPDATE"));
        // the grants other teams hold on it, for administrators of the team that owns it
        Me me = (Me) model.getAttribute("me");
        String owner = me == null ? null : me.owner(name);
        model.addAttribute("owner", owner);
        if (owner != null && me.isTeamAdmin(owner)) {
            model.addAttribute("grants", list(api.get("/api/grants?resourceType=WORKFLOW_DEF&resourceName="
                    + encode(name))));
        }
        return "console/workflow";
    }


    /** Lets another team read, start or change this definition. */
    @PostMapping("/console/workflows/{name}/grants")
    String grant(@PathVariable String name, @RequestParam String team,
            @RequestParam(required = false) List<String> access, RedirectAttributes redirect) {
        Map<String, Object> grant = new LinkedHashMap<>();
        grant.put("resourceType", "WORKFLOW_DEF");
        grant.put("resourceName", name);
        grant.put("team", team);
        grant.put("access", access == null ? List.of() : access);
        api.send("PUT", "/api/grants", grant);
        redirect.addFlashAttribute("message", "Team " + team + " granted " + grant.get("access") + ".");
        return "redirect:/console/workflows/" + encode(name);
    }

    @PostMapping("/console/workflows/{name}/grants/{team}/revoke")
    String revoke(@PathVariable String name, @PathVariable String team, RedirectAttributes redirect) {
        api.send("DELETE", "/api/grants?" + ApiClient.query(Map.of("resourceType", "WORKFLOW_DEF",
                "resourceName", name, "team", team)), null);
        redirect.addFlashAttribute("message", "Team " + team + " no longer has access.");
        return "redirect:/console/workflows/" + encode(name);
    }

    @GetMapping("/console/workflows/new")
    String create(Model model) {
        return editor(model, NEW_DEFINITION, true, null, null);
    }

    @GetMapping("/console/workflows/{name}/edit")
    String edit(@PathVariable String name, Model model) {
        Map<String, Object> def = map(api.get("/api/metadata/workflow/" + encode(name)));
        return editor(model, ApiClient.pretty(def), false, null, null);
    }

    /** Registers a new definition or changes one; a refusal keeps the person's text and names what is wrong. */
    @PostMapping("/console/workflows")
    String save(@RequestParam String json, @RequestParam(defaultValue = "true") boolean isNew,
            @RequestParam(required = false) String team, Model model, HttpServletResponse response) {
        try {
            Object def = ApiClient.readJson(json, "definition");
            if (!(def instanceof Map<?, ?> m) || !(m.get("name") instanceof String name)) {
                throw new ApiProblem(400, "Bad Request", "the definition needs a name",
                        List.of(Map.of("field", "name", "reason", "is required")));
            }
            if (isNew) {
                api.send("POST", "/api/metadata/workflow" + (team == null || team.isBlank() ? ""
                        : "?team=" + encode(team)), def);
            } else {
                api.send("PUT", "/api/metadata/workflow", List.of(def));
            }
            return "redirect:/console/workflows/" + encode(name);
        } catch (ApiProblem problem) {
            response.setStatus(problem.status());
            return editor(model, json, isNew, team, problem);
        }
    }

    /** The editor's check as you type: the API's own validation, as {@code {valid, message, violations}}. */
    @PostMapping(path = "/console/workflows/validate", produces = "application/json")
    @ResponseBody
    ResponseEntity<Map<String, Object>> validate(@RequestBody(required = false) String json) {
        try {
            if (json == null || json.isBlank()) {
                throw new ApiProblem(400, "Bad Request", "the definition is empty", List.of());
            }
            api.send("POST", "/api/metadata/workflow/validate", ApiClient.readJson(json, "definition"));
            return ResponseEntity.ok(Map.of("valid", true));
        } catch (ApiProblem problem) {
            return ResponseEntity.ok(Map.of("valid", false, "message", problem.getMessage(),
                    "violations", problem.violations()));
        }
    }

    @GetMapping("/console/workflows/compose")
    String composeForm(@RequestParam(required = false) String entry, Model model) {
        List<Map<String, Object>> entries = list(api.get("/api/catalog?limit=200&sort=NAME"));
        List<Map<String, String>> steps = new ArrayList<>();
        steps.add(step(entry == null ? "" : entry, "", "{}"));
        model.addAttribute("entries", entries);
        model.addAttribute("steps", steps);
        model.addAttribute("name", "");
        model.addAttribute("description", "");
        return "console/compose";
    }

    /** Builds a definition from catalog entries in sequence; the API checks the wiring against their contracts. */
    @PostMapping("/console/workflows/compose")
    String compose(@RequestParam Map<String, String> form, Model model, HttpServletResponse response) {
        List<Map<String, String>> steps = new ArrayList<>();
        for (int i = 0; i < MOST_STEPS && form.containsKey("steps[" + i + "].entry"); i++) {
            String entry = form.get("steps[" + i + "].entry");
            if (entry != null && !entry.isBlank()) {
                steps.add(step(entry, form.getOrDefault("steps[" + i + "].ref", ""),
                        form.getOrDefault("steps[" + i + "].input", "{}")));
            }
        }
        try {
            List<Map<String, Object>> composed = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                Map<String, String> s = steps.get(i);
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("entry", s.get("entry"));
                step.put("ref", s.get("ref").isBlank() ? null : s.get("ref"));
                String input = s.get("input").isBlank() ? "{}" : s.get("input");
                step.put("input", ApiClient.readJson(input, "steps[" + i + "].input"));
                composed.add(step);
            }
            Map<String, Object> composition = new LinkedHashMap<>();
            composition.put("name", form.get("name"));
            composition.put("description", form.get("description"));
            composition.put("steps", composed);
            Object def = api.send("POST", "/api/catalog/compose", composition);
            model.addAttribute("message", "Composed from the catalog and checked against the entries' contracts. "
                    + "Review it and save.");
            return editor(model, ApiClient.pretty(def), true, form.get("team"), null);
        } catch (ApiProblem problem) {
            response.setStatus(problem.status());
            model.addAttribute("problem", problem);
            model.addAttribute("entries", list(api.get("/api/catalog?limit=200&sort=NAME")));
            model.addAttribute("steps", steps.isEmpty() ? List.of(step("", "", "{}")) : steps);
            model.addAttribute("name", form.getOrDefault("name", ""));
            model.addAttribute("description", form.getOrDefault("description", ""));
            return "console/compose";
        }
    }

    @GetMapping("/console/workflows/{name}/start")
    String startPage(@PathVariable String name, @RequestParam(required = false) Integer version, Model model) {
        Map<String, Object> def = map(api.get("/api/metadata/workflow/" + encode(name)
                + (version == null ? "" : "?version=" + version)));
        model.addAttribute("def", def);
        model.addAttribute("fields", startForm.fields(def));
        return "console/start";
    }

    /** Starts the workflow with the form's input; the execution's page follows. */
    @PostMapping("/console/workflows/{name}/start")
    String start(@PathVariable String name, @RequestParam Map<String, String> form, Model model,
            HttpServletResponse response, RedirectAttributes redirect) {
        Map<String, Object> def = map(api.get("/api/metadata/workflow/" + encode(name)
                + (form.get("version") == null ? "" : "?version=" + encode(form.get("version")))));
        List<StartForm.Field> fields = startForm.fields(def);
        try {
            Map<String, Object> input = startForm.input(fields, form);
            String query = ApiClient.query(Map.of("version", String.valueOf(def.get("version")),
                    "correlationId", form.getOrDefault("correlationId", "")));
            Object id = api.send("POST", "/api/workflow/" + encode(name) + "?" + query, input);
            redirect.addFlashAttribute("message", "Started.");
            return "redirect:/console/executions/" + encode(String.valueOf(id).trim());
        } catch (ApiProblem problem) {
            response.setStatus(problem.status());
            model.addAttribute("def", def);
            model.addAttribute("fields", fields.stream().map(f -> f.withValue(form.get("input." + f.name()))).toList());
            model.addAttribute("problem", problem);
            return "console/start";
        }
    }

    private String editor(Model model, String json, boolean isNew, String team, ApiProblem problem) {
        model.addAttribute("json", json);
        model.addAttribute("isNew", isNew);
        model.addAttribute("team", team);
        model.addAttribute("problem", problem);
        return "console/editor";
    }

    private static Map<String, String> step(String entry, String ref, String input) {
        Map<String, String> step = new LinkedHashMap<>();
        step.put("entry", entry);
        step.put("ref", ref);
        step.put("input", input);
        return step;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object json) {
        return json instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object json) {
        return json instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }
}
