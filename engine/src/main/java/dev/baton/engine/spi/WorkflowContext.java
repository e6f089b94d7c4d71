package dev.baton.engine.spi;

import dev.baton.engine.api.EngineLimits;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.tenancy.TenantId;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One workflow during one decision, as a task handler sees it: its state, and the changes a handler may make. Every
 * change is written in the decision's transaction.
 */
public interface WorkflowContext {

    TenantId tenant();

    Workflow workflow();

    /** The decision's clock reading. */
    Instant now();

    EngineLimits limits();

    // ---- tasks ----------------------------------------------------------------------------------------------

    /** Adds a task of {@code type} for {@code task} with {@code input}; a task of an asynchronous type is queued. */
    Task add(WorkflowTask task, String type, Map<String, Object> input, int iteration);

    /** Schedules {@code task} of the definition as if the flow had reached it (resolving its input). */
    void schedule(WorkflowTask task, int iteration);

    /** Schedules {@code task} as a task of {@code typeOrName}: a server type, else a worker task of that name. */
    void scheduleAs(WorkflowTask task, String typeOrName, Map<String, Object> input, int iteration);

    void complete(Task task, Map<String, Object> output);

    void fail(Task task, TaskStatus status, String reason);

    /** Marks a task whose fields a handler changed, so it is written. */
    void changed(Task task);

    /** Marks the workflow's own fields (variables) changed, so they are written. */
    void workflowChanged();

    /** Resolves the {@code ${...}} expressions in {@code template} against this workflow, as task inputs are. */
    Object resolve(Object template);

    /** Converts a JSON-shaped value to {@code type}, or throws IllegalArgumentException naming the problem. */
    <T> T convert(Object value, Class<T> type);

    // ---- the definition -------------------------------------------------------------------------------------

    /** The definition's task with reference name {@code ref}, at any depth. */
    Optional<WorkflowTask> definitionTask(String ref);

    /** The task just before {@code ref} in its list, if any. */
    Optional<WorkflowTask> previous(String ref);

    /** The loop ({@link TaskHandler.ChildFlow#REPEAT} parent) whose body holds {@code ref}, at any depth. */
    Optional<WorkflowTask> loopOf(String ref);

    // ---- the workflow and others ----------------------------------------------------------------------------

    void completeWorkflow(Map<String, Object> output);

    void failWorkflow(Task cause, String reason);

    void terminateWorkflow(String reason, Map<String, Object> output);

    /** A workflow definition of this tenant; throws EngineException when there is none. */
    WorkflowDef definition(String name, Integer version);

    /**
     * Starts {@code def} as a child of {@code parentTask} in this transaction and links them: the task goes
     * IN_PROGRESS, and the engine ends it the way the child ends (at once, when the child ended in its first
     * decision). A refusal throws EngineException.
     */
    void startChild(Task parentTask, WorkflowDef def, Map<String, Object> input);

    /** Starts an independent workflow in this transaction; a refusal throws EngineException. */
    UUID startWorkflow(StartWorkflowRequest request);

    /** Terminates a running child workflow. */
    void terminateChild(UUID childId, String reason);
}
