package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.definition.TaskType;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import java.util.Map;

/** DYNAMIC: runs the task whose name an input holds, a server type or a worker task. */
public final class DynamicHandler implements TaskHandler {

    @Override
    public String type() {
        return TaskType.DYNAMIC;
    }

    @Override
    public boolean evaluatedInDryRun() {
        return true;
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        check.require(task.dynamicTaskNameParam() != null
                && task.inputParameters().containsKey(task.dynamicTaskNameParam()),
                check.path() + ".dynamicTaskNameParam", "must name an input parameter that holds the task name");
    }

    @Override
    public void schedule(WorkflowContext run, WorkflowTask wt, Map<String, Object> input, int iteration) {
        Object name = input.get(wt.dynamicTaskNameParam());
        if (!(name instanceof String taskName) || taskName.isBlank()) {
            run.fail(run.add(wt, type(), input, iteration), TaskStatus.FAILED_WITH_TERMINAL_ERROR, "input '"
                    + wt.dynamicTaskNameParam() + "' of a DYNAMIC task must hold the name of the task to run");
            return;
        }
        run.scheduleAs(wt, taskName, input, iteration);
    }
}
