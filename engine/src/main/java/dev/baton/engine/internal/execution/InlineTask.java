package dev.baton.engine.internal.execution;

import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.internal.script.ScriptEvaluator;
import java.util.HashMap;
import java.util.Map;

/** INLINE: runs the JavaScript in its {@code expression} input in the sandbox; the result is output.result. */
final class InlineTask implements SystemTask {

    private final ScriptEvaluator scripts;

    InlineTask(ScriptEvaluator scripts) {
        this.scripts = scripts;
    }

    @Override
    public boolean execute(WorkflowRun run, Task task) {
        try {
            Object result = scripts.evaluate(run.tenant(), String.valueOf(task.getInputData().get("expression")),
                    task.getInputData());
            Map<String, Object> out = new HashMap<>();
            out.put("result", result);
            TaskScheduler.complete(run, task, out);
        } catch (ScriptEvaluator.ScriptException e) {
            TaskScheduler.fail(run, task, TaskStatus.FAILED, "script failed: " + e.getMessage());
        }
        return true;
    }
}
