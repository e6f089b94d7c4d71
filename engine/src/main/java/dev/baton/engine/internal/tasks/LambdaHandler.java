package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.internal.script.ScriptEvaluator;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;

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
    public void check(WorkflowTask task, DefinitionCheck check) {
        String field = check.path() + ".inputParameters.scriptExpression";
        Object script = task.inputParameters().get("scriptExpression");
        check.require(script instanceof String s && !s.isBlank(), field,
                "a LAMBDA task needs a function body in inputParameters.scriptExpression");
        if (check.isLiteral(script)) {
            check.script(asFunction((String) script), field);
        }
    }

    @Override
    public boolean decide(WorkflowContext run, Task task) {
        if (!(task.getInputData().get("scriptExpression") instanceof String body) || body.isBlank()) {
            run.fail(task, TaskStatus.FAILED_WITH_TERMINAL_ERROR,
                    "input 'scriptExpression' must be a non-empty function body");
            return true;
        }
        return InlineHandler.evaluate(scripts, run, task, asFunction(body));
    }

    /** Conductor runs the body as the body of a function, so {@code return} works and its value is the result. */
    private static String asFunction(String body) {
        return "(function scriptFun() {\n" + body + "\n})()";
    }
}
