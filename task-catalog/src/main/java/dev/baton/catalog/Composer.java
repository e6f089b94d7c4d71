package dev.baton.catalog;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.MetadataService;
import dev.baton.engine.api.Violation;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.tenancy.TenantId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds a workflow definition from catalog entries: each entry becomes a task of the type it runs as, parallel
 * branches a FORK_JOIN with its JOIN, a switch a SWITCH on a value; then the definition is validated like any other
 * (its wiring against the entries' contracts included) and returned, not saved.
 */
public final class Composer {

    private static final int MAX_STEPS = 200;

    private final Catalog catalog;
    private final MetadataService metadata;
    private final JsonMapper json = JsonMapper.builder().build();

    public Composer(Catalog catalog, MetadataService metadata) {
        this.catalog = catalog;
        this.metadata = metadata;
    }

    /** The definition {@code composition} describes, validated; {@code teams} may see the entries it uses. */
    public WorkflowDef compose(TenantId tenant, Composition composition, Set<String> teams) {
        List<Violation> found = new ArrayList<>();
        if (composition == null || composition.steps() == null || composition.steps().isEmpty()) {
            throw EngineException.invalid("steps", "at least one step is required");
        }
        int[] count = {0};
        List<Map<String, Object>> tasks = steps(tenant, composition.steps(), "steps", teams, found, count);
        if (count[0] > MAX_STEPS) {
            found.add(new Violation("steps", "at most " + MAX_STEPS + " steps are allowed"));
        }
        if (!found.isEmpty()) {
            throw EngineException.invalid(found);
        }
        Map<String, Object> def = new LinkedHashMap<>();
        def.put("name", composition.name());
        def.put("version", composition.version() == null ? 1 : composition.version());
        if (composition.description() != null) {
            def.put("description", composition.description());
        }
        // the workflow's input is what its steps read from it, so a start form can ask for exactly that
        def.put("inputParameters", workflowInputs(composition.steps(), new java.util.TreeSet<>()).stream().toList());
        def.put("tasks", tasks);
        def.put("outputParameters", composition.outputParameters() == null ? Map.of() : composition.outputParameters());
        WorkflowDef workflow = json.convertValue(def, WorkflowDef.class);
        metadata.validateWorkflowDef(tenant, workflow);
        return workflow;
    }

    private List<Map<String, Object>> steps(TenantId tenant, List<Composition.Step> steps, String at,
            Set<String> teams, List<Violation> found, int[] count) {
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Composition.Step step = steps.get(i);
            String path = at + "[" + i + "]";
            count[0]++;
            if (step == null) {
                found.add(new Violation(path, "a step is required"));
                continue;
            }
            int kinds = (step.entry() != null ? 1 : 0) + (step.parallel() != null ? 1 : 0)
                    + (step.switchOn() != null ? 1 : 0);
            if (kinds != 1) {
                found.add(new Violation(path, "a step is one of entry, parallel or switchOn"));
                continue;
            }
            if (step.ref() == null || step.ref().isBlank()) {
                found.add(new Violation(path + ".ref", "is required: the step's reference name"));
                continue;
            }
            if (step.entry() != null) {
                entry(tenant, step, path, teams, found).ifPresent(tasks::add);
            } else if (step.parallel() != null) {
                List<List<Map<String, Object>>> branches = new ArrayList<>();
                List<String> last = new ArrayList<>();
                for (int b = 0; b < step.parallel().size(); b++) {
                    List<Map<String, Object>> branch = steps(tenant, step.parallel().get(b), path + ".parallel[" + b
                            + "]", teams, found, count);
                    branches.add(branch);
                    if (!branch.isEmpty()) {
                        last.add(String.valueOf(branch.get(branch.size() - 1).get("taskReferenceName")));
                    }
                }
                tasks.add(Map.of("name", step.ref(), "taskReferenceName", step.ref(), "type", "FORK_JOIN",
                        "forkTasks", branches));
                tasks.add(Map.of("name", step.ref() + "_join", "taskReferenceName", step.ref() + "_join",
                        "type", "JOIN", "joinOn", last));
            } else {
                Map<String, Object> cases = new LinkedHashMap<>();
                if (step.cases() != null) {
                    step.cases().forEach((value, branch) -> cases.put(value, steps(tenant, branch, path + ".cases."
                            + value, teams, found, count)));
                }
                Map<String, Object> task = new LinkedHashMap<>();
                task.put("name", step.ref());
                task.put("taskReferenceName", step.ref());
                task.put("type", "SWITCH");
                task.put("evaluatorType", "value-param");
                task.put("expression", "switchOn");
                task.put("inputParameters", Map.of("switchOn", step.switchOn()));
                task.put("decisionCases", cases);
                task.put("defaultCase", step.otherwise() == null ? List.of()
                        : steps(tenant, step.otherwise(), path + ".otherwise", teams, found, count));
                tasks.add(task);
            }
        }
        return tasks;
    }

    private java.util.Optional<Map<String, Object>> entry(TenantId tenant, Composition.Step step, String path,
            Set<String> teams, List<Violation> found) {
        int at = step.entry().lastIndexOf('@');
        String name = at > 0 ? step.entry().substring(0, at) : step.entry();
        String version = at > 0 ? step.entry().substring(at + 1) : null;
        if (version == null || !SemVer.isReference(version)) {
            found.add(new Violation(path + ".entry", "must be name@version, e.g. http@1"));
            return java.util.Optional.empty();
        }
        java.util.Optional<CatalogVersion> resolved = catalog.entry(tenant, name, teams)
                .flatMap(e -> e.resolve(version));
        if (resolved.isEmpty()) {
            found.add(new Violation(path + ".entry", "no catalog entry you may use answers '" + step.entry() + "'"));
            return java.util.Optional.empty();
        }
        RunsAs runsAs = resolved.get().runsAs();
        Map<String, Object> task = new LinkedHashMap<>();
        task.put("name", runsAs.kind() == RunsAs.Kind.WORKER ? runsAs.type() : step.ref());
        task.put("taskReferenceName", step.ref());
        task.put("type", runsAs.kind() == RunsAs.Kind.WORKER ? "SIMPLE" : runsAs.type());
        task.put("catalog", Map.of("name", name, "version", version));
        task.put("inputParameters", step.input() == null ? Map.of() : step.input());
        return java.util.Optional.of(task);
    }

    private static final java.util.regex.Pattern WORKFLOW_INPUT =
            java.util.regex.Pattern.compile("\\$\\{workflow\\.input\\.([A-Za-z0-9_]+)");

    /** The names of workflow input the steps refer to, in name order. */
    private static java.util.SortedSet<String> workflowInputs(Object steps, java.util.SortedSet<String> names) {
        if (steps instanceof String text) {
            java.util.regex.Matcher m = WORKFLOW_INPUT.matcher(text);
            while (m.find()) {
                names.add(m.group(1));
            }
        } else if (steps instanceof Map<?, ?> map) {
            map.values().forEach(v -> workflowInputs(v, names));
        } else if (steps instanceof java.util.Collection<?> list) {
            list.forEach(v -> workflowInputs(v, names));
        } else if (steps instanceof Composition.Step step) {
            workflowInputs(step.input(), names);
            workflowInputs(step.switchOn(), names);
            workflowInputs(step.parallel(), names);
            workflowInputs(step.cases(), names);
            workflowInputs(step.otherwise(), names);
        }
        return names;
    }
}
