package dev.baton.engine.internal.execution;

import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.internal.Ids;
import dev.baton.engine.internal.tasks.TaskHandlers;
import dev.baton.tenancy.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One workflow loaded for a change inside one transaction: the state, what changed, and what to do after commit.
 */
public final class WorkflowRun {

    final TenantId tenant;
    final Workflow workflow;
    final Instant now;
    final DefinitionIndex index;
    final List<Task> added = new ArrayList<>();
    final List<java.util.UUID> removed = new ArrayList<>();
    private final Function<String, Optional<TaskDef>> taskDefs;
    private final Map<String, Optional<TaskDef>> taskDefCache = new HashMap<>();
    boolean workflowChanged;
    /** Set when the run replaced the workflow's definition snapshot (a restart with the latest definition). */
    boolean definitionChanged;
    boolean isNew;
    /** Set when the workflow reached a terminal state during this change. */
    boolean ended;
    /** Set once the observers were told of the end, which a run reports once however often it is persisted. */
    boolean endTold;
    /** False while a parent starts this workflow synchronously and reads its outcome itself. */
    boolean notifyParent = true;
    /** How many workflows above this one started it (0 for one started from outside); -1 until known. */
    int depth = -1;

    /** The handlers' view of this run, made by the decider when it first needs one. */
    RunContext context;

    WorkflowRun(TenantId tenant, Workflow workflow, Instant now, Function<String, Optional<TaskDef>> taskDefs,
            TaskHandlers handlers) {
        this.tenant = tenant;
        this.workflow = workflow;
        this.now = now;
        this.index = new DefinitionIndex(workflow.getWorkflowDefinition(), handlers);
        this.taskDefs = taskDefs;
    }

    public Workflow workflow() {
        return workflow;
    }

    public Instant now() {
        return now;
    }

    public TenantId tenant() {
        return tenant;
    }

    Optional<TaskDef> taskDef(String name) {
        return taskDefCache.computeIfAbsent(name, taskDefs);
    }

    /** Adds a new task attempt at the end of the workflow's sequence. */
    /** The id the next task added takes, chosen before its input was resolved (Conductor's CPEWF_TASK_ID). */
    UUID nextTaskId;

    /** Runs before each task is added: a dry run's budget, which throws once it is spent; null in a real run. */
    Runnable beforeAdd;

    Task add(Task task) {
        if (beforeAdd != null) {
            beforeAdd.run();
        }
        task.setTaskId(nextTaskId != null ? nextTaskId : Ids.next());
        nextTaskId = null;
        task.setWorkflowInstanceId(workflow.getWorkflowId());
        task.setWorkflowType(workflow.getWorkflowName());
        task.setWorkflowPriority(workflow.getPriority());
        task.setCorrelationId(workflow.getCorrelationId());
        task.setSeq(workflow.getTasks().stream().mapToInt(Task::getSeq).max().orElse(0) + 1);
        if (task.getScheduled() == null) {
            task.setScheduled(now);
        }
        if (task.getVisibleAt() == null) {
            task.setVisibleAt(now);
        }
        task.setUpdated(now);
        workflow.getTasks().add(task);
        added.add(task);
        return task;
    }

    void changed(Task task) {
        task.setUpdated(now);
        task.markDirty();
    }

    void workflowChanged() {
        workflow.setUpdated(now);
        workflowChanged = true;
    }

    /** Tasks that existed before this change and were modified by it. */
    List<Task> changedTasks() {
        return workflow.getTasks().stream().filter(t -> t.isDirty() && !added.contains(t)).toList();
    }
}
