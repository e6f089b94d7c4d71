package dev.baton.engine.internal.definition;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.EngineLimits;
import dev.baton.engine.api.TaskContracts;
import dev.baton.engine.api.Violation;
import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.internal.expression.ParameterResolver;
import dev.baton.engine.internal.script.JqEvaluator;
import dev.baton.engine.internal.script.ScriptEvaluator;
import dev.baton.engine.internal.tasks.TaskHandlers;
import dev.baton.engine.spi.AsyncTaskHandler;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.tenancy.ResourceNames;
import dev.baton.tenancy.TenantId;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks a definition before it is stored, and names the first problem by its field path.
 *
 * <p>Each server task type checks its own fields through its handler. Besides shape, it checks every
 * {@code ${...}} expression: it must parse, and its root must be {@code workflow}, a secret (only in a task the
 * server runs to call out), or a task that runs before the referring one (or inside the same loop).
 */
public final class DefinitionValidator {

    private final ScriptEvaluator scripts;
    private final JqEvaluator jq;
    private final EngineLimits limits;
    private final TaskHandlers handlers;
    private final TaskContracts contracts;

    public DefinitionValidator(ScriptEvaluator scripts, JqEvaluator jq, EngineLimits limits, TaskHandlers handlers,
            TaskContracts contracts) {
        this.scripts = scripts;
        this.jq = jq;
        this.limits = limits;
        this.handlers = handlers;
        this.contracts = contracts;
    }

    public EngineLimits limits() {
        return limits;
    }

    public void validateTaskDef(TaskDef def, String field) {
        require(def != null, field, "a task definition is required");
        requireDefinitionName(def.name(), field + ".name");
        requireDescription(def.description(), field + ".description");
        require(def.retryCount() == null || def.retryCount() >= 0, field + ".retryCount", "must be 0 or more");
        require(def.timeoutSeconds() == null || def.timeoutSeconds() >= 0, field + ".timeoutSeconds", "must be 0 or more");
        require(def.retryDelaySeconds() == null || def.retryDelaySeconds() >= 0, field + ".retryDelaySeconds",
                "must be 0 or more");
        require(def.pollTimeoutSeconds() == null || def.pollTimeoutSeconds() >= 0, field + ".pollTimeoutSeconds",
                "must be 0 or more");
        require(def.backoffScaleFactor() == null || def.backoffScaleFactor() >= 1, field + ".backoffScaleFactor",
                "must be 1 or more");
        require(def.responseTimeoutSeconds() == null || def.responseTimeoutSeconds() >= 1,
                field + ".responseTimeoutSeconds", "must be 1 or more");
        require(def.concurrentExecLimit() == null || def.concurrentExecLimit() >= 0, field + ".concurrentExecLimit",
                "must be 0 (no limit) or more");
        require(def.rateLimitPerFrequency() == null || def.rateLimitPerFrequency() >= 0,
                field + ".rateLimitPerFrequency", "must be 0 (no limit) or more");
        require(def.rateLimitFrequencyInSeconds() == null || def.rateLimitFrequencyInSeconds() >= 1,
                field + ".rateLimitFrequencyInSeconds", "must be 1 or more");
        if (def.timeoutSecondsOrZero() > 0) {
            require(def.responseTimeoutSecondsOrDefault() <= def.timeoutSeconds(), field + ".responseTimeoutSeconds",
                    "must not exceed timeoutSeconds (" + def.timeoutSeconds() + ")");
        }
    }

