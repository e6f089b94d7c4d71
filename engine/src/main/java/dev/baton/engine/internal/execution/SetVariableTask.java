package dev.baton.engine.internal.execution;

import dev.baton.engine.api.execution.Task;
import java.util.Map;

/** SET_VARIABLE: copies its inputs into the workflow's variables. */
final class SetVariableTask implements SystemTask {

    @Override
    public boolean execute(WorkflowRun run, Task task) {
        run.workflow.getVariables().putAll(task.getInputData());
        run.workflowChanged();
        TaskScheduler.complete(run, task, Map.of());
        return true;
    }
}
