package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.definition.TaskType;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import java.util.Map;

/** SET_VARIABLE: copies its inputs into the workflow's variables. */
public final class SetVariableHandler implements TaskHandler {

    @Override
    public String type() {
        return TaskType.SET_VARIABLE;
    }

    @Override
    public boolean evaluatedInDryRun() {
        return true;
    }

    @Override
    public boolean decide(WorkflowContext run, Task task) {
        run.workflow().getVariables().putAll(task.getInputData());
        run.workflowChanged();
        run.complete(task, Map.of());
        return true;
    }
}