    /**
     * Validates {@code def} of {@code tenant}, its shape first and then the wiring of its catalog tasks (every
     * violation of which is listed); {@code taskDefs} finds registered task definitions by name.
     */
    public void validateWorkflowDef(TenantId tenant, WorkflowDef def, Function<String, Optional<TaskDef>> taskDefs) {
        require(def != null, "", "a workflow definition is required");
        requireDefinitionName(def.name(), "name");
        requireDescription(def.description(), "description");
        int[] count = {0};
        def.visitTasks(t -> count[0]++);
        require(count[0] <= limits.tasksPerDefinition(), "tasks", "has " + count[0] + " tasks; at most "
                + limits.tasksPerDefinition() + " are allowed (baton.engine.limits.tasks-per-definition)");
        require(def.version() == null || def.version() > 0, "version", "must be 1 or more");
        require(!def.tasks().isEmpty(), "tasks", "a workflow needs at least one task");
        require(def.timeoutSeconds() == null || def.timeoutSeconds() >= 0, "timeoutSeconds", "must be 0 or more");
        new Walk(taskDefs).list(def.tasks(), "tasks", Set.of(), false);
        for (String expr : ParameterResolver.expressionsIn(def.outputParameters())) {
            checkExpression(expr, "outputParameters", allRefs(def), null);
        }
        List<Violation> wiring = contracts.check(tenant, def);
        if (!wiring.isEmpty()) {
            throw EngineException.invalid(wiring);
        }
    }

    private static Set<String> allRefs(WorkflowDef def) {
        Set<String> refs = new HashSet<>();
        def.visitTasks(t -> refs.add(t.taskReferenceName()));
        return refs;
    }

    /** One pass over the task tree, tracking the reference names that ran before the current task. */
    private final class Walk {
        private final Function<String, Optional<TaskDef>> taskDefs;
        private final Set<String> seen = new HashSet<>();

        Walk(Function<String, Optional<TaskDef>> taskDefs) {
            this.taskDefs = taskDefs;
        }

        void list(List<WorkflowTask> tasks, String field, Set<String> loopRefs, boolean inLoop) {
            for (int i = 0; i < tasks.size(); i++) {
                WorkflowTask next = i + 1 < tasks.size() ? tasks.get(i + 1) : null;
                task(tasks.get(i), field + "[" + i + "]", next, loopRefs, inLoop);
            }
        }

        void task(WorkflowTask task, String path, WorkflowTask next, Set<String> loopRefs, boolean inLoop) {
            require(task != null, path, "a task is required");
            requireName(task.name(), path + ".name");
            String ref = task.taskReferenceName();
            require(ref != null && !ref.isBlank(), path + ".taskReferenceName", "is required");
            require(!ref.contains("__"), path + ".taskReferenceName",
                    "must not contain '__', which marks loop iterations");
            require(seen.add(ref), path + ".taskReferenceName", "duplicate reference name '" + ref + "'");
            String type = task.typeOrSimple();
            TaskHandler handler = handlers.find(type);
            if (handler == null) {
                boolean known = task.taskDefinition() != null || taskDefs.apply(task.name()).isPresent();
                require(known, path + ".name", "no task definition named '" + task.name()
                        + "' is registered (worker tasks of type " + type + " need one)");
            }
            if (task.taskDefinition() != null) {
                validateTaskDef(task.taskDefinition(), path + ".taskDefinition");
            }
            for (String expr : ParameterResolver.expressionsIn(task.inputParameters())) {
                if (ParameterResolver.SECRETS.equals(rootOf(expr, path + ".inputParameters"))) {
                    // a worker or a script would see the value; only calls the server makes may use one
                    require(handler instanceof AsyncTaskHandler<?>, path + ".inputParameters", "${" + expr
                            + "} can only be used by a task the server runs to call out (" + task.typeOrSimple()
                            + " is not one)");
                    require(expr.trim().matches("secrets\\.[A-Za-z0-9_-]+"), path + ".inputParameters", "${" + expr
                            + "} must name one secret: ${secrets.<name>}");
                    continue;
                }
                checkExpression(expr, path + ".inputParameters", seen, loopRefs);
            }
            if (handler != null) {
                handler.check(task, new Check(this, path, next, loopRefs, inLoop));
            }
        }

