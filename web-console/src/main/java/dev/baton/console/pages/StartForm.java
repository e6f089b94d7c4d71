package dev.baton.console.pages;

import static dev.baton.console.api.ApiClient.encode;

import dev.baton.console.api.ApiClient;
import dev.baton.console.api.ApiProblem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * The start form of a workflow: one field per input parameter, typed and described by the catalog contract of the
 * task it feeds ({@code ${workflow.input.x}} wired into a catalog task's input), else a plain text field.
 */
@Component
public class StartForm {

    private static final Pattern WORKFLOW_INPUT = Pattern.compile("\\$\\{workflow\\.input\\.([A-Za-z0-9_]+)}");
    private static final int MOST_FIELDS = 100;
    /** The most catalog entries one form looks up; fields fed by further entries are plain text fields. */
    static final int MOST_ENTRIES = 50;

    private final ApiClient api;

    public StartForm(ApiClient api) {
        this.api = api;
    }

    /**
     * One field of the form.
     *
     * @param type the JSON type the contract asks for (string, integer, number, boolean, object, array)
     * @param source the catalog entry whose contract describes it, or null
     */
    public record Field(String name, String type, String description, boolean required, String source,
            String value) {

        Field withValue(String v) {
            return new Field(name, type, description, required, source, v == null ? "" : v);
        }

        /** Whether the value is typed as JSON text (objects, arrays). */
        public boolean json() {
            return type.equals("object") || type.equals("array");
        }
    }

    @SuppressWarnings("unchecked")
    List<Field> fields(Map<String, Object> def) {
        Map<String, Field> described = new HashMap<>();
        Map<String, Map<String, Object>> entries = new HashMap<>();
        describe(WorkflowPages.list(def.get("tasks")), described, entries, 0);
        List<Field> fields = new ArrayList<>();
        for (Object p : def.get("inputParameters") instanceof List<?> l ? l : List.of()) {
            if (p instanceof String name && fields.size() < MOST_FIELDS) {
                fields.add(described.getOrDefault(name, new Field(name, "string", null, false, null, "")));
            }
        }
        return fields;
    }

    /** The workflow input the form's values make: each parsed as its type asks; a value that is not is refused. */
    Map<String, Object> input(List<Field> fields, Map<String, String> form) {
        Map<String, Object> input = new LinkedHashMap<>();
        List<Map<String, Object>> violations = new ArrayList<>();
        for (Field f : fields) {
            String raw = form.getOrDefault("input." + f.name(), "").trim();
            if (raw.isEmpty()) {
                if (f.required()) {
                    violations.add(Map.of("field", f.name(), "reason", "is required"));
                }
                continue;
            }
            try {
                input.put(f.name(), switch (f.type()) {
                    case "integer" -> Long.parseLong(raw);
                    case "number" -> Double.parseDouble(raw);
                    case "boolean" -> Boolean.parseBoolean(raw);
                    case "object", "array" -> ApiClient.readJson(raw, f.name());
                    default -> raw;
                });
            } catch (NumberFormatException e) {
                violations.add(Map.of("field", f.name(), "reason", "must be a " + f.type()));
            } catch (ApiProblem e) {
                violations.add(Map.of("field", f.name(), "reason", "must be JSON (" + f.type() + ")"));
            }
        }
        String extra = form.getOrDefault("extraInput", "").trim();
        if (!extra.isEmpty()) {
            if (ApiClient.readJson(extra, "extraInput") instanceof Map<?, ?> more) {
                more.forEach((k, v) -> input.putIfAbsent(String.valueOf(k), v));
            } else {
                violations.add(Map.of("field", "extraInput", "reason", "must be a JSON object"));
            }
        }
        if (!violations.isEmpty()) {
            throw new ApiProblem(400, "Bad Request", "some input is missing or not of its type", violations);
        }
        return input;
    }

    @SuppressWarnings("unchecked")
    private void describe(List<Map<String, Object>> tasks, Map<String, Field> described,
            Map<String, Map<String, Object>> entries, int depth) {
        if (depth > 20) {
            return;
        }
        for (Map<String, Object> task : tasks) {
            if (task.get("catalog") instanceof Map<?, ?> ref && task.get("inputParameters") instanceof Map<?, ?> in) {
                Optional<Map<String, Object>> schema = inputSchema(String.valueOf(ref.get("name")),
                        String.valueOf(ref.get("version")), entries);
                schema.ifPresent(s -> wire((Map<String, Object>) in, s, ref.get("name") + "@" + ref.get("version"),
                        described));
            }
            for (String nested : List.of("loopOver", "defaultCase")) {
                describe(WorkflowPages.list(task.get(nested)), described, entries, depth + 1);
            }
            if (task.get("forkTasks") instanceof List<?> branches) {
                branches.forEach(b -> describe(WorkflowPages.list(b), described, entries, depth + 1));
            }
            if (task.get("decisionCases") instanceof Map<?, ?> cases) {
                cases.values().forEach(c -> describe(WorkflowPages.list(c), described, entries, depth + 1));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void wire(Map<String, Object> in, Map<String, Object> schema, String source,
            Map<String, Field> described) {
        Map<String, Object> properties = WorkflowPages.map(schema.get("properties"));
        List<Object> required = schema.get("required") instanceof List<?> r ? (List<Object>) r : List.of();
        in.forEach((key, value) -> {
            if (value instanceof String s) {
                Matcher m = WORKFLOW_INPUT.matcher(s.trim());
                if (m.matches() && properties.get(key) instanceof Map<?, ?> p) {
                    Object type = p.get("type");
                    described.putIfAbsent(m.group(1), new Field(m.group(1),
                            type instanceof String t ? t : "string",
                            p.get("description") instanceof String d ? d : null, required.contains(key), source, ""));
                }
            }
        });
    }

    private Optional<Map<String, Object>> inputSchema(String entry, String version,
            Map<String, Map<String, Object>> entries) {
        if (!entries.containsKey(entry) && entries.size() >= MOST_ENTRIES) {
            // a definition may name up to a thousand tasks; the form is not worth a thousand API calls
            return Optional.empty();
        }
        Map<String, Object> found = entries.computeIfAbsent(entry, e -> {
            try {
                return WorkflowPages.map(api.get("/api/catalog/" + encode(e)));
            } catch (ApiProblem refused) {
                return Map.of();
            }
        });
        return WorkflowPages.list(found.get("versions")).stream()
                .filter(v -> !"DRAFT".equals(v.get("status")))
                .filter(v -> v.get("version").equals(version) || String.valueOf(v.get("version"))
                        .startsWith(version + "."))
                .findFirst().map(v -> WorkflowPages.map(v.get("inputSchema")));
    }
}
