package dev.baton.engine.internal.expression;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.PathNotFoundException;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${...}} references in task input parameters against a running workflow.
 *
 * <p>A string that is exactly one reference becomes the referenced value with its own type; a reference inside
 * longer text is replaced by its text. The path after {@code ${} is JSONPath over a document whose roots are
 * {@code workflow} and the reference name of every task; {@code $${x}} stands for the literal {@code ${x}}.
 */
public final class ParameterResolver {

    private static final Pattern REFERENCE = Pattern.compile("(?<!\\$)\\$\\{([^}]+)}");

    /** The root of environment variables: {@code ${env.name}}. */
    public static final String ENVIRONMENT = "env";

    private final java.util.function.Supplier<Map<String, Object>> environment;

    /** A resolver without environment variables ({@code ${env.x}} is null). */
    public ParameterResolver() {
        this(Map::of);
    }

    /** A resolver reading {@code ${env.name}} from {@code environment}, asked only when an expression names it. */
    public ParameterResolver(java.util.function.Supplier<Map<String, Object>> environment) {
        this.environment = environment;
    }

    /** Conductor's built-in parameter for the id of the task whose input it is in. */
    public static final String TASK_ID = "CPEWF_TASK_ID";

    /** The root of secret references: they stay as written, and only the attempt that calls out replaces them. */
    public static final String SECRETS = "secrets";
    private static final Configuration JSON_PATH = Configuration.defaultConfiguration()
            .addOptions(Option.SUPPRESS_EXCEPTIONS, Option.DEFAULT_PATH_LEAF_TO_NULL);

    /** Resolves every value of {@code parameters}, nested maps and lists included. */
    public Map<String, Object> resolve(Map<String, Object> parameters, Workflow workflow, Map<String, Object> extra) {
        Context context = new Context(workflow, extra, environment);
        Map<String, Object> out = new LinkedHashMap<>();
        parameters.forEach((k, v) -> out.put(k, resolveValue(v, context)));
        return out;
    }

    /**
     * A workflow name as Conductor reads it where it may be computed (a failure workflow): {@code ${path}}
     * expressions, and its older form {@code $workflow.input.x} without braces.
     */
    public String resolveName(String name, Workflow workflow) {
        String template = name.startsWith("$") && !name.startsWith("${") ? "${" + name.substring(1) + "}" : name;
        if (!template.contains("${")) {
            return name;
        }
        Object value = resolve(Map.of("name", template), workflow, null).get("name");
        return value == null ? null : String.valueOf(value);
    }

    /**
     * Resolves every value of {@code parameters} against {@code document} alone: each {@code ${path}} is a JSONPath
     * from the document's root, with or without its leading {@code $.} (Conductor's event actions).
     */
    public Map<String, Object> resolveAgainst(Map<String, Object> parameters, Object document) {
        Context context = new Context(document);
        Map<String, Object> out = new LinkedHashMap<>();
        parameters.forEach((k, v) -> out.put(k, resolveValue(v, context)));
        return out;
    }

    private Object resolveValue(Object value, Context context) {
        if (value instanceof String s) {
            return resolveString(s, context);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), resolveValue(v, context)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(resolveValue(v, context)));
            return out;
        }
        return value;
    }

    private Object resolveString(String s, Context context) {
        Matcher m = REFERENCE.matcher(s);
        if (m.matches()) {
            return isSecret(m.group(1)) ? s : context.lookup(m.group(1).trim());
        }
        if (!s.contains("${")) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            if (isSecret(m.group(1))) {
                m.appendReplacement(out, Matcher.quoteReplacement(m.group(0)));
                continue;
            }
            Object v = context.lookup(m.group(1).trim());
            m.appendReplacement(out, Matcher.quoteReplacement(v == null ? "" : String.valueOf(v)));
        }
        m.appendTail(out);
        return out.toString().replace("$${", "${");
    }

    private static boolean isSecret(String expression) {
        return expression.trim().startsWith(SECRETS + ".");
    }

    /** Checks that {@code expression} (the text inside {@code ${}}) is a readable path; returns its root. */
    public static String rootOf(String expression) {
        String trimmed = expression.trim();
        try {
            JsonPath.compile("$." + trimmed);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("malformed expression ${" + expression + "}: " + e.getMessage());
        }
        int end = 0;
        while (end < trimmed.length() && trimmed.charAt(end) != '.' && trimmed.charAt(end) != '[') {
            end++;
        }
        return trimmed.substring(0, end);
    }

    /** Every {@code ${...}} expression found in a parameter value, nested values included. */
    public static List<String> expressionsIn(Object value) {
        List<String> found = new ArrayList<>();
        collect(value, found);
        return found;
    }

    private static void collect(Object value, List<String> found) {
        if (value instanceof String s) {
            Matcher m = REFERENCE.matcher(s);
            while (m.find()) {
                found.add(m.group(1));
            }
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(v -> collect(v, found));
        } else if (value instanceof List<?> list) {
            list.forEach(v -> collect(v, found));
        }
    }

    /** The document expressions are read from; roots are built only when an expression names them. */
    private static final class Context {
        private final Workflow workflow;
        private final Map<String, Object> extra;
        private final Map<String, Object> document = new LinkedHashMap<>();
        private final Object whole;
        private final java.util.function.Supplier<Map<String, Object>> environment;

        Context(Workflow workflow, Map<String, Object> extra,
                java.util.function.Supplier<Map<String, Object>> environment) {
            this.workflow = workflow;
            this.extra = extra;
            this.whole = null;
            this.environment = environment;
        }

        /** A context over one whole document, not a workflow's roots. */
        Context(Object whole) {
            this.workflow = null;
            this.extra = null;
            this.whole = whole;
            this.environment = Map::of;
        }

        Object lookup(String expression) {
            if (workflow == null) {
                String path = expression.startsWith("$") ? expression : "$." + expression;
                try {
                    return JsonPath.using(JSON_PATH).parse(whole).read(path);
                } catch (PathNotFoundException e) {
                    return null;
                } catch (RuntimeException e) {
                    throw EngineException.invalid("expression", "cannot evaluate ${" + expression + "}: "
                            + e.getMessage());
                }
            }
            String root = rootOf(expression);
            if (!document.containsKey(root)) {
                document.put(root, rootValue(root));
            }
            try {
                return JsonPath.using(JSON_PATH).parse(document).read("$." + expression);
            } catch (PathNotFoundException e) {
                return null;
            } catch (RuntimeException e) {
                throw EngineException.invalid("inputParameters", "cannot evaluate ${" + expression + "}: " + e.getMessage());
            }
        }

        private Object rootValue(String root) {
            if (extra != null && extra.containsKey(root)) {
                return extra.get(root);
            }
            if ("workflow".equals(root)) {
                return workflowDocument(workflow);
            }
            if (ENVIRONMENT.equals(root)) {
                return environment.get();
            }
            return workflow.latestTask(root).map(ParameterResolver::taskDocument).orElse(null);
        }
    }

    static Map<String, Object> workflowDocument(Workflow w) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("input", w.getInput());
        doc.put("output", w.getOutput());
        doc.put("variables", w.getVariables());
        doc.put("status", w.getStatus() == null ? null : w.getStatus().name());
        doc.put("workflowId", String.valueOf(w.getWorkflowId()));
        doc.put("parentWorkflowId", w.getParentWorkflowId() == null ? null : w.getParentWorkflowId().toString());
        doc.put("parentWorkflowTaskId",
                w.getParentWorkflowTaskId() == null ? null : w.getParentWorkflowTaskId().toString());
        doc.put("workflowType", w.getWorkflowName());
        doc.put("version", w.getWorkflowVersion());
        doc.put("correlationId", w.getCorrelationId());
        doc.put("reasonForIncompletion", w.getReasonForIncompletion());
        doc.put("schemaVersion", 2);
        doc.put("taskToDomain", w.getTaskToDomain());
        doc.put("createTime", w.getCreateTime());
        doc.put("priority", w.getPriority());
        return doc;
    }

    static Map<String, Object> taskDocument(Task t) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("input", t.getInputData());
        doc.put("output", t.getOutputData());
        doc.put("status", t.getStatus().name());
        doc.put("taskId", t.getTaskId().toString());
        doc.put("referenceTaskName", t.getReferenceTaskName());
        doc.put("retryCount", t.getRetryCount());
        doc.put("iteration", t.getIteration());
        doc.put("reasonForIncompletion", t.getReasonForIncompletion());
        doc.put("callbackAfterSeconds", t.getCallbackAfterSeconds());
        doc.put("pollCount", t.getPollCount());
        doc.put("domain", t.getDomain());
        doc.put("workerId", t.getWorkerId());
        doc.put("scheduledTime", t.getScheduledTime());
        doc.put("startTime", t.getStartTime());
        doc.put("endTime", t.getEndTime());
        doc.put("subWorkflowId", t.getSubWorkflowId() == null ? null : t.getSubWorkflowId().toString());
        return doc;
    }
}
