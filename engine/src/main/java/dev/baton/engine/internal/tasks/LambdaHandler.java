package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.internal.script.ScriptEvaluator;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import java.util.HashMap;
import java.util.Map;

/**
 * LAMBDA, Conductor's older script task: the body in {@code scriptExpression} runs as a function with the task's
 * input as {@code $}, and what it returns is output.result. It runs in the same sandbox as INLINE.
 */
public final class LambdaHandler implements TaskHandler {

    private final ScriptEvaluator scripts;

    public LambdaHandler(ScriptEvaluator scripts) {
        this.scripts = scripts;
    }

    @Override
    public String type() {
        return "LAMBDA";
    }

    @Override
    public boolean evaluatedInDryRun() {
        return true;
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        String field = check.path() + ".inputParameters.scriptExpression";
        Object script = task.inputParameters().get("scriptExpression");
        check.require(script instanceof String s && !s.isBlank(), field,
                "a LAMBDA task needs a function body in inputParameters.scriptExpression");
        if (check.isLiteral(script)) {
            check.script(asFunction((String) script), field);
        }
    }

    /** As Conductor does: an empty script or a failing one fails the task (retryably), the error in output.error. */
    @Override
    public boolean decide(WorkflowContext run, Task task) {
        if (!(task.getInputData().get("scriptExpression") instanceof String body) || body.isBlank()) {
            run.fail(task, TaskStatus.FAILED, "Empty 'scriptExpression' in Lambda task's input parameters. A "
                    + "non-empty String value must be provided.");
            return true;
        }
        try {
            Map<String, Object> out = new HashMap<>();
            out.put("result", scripts.evaluate(run.tenant(), asFunction(body), task.getInputData()));
            run.complete(task, out);
        } catch (ScriptEvaluator.ScriptException e) {
            task.getOutputData().put("error", e.getMessage());
            run.fail(task, TaskStatus.FAILED, e.getMessage());
        }
        return true;
    }

    /** Conductor runs the body as the body of a function, so {@code return} works and its value is the result. */
    private static String asFunction(String body) {
        return "(function scriptFun() {\n" + body + "\n})()";
    }
}
