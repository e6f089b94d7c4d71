package dev.baton.engine.internal.definition;

import static dev.baton.engine.api.definition.TaskType.*;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.EngineLimits;
import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.api.definition.TaskType;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.internal.expression.ParameterResolver;
import dev.baton.engine.internal.script.JqEvaluator;
import dev.baton.engine.internal.script.ScriptEvaluator;
import dev.baton.engine.internal.systemtask.WaitTimes;
import dev.baton.tenancy.ResourceNames;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks a definition before it is stored, and names the first problem by its field path.
 *
 * <p>Besides shape (names, reference names, containers), it checks every {@code ${...}} expression: it must parse,
 * and its root must be {@code workflow} or a task that runs before the referring one (or inside the same loop).
 */
public final class DefinitionValidator {

    private static final Set<String> SCRIPT_EVALUATORS = Set.of("javascript", "graaljs");

    private final ScriptEvaluator scripts;
    private final JqEvaluator jq;
    private final EngineLimits limits;

    public DefinitionValidator(ScriptEvaluator scripts, JqEvaluator jq, EngineLimits limits) {
        this.scripts = scripts;
        this.jq = jq;
        this.limits = limits;
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
        if (def.timeoutSecondsOrZero() > 0) {
            require(def.responseTimeoutSecondsOrDefault() <= def.timeoutSeconds(), field + ".responseTimeoutSeconds",
                    "must not exceed timeoutSeconds (" + def.timeoutSeconds() + ")");
        }
    }

