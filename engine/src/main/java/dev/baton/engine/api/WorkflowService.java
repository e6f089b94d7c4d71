package dev.baton.engine.api;

import dev.baton.engine.api.dryrun.DryRunRequest;
import dev.baton.engine.api.dryrun.DryRunResult;
import dev.baton.engine.api.execution.RerunWorkflowRequest;
import dev.baton.engine.api.execution.UpgradePlan;
import dev.baton.engine.api.execution.UpgradeRequest;
import dev.baton.engine.api.execution.SearchResult;
import dev.baton.engine.api.execution.SkipTaskRequest;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowSummary;
import dev.baton.tenancy.TenantId;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Starts, reads, searches and operates workflow executions of a tenant. */
public interface WorkflowService {

    /** Starts a workflow; with an idempotency key already used for that workflow name, returns the first id. */
    UUID start(TenantId tenant, StartWorkflowRequest request);

    /**
     * Starts a workflow on behalf of {@code actingTeam}: the team an inline definition's execution runs for (a
     * registered definition's execution runs for the team that owns it).
     */
    UUID start(TenantId tenant, StartWorkflowRequest request, String actingTeam);

    /**
     * Evaluates a workflow without running anything: the tasks that would run with their resolved inputs, assuming
     * the given outcomes for worker tasks and tasks with outside effects. {@code actingTeam} is the team an inline
     * definition is evaluated for, as at a start. Writes nothing.
     */
    DryRunResult dryRun(TenantId tenant, DryRunRequest request, String actingTeam);

    Workflow get(TenantId tenant, UUID workflowId, boolean includeTasks);

    /**
     * Makes every worker task of the workflow that waits out a callback delay visible to workers now, as Conductor's
     * {@code resetcallbacks} does; refused for an ended workflow.
     */
    void resetCallbacks(TenantId tenant, UUID workflowId);

    void pause(TenantId tenant, UUID workflowId);

    void resume(TenantId tenant, UUID workflowId);

    void terminate(TenantId tenant, UUID workflowId, String reason);

    /** Runs an ended workflow again from the start with the same input. */
    void restart(TenantId tenant, UUID workflowId, boolean useLatestDefinition);

    /** Retries the failed tasks of a failed, timed out or terminated workflow. */
    void retry(TenantId tenant, UUID workflowId, boolean resumeSubworkflowTasks);

    /** Runs a workflow again from one of its tasks. */
    void rerun(TenantId tenant, UUID workflowId, RerunWorkflowRequest request);

    /**
     * Copies an ended execution into a new one and runs the copy again from one of its tasks (with the request's
     * new task or workflow input); the original stays as it was. Answers the new execution's id.
     */
    UUID fork(TenantId tenant, UUID workflowId, RerunWorkflowRequest request);

    /**
     * Moves a running or paused execution to a newer version of its definition, each of its tasks to its place there,
     * once a dry run of the upgraded execution completes; refused, naming each task without a place, when it is not
     * safe. With {@code dryRun} only plans and checks.
     */
    UpgradePlan upgrade(TenantId tenant, UUID workflowId, UpgradeRequest request);

    /** Skips a task of a running workflow, whether it is waiting to run or not yet scheduled. */
    void skipTask(TenantId tenant, UUID workflowId, String taskReferenceName, SkipTaskRequest request);

    /** Deletes an execution and its tasks, without keeping it archived. */
    default void remove(TenantId tenant, UUID workflowId) {
        remove(tenant, workflowId, false);
    }

    /**
     * Deletes an execution and its tasks. With {@code archive} (Conductor's default), an ended execution is kept
     * archived, still read by its id; archiving one that has not ended is refused and removes nothing.
     */
    void remove(TenantId tenant, UUID workflowId, boolean archive);

    /** Like {@link #terminateAndRemove(TenantId, UUID, String, boolean)}, without keeping it archived. */
    default void terminateAndRemove(TenantId tenant, UUID workflowId, String reason) {
        terminateAndRemove(tenant, workflowId, reason, false);
    }

    /**
     * Terminates the workflow unless it has ended, then deletes it, in one transaction (Conductor's
     * terminate-remove), keeping it archived when {@code archive}.
     */
    void terminateAndRemove(TenantId tenant, UUID workflowId, String reason, boolean archive);

    /** Re-evaluates a workflow now. */
    void decide(TenantId tenant, UUID workflowId);

    /**
     * Conductor's workflow message queue: queues {@code payload} for a RUNNING workflow (409 otherwise) and decides
     * it, so a waiting PULL_WORKFLOW_MESSAGES task takes it; returns the message's id.
     */
    UUID pushMessage(TenantId tenant, UUID workflowId, Map<String, Object> payload);

    List<UUID> running(TenantId tenant, String name, Integer version);

    /**
     * Executions of {@code name} at {@code version} started in [{@code from}, {@code to}], newest first, at most
     * 10,000.
     */
    List<UUID> startedBetween(TenantId tenant, String name, int version, java.time.Instant from, java.time.Instant to);

    List<Workflow> byCorrelationId(TenantId tenant, String name, String correlationId, boolean includeClosed,
            boolean includeTasks);

    /** For each of {@code correlationIds}, in the order given, its executions of {@code name}, oldest first. */
    Map<String, List<Workflow>> byCorrelationIds(TenantId tenant, String name, List<String> correlationIds,
            boolean includeClosed, boolean includeTasks);

    /**
     * Sets variables of a workflow that has not ended (Conductor's update of workflow variables); with
     * {@code appendArray}, a list value is appended to a list variable of that name instead of replacing it.
     */
    void updateVariables(TenantId tenant, UUID workflowId, Map<String, Object> variables, boolean appendArray);

    SearchResult<WorkflowSummary> search(TenantId tenant, ExecutionQuery query);

    /** Like {@link #search}, answered with the workflows themselves, without their tasks (Conductor's search-v2). */
    SearchResult<Workflow> searchWorkflows(TenantId tenant, ExecutionQuery query);

    /** The executions with a task matching {@code query} (Conductor's search-by-tasks). */
    SearchResult<WorkflowSummary> searchByTasks(TenantId tenant, TaskQuery query);

    /** Like {@link #searchByTasks}, answered with the workflows themselves, without their tasks. */
    SearchResult<Workflow> searchWorkflowsByTasks(TenantId tenant, TaskQuery query);
}
