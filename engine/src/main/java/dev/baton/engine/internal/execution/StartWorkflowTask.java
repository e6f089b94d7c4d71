package dev.baton.engine.internal.execution;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.internal.json.JsonCodec;
import java.util.Map;
import java.util.UUID;

/** START_WORKFLOW: starts another workflow and completes at once with its id, without waiting for it. */
final class StartWorkflowTask implements SystemTask {

    private final WorkflowLauncher launcher;
    private final JsonCodec json;

    StartWorkflowTask(WorkflowLauncher launcher, JsonCodec json) {
        this.launcher = launcher;
        this.json = json;
    }

    @Override
    public boolean execute(WorkflowRun run, Task task) {
        try {
            StartWorkflowRequest request = json.convert(task.getInputData().get("startWorkflow"), StartWorkflowRequest.class);
            UUID id = launcher.startFromTask(run, request);
            TaskScheduler.complete(run, task, Map.of("workflowId", id.toString()));
        } catch (EngineException | IllegalArgumentException e) {
            TaskScheduler.fail(run, task, TaskStatus.FAILED, "cannot start workflow: " + e.getMessage());
        }
        return true;
    }
}