    /** Validates {@code def}; {@code taskDefs} finds registered task definitions by name. */
    public void validateWorkflowDef(WorkflowDef def, Function<String, Optional<TaskDef>> taskDefs) {
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
                WorkflowTask task = tasks.get(i);
                String path = field + "[" + i + "]";
                task(task, path, loopRefs, inLoop);
                if (FORK_JOIN.equals(task.type()) || FORK_JOIN_DYNAMIC.equals(task.type())) {
                    boolean joinFollows = i + 1 < tasks.size() && JOIN.equals(tasks.get(i + 1).type());
                    require(joinFollows, path, task.type() + " must be followed by a JOIN task");
                }
            }
        }

        void task(WorkflowTask task, String path, Set<String> loopRefs, boolean inLoop) {
            require(task != null, path, "a task is required");
            requireName(task.name(), path + ".name");
            String ref = task.taskReferenceName();
            require(ref != null && !ref.isBlank(), path + ".taskReferenceName", "is required");
            require(!ref.contains("__"), path + ".taskReferenceName",
                    "must not contain '__', which marks loop iterations");
            require(seen.add(ref), path + ".taskReferenceName", "duplicate reference name '" + ref + "'");
            String type = task.typeOrSimple();
            if (!TaskType.isSystem(type)) {
                boolean known = task.taskDefinition() != null || taskDefs.apply(task.name()).isPresent();
                require(known, path + ".name", "no task definition named '" + task.name()
                        + "' is registered (worker tasks of type " + type + " need one)");
                if (task.taskDefinition() != null) {
                    validateTaskDef(task.taskDefinition(), path + ".taskDefinition");
                }
            }
            for (String expr : ParameterResolver.expressionsIn(task.inputParameters())) {
                checkExpression(expr, path + ".inputParameters", seen, loopRefs);
            }
            switch (type) {
                case SWITCH -> switchTask(task, path, loopRefs, inLoop);
                case DECISION -> decision(task, path, loopRefs, inLoop);
                case FORK_JOIN -> fork(task, path, loopRefs, inLoop);
                case JOIN, EXCLUSIVE_JOIN -> join(task, path);
                case FORK_JOIN_DYNAMIC -> dynamicFork(task, path);
                case DO_WHILE -> loop(task, path, inLoop);
                case SUB_WORKFLOW -> require(task.subWorkflowParam() != null
                        && (task.subWorkflowParam().name() != null || task.subWorkflowParam().workflowDefinition() != null),
                        path + ".subWorkflowParam", "a SUB_WORKFLOW task needs subWorkflowParam.name");
                case START_WORKFLOW -> startWorkflow(task, path);
                case INLINE -> inline(task, path);
                case JSON_JQ_TRANSFORM -> jqTask(task, path);
                case TERMINATE -> terminate(task, path);
                case DYNAMIC -> require(task.dynamicTaskNameParam() != null
                        && task.inputParameters().containsKey(task.dynamicTaskNameParam()),
                        path + ".dynamicTaskNameParam", "must name an input parameter that holds the task name");
                case WAIT -> waitTask(task, path);
                default -> { }
            }
        }

        private void switchTask(WorkflowTask task, String path, Set<String> loopRefs, boolean inLoop) {
            String evaluator = task.evaluatorType() == null ? "value-param" : task.evaluatorType();
            require("value-param".equals(evaluator) || SCRIPT_EVALUATORS.contains(evaluator), path + ".evaluatorType",
                    "must be value-param or javascript, not '" + evaluator + "'");
            require(task.expression() != null && !task.expression().isBlank(), path + ".expression", "is required");
            if ("value-param".equals(evaluator)) {
                require(task.inputParameters().containsKey(task.expression()), path + ".expression",
                        "value-param expression '" + task.expression() + "' must name an input parameter");
            } else {
                checkScript(task.expression(), path + ".expression");
            }
            cases(task, path, loopRefs, inLoop);
        }

        private void decision(WorkflowTask task, String path, Set<String> loopRefs, boolean inLoop) {
            require(task.caseValueParam() != null || task.caseExpression() != null, path + ".caseValueParam",
                    "a DECISION needs caseValueParam or caseExpression");
            if (task.caseExpression() != null) {
                checkScript(task.caseExpression(), path + ".caseExpression");
            }
            cases(task, path, loopRefs, inLoop);
        }

        private void cases(WorkflowTask task, String path, Set<String> loopRefs, boolean inLoop) {
            Set<String> before = Set.copyOf(seen);
            Set<String> afterAll = new HashSet<>();
            for (Map.Entry<String, List<WorkflowTask>> c : task.decisionCases().entrySet()) {
                branch(c.getValue(), path + ".decisionCases." + c.getKey(), before, afterAll, loopRefs, inLoop);
            }
            branch(task.defaultCase(), path + ".defaultCase", before, afterAll, loopRefs, inLoop);
            seen.addAll(afterAll);
        }

        /** A branch sees what ran before its container, not its sibling branches. */
        private void branch(List<WorkflowTask> tasks, String path, Set<String> before, Set<String> afterAll,
                Set<String> loopRefs, boolean inLoop) {
            Set<String> saved = Set.copyOf(seen);
            seen.retainAll(before);
            Set<String> siblings = new HashSet<>(saved);
            siblings.removeAll(before);
            list(tasks, path, loopRefs, inLoop);
            for (String ref : seen) {
                require(!siblings.contains(ref), path, "duplicate reference name '" + ref + "'");
            }
            afterAll.addAll(seen);
            seen.addAll(saved);
        }

        private void fork(WorkflowTask task, String path, Set<String> loopRefs, boolean inLoop) {
            require(!task.forkTasks().isEmpty(), path + ".forkTasks", "a FORK_JOIN needs at least one branch");
            Set<String> before = Set.copyOf(seen);
            Set<String> afterAll = new HashSet<>();
            for (int b = 0; b < task.forkTasks().size(); b++) {
                List<WorkflowTask> branch = task.forkTasks().get(b);
                require(branch != null && !branch.isEmpty(), path + ".forkTasks[" + b + "]", "a branch needs tasks");
                branch(branch, path + ".forkTasks[" + b + "]", before, afterAll, loopRefs, inLoop);
            }
            seen.addAll(afterAll);
        }

        private void join(WorkflowTask task, String path) {
            for (int j = 0; j < task.joinOn().size(); j++) {
                require(seen.contains(task.joinOn().get(j)), path + ".joinOn[" + j + "]",
                        "joins on '" + task.joinOn().get(j) + "', which is no task before this join");
            }
        }

        private void dynamicFork(WorkflowTask task, String path) {
            boolean classic = task.dynamicForkTasksParam() != null && task.dynamicForkTasksInputParamName() != null;
            boolean simple = task.inputParameters().containsKey("forkTaskName")
                    || task.inputParameters().containsKey("forkTaskWorkflow");
            require(classic || simple, path + ".dynamicForkTasksParam", "a FORK_JOIN_DYNAMIC needs "
                    + "dynamicForkTasksParam and dynamicForkTasksInputParamName, or forkTaskName and forkTaskInputs");
            if (classic) {
                require(task.inputParameters().containsKey(task.dynamicForkTasksParam()), path + ".dynamicForkTasksParam",
                        "must name an input parameter ('" + task.dynamicForkTasksParam() + "' is not one)");
            }
        }

        private void loop(WorkflowTask task, String path, boolean inLoop) {
            require(!inLoop, path + ".type", "a DO_WHILE cannot be nested in another DO_WHILE");
            require(!task.loopOver().isEmpty(), path + ".loopOver", "a DO_WHILE needs at least one task to loop over");
            boolean items = task.inputParameters().containsKey("items");
            require(items || (task.loopCondition() != null && !task.loopCondition().isBlank()),
                    path + ".loopCondition", "a DO_WHILE needs a loopCondition or an 'items' input");
            if (task.loopCondition() != null && !task.loopCondition().isBlank()) {
                checkScript(task.loopCondition(), path + ".loopCondition");
            }
            Set<String> body = new HashSet<>();
            body.add(task.taskReferenceName());
            task.visit(t -> body.add(t.taskReferenceName()));
            list(task.loopOver(), path + ".loopOver", body, true);
        }

        private void startWorkflow(WorkflowTask task, String path) {
            Object start = task.inputParameters().get("startWorkflow");
            require(start instanceof Map<?, ?> m && m.get("name") != null, path + ".inputParameters.startWorkflow",
                    "a START_WORKFLOW needs inputParameters.startWorkflow.name");
        }

        private void inline(WorkflowTask task, String path) {
            String evaluator = String.valueOf(task.inputParameters().getOrDefault("evaluatorType", "javascript"));
            require(SCRIPT_EVALUATORS.contains(evaluator), path + ".inputParameters.evaluatorType",
                    "must be javascript or graaljs, not '" + evaluator + "'");
            Object expression = task.inputParameters().get("expression");
            require(expression instanceof String s && !s.isBlank(), path + ".inputParameters.expression",
                    "an INLINE task needs a script in inputParameters.expression");
            if (ParameterResolver.expressionsIn(expression).isEmpty()) {
                checkScript((String) expression, path + ".inputParameters.expression");
            }
        }

        private void jqTask(WorkflowTask task, String path) {
            Object query = task.inputParameters().get("queryExpression");
            require(query instanceof String s && !s.isBlank(), path + ".inputParameters.queryExpression",
                    "a JSON_JQ_TRANSFORM needs a jq query in inputParameters.queryExpression");
            if (ParameterResolver.expressionsIn(query).isEmpty()) {
                try {
                    jq.compile((String) query);
                } catch (JqEvaluator.JqException e) {
                    throw EngineException.invalid(path + ".inputParameters.queryExpression", e.getMessage());
                }
            }
        }

        private void terminate(WorkflowTask task, String path) {
            Object status = task.inputParameters().get("terminationStatus");
            require(status == null || Set.of("COMPLETED", "FAILED", "TERMINATED").contains(String.valueOf(status)),
                    path + ".inputParameters.terminationStatus", "must be COMPLETED, FAILED or TERMINATED");
        }

        private void waitTask(WorkflowTask task, String path) {
            for (String key : List.of("duration", "until")) {
                Object value = task.inputParameters().get(key);
                if (value instanceof String s && ParameterResolver.expressionsIn(s).isEmpty()) {
                    try {
                        if (key.equals("duration")) {
                            WaitTimes.parseDuration(s);
                        } else {
                            WaitTimes.parseInstant(s);
                        }
                    } catch (IllegalArgumentException e) {
                        throw EngineException.invalid(path + ".inputParameters." + key, e.getMessage());
                    }
                }
            }
        }
    }

    private void checkScript(String script, String field) {
        try {
            scripts.checkSyntax(script);
        } catch (ScriptEvaluator.ScriptException e) {
            throw EngineException.invalid(field, "malformed JavaScript: " + e.getMessage());
        }
    }

    private static void checkExpression(String expr, String field, Set<String> before, Set<String> loopRefs) {
        String root;
        try {
            root = ParameterResolver.rootOf(expr);
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid(field, e.getMessage());
        }
        if (root.equals("workflow") || before.contains(root) || (loopRefs != null && loopRefs.contains(root))) {
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
