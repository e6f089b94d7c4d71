package dev.baton.catalog.internal;

import dev.baton.catalog.CatalogEntry;
import dev.baton.catalog.CatalogVersion;
import dev.baton.catalog.RunsAs;
import dev.baton.catalog.SemVer;
import dev.baton.engine.api.TaskContracts;
import dev.baton.engine.api.Violation;
import dev.baton.engine.api.definition.CatalogRef;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.tenancy.TenantId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The catalog's answer to the engine: a definition's catalog tasks checked against their entries' contracts when
 * it is saved (every violation listed with task and field), and each such task's input and output when it runs.
 */
public final class CatalogContracts implements TaskContracts {

    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}]*)}");
    private static final int MAX_REPORTED = 5;

    private final Entries entries;
    private final Schemas schemas;

    public CatalogContracts(Entries entries, Schemas schemas) {
        this.entries = entries;
        this.schemas = schemas;
    }

    private record Placed(WorkflowTask task, String path) {}

    private record Resolved(CatalogEntry entry, CatalogVersion version) {
        String label() {
            return entry.name() + "@" + version.version();
        }
    }

    @Override
    public List<Violation> check(TenantId tenant, WorkflowDef def) {
        List<Placed> tasks = new ArrayList<>();
        place(def.tasks(), "tasks", tasks);
        Map<String, Resolved> byRef = new LinkedHashMap<>();
        List<Violation> found = new ArrayList<>();
        for (Placed p : tasks) {
            CatalogRef ref = p.task.catalog();
            if (ref == null) {
                continue;
            }
            resolve(ref, p.path + ".catalog", found, entries::find).ifPresent(r -> {
                byRef.put(p.task.taskReferenceName(), r);
                runsAs(p, r, found);
                literalInputs(p, r, found);
            });
        }
        for (Placed p : tasks) {
            wiring(p, byRef, found);
        }
        return found;
    }

    private static void place(List<WorkflowTask> list, String at, List<Placed> out) {
        for (int i = 0; i < list.size(); i++) {
            WorkflowTask t = list.get(i);
            String path = at + "[" + i + "]";
            out.add(new Placed(t, path));
            for (int b = 0; b < t.forkTasks().size(); b++) {
                place(t.forkTasks().get(b), path + ".forkTasks[" + b + "]", out);
            }
            t.decisionCases().forEach((k, v) -> place(v, path + ".decisionCases." + k, out));
            place(t.defaultCase(), path + ".defaultCase", out);
            place(t.loopOver(), path + ".loopOver", out);
        }
    }

    private Optional<Resolved> resolve(CatalogRef ref, String field, List<Violation> found,
            java.util.function.Function<String, Optional<CatalogEntry>> lookup) {
        if (ref.name() == null || ref.name().isBlank()) {
            found.add(new Violation(field + ".name", "is required"));
            return Optional.empty();
        }
        if (!SemVer.isReference(ref.version())) {
            found.add(new Violation(field + ".version", "must be a version (2.1.0) or a version line (2, 2.1), not '"
                    + ref.version() + "'"));
            return Optional.empty();
        }
        Optional<CatalogEntry> entry = lookup.apply(ref.name());
        if (entry.isEmpty()) {
            found.add(new Violation(field + ".name", "there is no catalog entry named '" + ref.name() + "'"));
            return Optional.empty();
        }
        Optional<CatalogVersion> version = entry.get().resolve(ref.version());
        if (version.isEmpty()) {
            found.add(new Violation(field + ".version", "catalog entry '" + ref.name()
                    + "' has no published version matching '" + ref.version() + "'"));
            return Optional.empty();
        }
        return Optional.of(new Resolved(entry.get(), version.get()));
    }

    private static void runsAs(Placed p, Resolved r, List<Violation> found) {
        RunsAs runsAs = r.version.runsAs();
        String type = p.task.typeOrSimple();
        if (runsAs.kind() == RunsAs.Kind.BUILT_IN && !runsAs.type().equals(type)) {
            found.add(new Violation(p.path + ".type", "must be " + runsAs.type() + " to run catalog entry "
                    + r.label()));
        } else if (runsAs.kind() == RunsAs.Kind.WORKER && !("SIMPLE".equals(type)
                && runsAs.type().equals(p.task.name()))) {
            found.add(new Violation(p.path + ".name", "must be '" + runsAs.type() + "' (a SIMPLE worker task) to run "
                    + "catalog entry " + r.label()));
        }
    }

    /** Inputs known when the definition is saved must fit the contract; those from expressions are checked later. */
    private void literalInputs(Placed p, Resolved r, List<Violation> found) {
        Map<String, Object> input = p.task.inputParameters();
        Object literal = literalPart(input);
        for (Schemas.Violation v : schemas.validate(r.version.inputSchema(), literal)) {
            if ("required".equals(v.keyword()) && v.property() != null
                    && present(input, v.field(), v.property())) {
                continue; // present, as an expression
            }
            String field = fieldOf(v);
            found.add(new Violation(p.path + ".inputParameters" + (field.isEmpty() ? "" : "." + field),
                    reason(v) + " (contract of " + r.label() + ")"));
        }
    }

    /** The value without anything that holds an expression. */
    @SuppressWarnings("unchecked")
    private static Object literalPart(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, v) -> {
                if (!hasExpression(v)) {
                    out.put(k, literalPart(v));
                } else if (v instanceof Map<?, ?>) {
                    out.put(k, literalPart(v));
                }
            });
            return out;
        }
        return value;
    }

    private static boolean hasExpression(Object value) {
        if (value instanceof String s) {
            return s.contains("${");
        }
        if (value instanceof Map<?, ?> m) {
            return m.values().stream().anyMatch(CatalogContracts::hasExpression);
        }
        if (value instanceof List<?> l) {
            return l.stream().anyMatch(CatalogContracts::hasExpression);
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static boolean present(Map<String, Object> input, String at, String property) {
        Object here = input;
        if (!at.isEmpty()) {
            for (String part : at.split("\\.")) {
                here = here instanceof Map<?, ?> m ? ((Map<String, Object>) m).get(part) : null;
            }
        }
        return here instanceof Map<?, ?> m && m.containsKey(property);
    }

    /** {@code ${ref.output.field}} must name a field the producer's output contract declares, of a fitting type. */
    private void wiring(Placed p, Map<String, Resolved> byRef, List<Violation> found) {
        Resolved consumer = byRef.get(p.task.taskReferenceName());
        walkStrings(p.task.inputParameters(), "", (key, text) -> {
            Matcher m = EXPRESSION.matcher(text);
            while (m.find()) {
                String[] parts = m.group(1).trim().split("\\.");
                if (parts.length < 3 || !"output".equals(parts[1]) || !byRef.containsKey(parts[0])) {
                    continue;
                }
                Resolved producer = byRef.get(parts[0]);
                String field = p.path + ".inputParameters." + key;
                Map<String, Object> declared = producer.version.outputSchema();
                for (int i = 2; i < parts.length && declared != null; i++) {
                    String name = parts[i].replaceAll("\\[\\d+]$", "");
                    Map<String, Object> props = properties(declared);
                    if (props == null) {
                        declared = null; // the contract does not say what is in here
                        break;
                    }
                    if (!(props.get(name) instanceof Map<?, ?> next)) {
                        found.add(new Violation(field, "${" + m.group(1) + "} refers to '" + name + "', which the "
                                + "output contract of " + producer.label() + " does not declare"));
                        declared = null;
                        break;
                    }
                    declared = cast(next);
                    if (parts[i].endsWith("]")) {
                        declared = declared.get("items") instanceof Map<?, ?> items ? cast(items) : null;
                    }
                }
                if (declared != null && consumer != null && text.equals(m.group(0))) {
                    typeFit(field, key, m.group(1), declared, consumer, producer, found);
                }
            }
        });
    }

    private void typeFit(String field, String key, String expression, Map<String, Object> produced,
            Resolved consumer, Resolved producer, List<Violation> found) {
        Map<String, Object> wanted = consumer.version.inputSchema();
        for (String part : key.split("\\.")) {
            Map<String, Object> props = wanted == null ? null : properties(wanted);
            wanted = props != null && props.get(part) instanceof Map<?, ?> next ? cast(next) : null;
        }
        Set<String> have = types(produced);
        Set<String> want = wanted == null ? Set.of() : types(wanted);
        if (!have.isEmpty() && !want.isEmpty() && have.stream().noneMatch(want::contains)) {
            found.add(new Violation(field, "${" + expression + "} is " + have + " in the output contract of "
                    + producer.label() + ", but the input contract of " + consumer.label() + " wants " + want));
        }
    }

    private static Set<String> types(Map<String, Object> schema) {
        Set<String> types = new HashSet<>();
        Object type = schema.get("type");
        if (type instanceof String s) {
            types.add(s);
        } else if (type instanceof List<?> l) {
            l.forEach(t -> types.add(String.valueOf(t)));
        }
        if (types.contains("integer")) {
            types.add("number");
        }
        return types;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    private static Map<String, Object> properties(Map<String, Object> schema) {
        return schema.get("properties") instanceof Map<?, ?> m ? cast(m) : null;
    }

    private static void walkStrings(Object value, String at, java.util.function.BiConsumer<String, String> visit) {
        if (value instanceof String s) {
            visit.accept(at, s);
        } else if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walkStrings(v, at.isEmpty() ? String.valueOf(k) : at + "." + k, visit));
        } else if (value instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                walkStrings(l.get(i), at + "[" + i + "]", visit);
            }
        }
    }

    @Override
    public InputCheck checkInput(TenantId tenant, CatalogRef ref, Map<String, Object> input) {
        List<Violation> found = new ArrayList<>();
        Optional<Resolved> r = resolve(ref, "catalog", found, name -> entries.findCached(tenant, name));
        if (r.isEmpty()) {
            return new InputCheck(ref, Optional.of(found.get(0).reason()));
        }
        CatalogRef exact = new CatalogRef(ref.name(), r.get().version.version());
        return new InputCheck(exact, describe("input", schemas.validate(r.get().version.inputSchema(), input),
                r.get()));
    }

    @Override
    public Optional<String> outputViolation(TenantId tenant, CatalogRef ref, Map<String, Object> output) {
        Optional<CatalogEntry> entry = entries.findCached(tenant, ref.name());
        Optional<CatalogVersion> version = entry.flatMap(e -> e.version(ref.version()));
        if (version.isEmpty()) {
            return Optional.empty(); // checked when the task was scheduled; nothing to hold the output to
        }
        return describe("output", schemas.validate(version.get().outputSchema(), output),
                new Resolved(entry.get(), version.get()));
    }

    private static Optional<String> describe(String what, List<Schemas.Violation> violations, Resolved r) {
        if (violations.isEmpty()) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        for (Schemas.Violation v : violations.subList(0, Math.min(MAX_REPORTED, violations.size()))) {
            String field = fieldOf(v);
            parts.add(what + (field.isEmpty() ? "" : " '" + field + "'") + " " + reason(v));
        }
        String more = violations.size() > MAX_REPORTED ? " (and " + (violations.size() - MAX_REPORTED) + " more)" : "";
        return Optional.of(String.join("; ", parts) + more + " (contract of " + r.label() + ")");
    }

    /** The field a violation is about: for a missing required one, that property itself. */
    private static String fieldOf(Schemas.Violation v) {
        if ("required".equals(v.keyword()) && v.property() != null) {
            return v.field().isEmpty() ? v.property() : v.field() + "." + v.property();
        }
        return v.field();
    }

    private static String reason(Schemas.Violation v) {
        if ("required".equals(v.keyword())) {
            return "is required";
        }
        String message = v.reason();
        int colon = message.indexOf(": ");
        // the validator starts its messages with the location, which the field already says
        return colon >= 0 && message.startsWith("$") ? message.substring(colon + 2) : message;
    }
}