        /** A branch sees what ran before its container, not its sibling branches. */
        void branches(List<List<WorkflowTask>> branches, List<String> fields, Set<String> loopRefs, boolean inLoop) {
            Set<String> before = Set.copyOf(seen);
            Set<String> afterAll = new HashSet<>();
            for (int b = 0; b < branches.size(); b++) {
                List<WorkflowTask> tasks = branches.get(b) == null ? List.of() : branches.get(b);
                Set<String> saved = Set.copyOf(seen);
                seen.retainAll(before);
                Set<String> siblings = new HashSet<>(saved);
                siblings.removeAll(before);
                list(tasks, fields.get(b), loopRefs, inLoop);
                for (String ref : seen) {
                    require(!siblings.contains(ref), fields.get(b), "duplicate reference name '" + ref + "'");
                }
                afterAll.addAll(seen);
                seen.addAll(saved);
            }
            seen.addAll(afterAll);
        }
    }

    /** What a handler sees of the walk at one task. */
    private final class Check implements DefinitionCheck {
        private final Walk walk;
        private final String path;
        private final WorkflowTask next;
        private final Set<String> loopRefs;
        private final boolean inLoop;

        Check(Walk walk, String path, WorkflowTask next, Set<String> loopRefs, boolean inLoop) {
            this.walk = walk;
            this.path = path;
            this.next = next;
            this.loopRefs = loopRefs;
            this.inLoop = inLoop;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public WorkflowTask nextSibling() {
            return next;
        }

        @Override
        public boolean inLoop() {
            return inLoop;
        }

        @Override
        public boolean runsBefore(String ref) {
            return walk.seen.contains(ref);
        }

        @Override
        public void require(boolean condition, String field, String message) {
            DefinitionValidator.require(condition, field, message);
        }

        @Override
        public boolean isLiteral(Object value) {
            return ParameterResolver.expressionsIn(value).isEmpty();
        }

        @Override
        public void branches(List<List<WorkflowTask>> branches, List<String> fields) {
            walk.branches(branches, fields, loopRefs, inLoop);
        }

        @Override
        public void loopBody(WorkflowTask loop, List<WorkflowTask> body, String field) {
            Set<String> refs = new HashSet<>();
            refs.add(loop.taskReferenceName());
            loop.visit(t -> refs.add(t.taskReferenceName()));
            walk.list(body, field, refs, true);
        }

        @Override
        public void script(String script, String field) {
            checkScript(script, field);
        }

        @Override
        public void jq(String query, String field) {
            try {
                DefinitionValidator.this.jq.compile(query);
            } catch (JqEvaluator.JqException e) {
                throw EngineException.invalid(field, e.getMessage());
            }
        }

        @Override
        public EngineLimits limits() {
            return limits;
        }
    }

    private void checkScript(String script, String field) {
        try {
            scripts.checkSyntax(script);
        } catch (ScriptEvaluator.ScriptException e) {
            throw EngineException.invalid(field, "malformed JavaScript: " + e.getMessage());
        }
    }

    private static String rootOf(String expr, String field) {
        try {
            return ParameterResolver.rootOf(expr);
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid(field, e.getMessage());
        }
    }

    private static void checkExpression(String expr, String field, Set<String> before, Set<String> loopRefs) {
        String root;
        try {
            root = ParameterResolver.rootOf(expr);
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid(field, e.getMessage());
        }
        if (root.equals("workflow") || root.equals(ParameterResolver.TASK_ID)
                || root.equals(ParameterResolver.ENVIRONMENT) || before.contains(root)
                || (loopRefs != null && loopRefs.contains(root))) {
            return;
        }
        throw EngineException.invalid(field, "${" + expr + "} refers to '" + root
                + "', which is not a task that runs before this one");
    }

    private static void requireDefinitionName(String name, String field) {
        require(name != null && !name.isBlank(), field, "is required");
        require(ResourceNames.valid(name), field, ResourceNames.RULE);
    }

    private void requireDescription(String description, String field) {
        require(description == null || description.length() <= limits.descriptionLength(), field,
                "must be at most " + limits.descriptionLength()
                        + " characters (baton.engine.limits.description-length)");
    }

    private static void requireName(String name, String field) {
        require(name != null && !name.isBlank(), field, "is required");
        require(name.length() <= 255, field, "must be at most 255 characters");
    }

    private static void require(boolean condition, String field, String message) {
        if (!condition) {
            throw EngineException.invalid(field, message);
        }
    }
}
