package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.WorkflowStart;
import dev.baton.engine.api.definition.TaskType;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** START_WORKFLOW: starts another workflow and completes at once with its id, without waiting for it. */
public final class StartWorkflowHandler implements TaskHandler {

    @Override
    public String type() {
        return TaskType.START_WORKFLOW;
    }

    @Override
    public boolean evaluatedInDryRun() {
        return true;
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        Object start = task.inputParameters().get("startWorkflow");
        check.require(start instanceof Map<?, ?> m && m.get("name") != null,
                check.path() + ".inputParameters.startWorkflow",
                "a START_WORKFLOW needs inputParameters.startWorkflow.name");
    }

    @Override
    public List<WorkflowStart> workflowsStarted(WorkflowTask task) {
        return task.inputParameters().get("startWorkflow") instanceof Map<?, ?> start
                && start.get("name") instanceof String name ? List.of(new WorkflowStart(name, null)) : List.of();
    }

    @Override
    public boolean decide(WorkflowContext run, Task task) {
        try {
            StartWorkflowRequest request = run.convert(task.getInputData().get("startWorkflow"),
                    StartWorkflowRequest.class);
            UUID id = run.startWorkflow(request);
            run.complete(task, Map.of("workflowId", id.toString()));
        } catch (EngineException | IllegalArgumentException e) {
            run.fail(task, TaskStatus.FAILED, "cannot start workflow: " + e.getMessage());
        }
        return true;
    }
}
