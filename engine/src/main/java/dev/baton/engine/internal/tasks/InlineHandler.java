package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.definition.TaskType;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.internal.script.ScriptEvaluator;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** INLINE: runs the JavaScript in its {@code expression} input in the sandbox; the result is output.result. */
public final class InlineHandler implements TaskHandler {

    static final Set<String> SCRIPT_EVALUATORS = Set.of("javascript", "graaljs");

    private final ScriptEvaluator scripts;

    public InlineHandler(ScriptEvaluator scripts) {
        this.scripts = scripts;
    }

    @Override
    public String type() {
        return TaskType.INLINE;
    }

    @Override
    public boolean evaluatedInDryRun() {
        return true;
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        String field = check.path() + ".inputParameters.";
        String evaluator = String.valueOf(task.inputParameters().getOrDefault("evaluatorType", "javascript"));
        check.require(SCRIPT_EVALUATORS.contains(evaluator), field + "evaluatorType",
                "must be javascript or graaljs, not '" + evaluator + "'");
        Object expression = task.inputParameters().get("expression");
        check.require(expression instanceof String s && !s.isBlank(), field + "expression",
                "an INLINE task needs a script in inputParameters.expression");
        if (check.isLiteral(expression)) {
            check.script((String) expression, field + "expression");
        }
    }

    @Override
    public boolean decide(WorkflowContext run, Task task) {
        return evaluate(scripts, run, task, String.valueOf(task.getInputData().get("expression")));
    }

    /** Runs {@code script} with the task's input as {@code $}: output.result on success, a failed task otherwise. */
    static boolean evaluate(ScriptEvaluator scripts, WorkflowContext run, Task task, String script) {
        try {
            Object result = scripts.evaluate(run.tenant(), script, task.getInputData());
            Map<String, Object> out = new HashMap<>();
            out.put("result", result);
            run.complete(task, out);
        } catch (ScriptEvaluator.ScriptException e) {
            run.fail(task, TaskStatus.FAILED, "script failed: " + e.getMessage());
        }
        return true;
    }
}
