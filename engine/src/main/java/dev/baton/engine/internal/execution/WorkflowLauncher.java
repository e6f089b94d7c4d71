package dev.baton.engine.internal.execution;

import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.tenancy.TenantId;
import java.util.UUID;

/** What system tasks need from the executor to start and stop other workflows in the same transaction. */
interface WorkflowLauncher {

    /** Starts {@code def} as a child of {@code parentTask}; returns it after its first decision, already stored. */
    Workflow startChild(WorkflowRun parent, Task parentTask, WorkflowDef def, java.util.Map<String, Object> input);

    /**
     * Starts a workflow from a task of {@code run}, inside the transaction already open: a refusal fails only the
     * task, never the transaction (a nested transaction template would mark it rollback-only).
     */
    UUID startFromTask(WorkflowRun run, StartWorkflowRequest request);

    /** Terminates a running child workflow because its parent ended. */
    void terminateChild(TenantId tenant, UUID childId, String reason);

    /** Finds a workflow definition of the run's tenant. */
    WorkflowDef definition(String name, Integer version);
}
