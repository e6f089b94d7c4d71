package dev.baton.engine.internal.execution;

import dev.baton.engine.api.CompositionPolicy;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.EngineLimits;
import dev.baton.engine.api.TaskContracts;
import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.engine.internal.expression.ParameterResolver;
import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.engine.internal.tasks.TaskHandlers;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.tenancy.TenantTransactions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a workflow forward after any change: schedules what follows each newly ended task, retries failed ones,
 * runs system tasks, and ends the workflow when nothing is left to do. It only changes the in-memory
 * {@link WorkflowRun}; the executor writes the result in the same transaction as the change that caused it.
 */
public final class WorkflowDecider {

    private static final Logger log = LoggerFactory.getLogger(WorkflowDecider.class);
    private static final int MAX_PASSES = 10_000;

    private final TaskScheduler scheduler;
    private final ParameterResolver resolver;
    private final WorkflowLauncher launcher;
    private final TaskHandlers handlers;
    private final JsonCodec json;
    private final EngineLimits limits;

    private final RunningAttempts attempts;
    /** Set for a dry run's decider: it decides only the types evaluated in dry runs and tells no one anything. */
    private final boolean dryRun;

    WorkflowDecider(ParameterResolver resolver, JsonCodec json, TaskHandlers handlers, WorkflowLauncher launcher,
            EngineLimits limits, CompositionPolicy composition, TaskContracts contracts, RunningAttempts attempts) {
        this(resolver, json, handlers, launcher, limits, composition, contracts, attempts, false);
    }

    WorkflowDecider(ParameterResolver resolver, JsonCodec json, TaskHandlers handlers, WorkflowLauncher launcher,
            EngineLimits limits, CompositionPolicy composition, TaskContracts contracts, RunningAttempts attempts,
            boolean dryRun) {
        this.dryRun = dryRun;
        this.resolver = resolver;
        this.attempts = attempts;
        this.launcher = launcher;
        this.handlers = handlers;
        this.json = json;
        this.limits = limits;
        this.scheduler = new TaskScheduler(resolver, json, composition, handlers, contracts, this::context);
    }

    /** The handlers' view of {@code run}, made once per run. */
    RunContext context(WorkflowRun run) {
        if (run.context == null) {
            run.context = new RunContext(run, this, scheduler, launcher, json, limits);
        }
        return run.context;
    }

    TaskScheduler scheduler() {
        return scheduler;
    }

    /** Schedules the first task of a new (or restarted) workflow and decides. */
    void start(WorkflowRun run) {
        scheduler.schedule(run, run.workflow.getWorkflowDefinition().tasks().get(0), 0);
        decide(run);
    }

    /** Decides until nothing changes any more. */
    void decide(WorkflowRun run) {
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            if (run.workflow.getStatus() != WorkflowStatus.RUNNING) {
                return;
            }
            boolean changed = processEndedTasks(run);
            if (run.workflow.getStatus() != WorkflowStatus.RUNNING) {
                return;
            }
            changed |= runSystemTasks(run);
            if (run.workflow.getStatus() != WorkflowStatus.RUNNING) {
                return;
            }
            if (!changed) {
                if (nothingLeft(run)) {
                    Task permissiveFailure = failedPermissive(run);
                    if (permissiveFailure != null) {
                        failWorkflow(run, permissiveFailure, WorkflowStatus.FAILED, "permissive task '"
                                + permissiveFailure.getReferenceTaskName() + "' " + permissiveFailure.getStatus()
                                + (permissiveFailure.getReasonForIncompletion() == null ? ""
                                        : ": " + permissiveFailure.getReasonForIncompletion()));
                    } else {
                        completeWorkflow(run, null);
                    }
                }
                return;
            }
        }
        failWorkflow(run, null, WorkflowStatus.FAILED, "the workflow did not settle after " + MAX_PASSES
                + " decisions; check for a loop that never ends");
    }

    private boolean processEndedTasks(WorkflowRun run) {
        boolean changed = false;
        for (Task t : new ArrayList<>(run.workflow.getTasks())) {
            if (t.isExecuted() || t.isRetried() || !t.getStatus().isTerminal()) {
                continue;
            }
            changed = true;
            t.setExecuted(true);
            run.changed(t);
            if (t.getStatus().isSuccessful()) {
                scheduleNext(run, t);
            } else if (t.getStatus() == TaskStatus.CANCELED) {
                continue;
            } else if (canRetry(t)) {
                scheduler.retry(run, t);
            } else if (t.isOptional()) {
                t.setStatus(TaskStatus.COMPLETED_WITH_ERRORS);
                scheduleNext(run, t);
            } else if (t.isPermissive()) {
                // the flow runs on; a join on it, or the workflow's end, fails for it
                scheduleNext(run, t);
            } else {
                WorkflowStatus status = t.getStatus() == TaskStatus.TIMED_OUT ? WorkflowStatus.TIMED_OUT : WorkflowStatus.FAILED;
                failWorkflow(run, t, status, "task '" + t.getReferenceTaskName() + "' " + t.getStatus()
                        + (t.getReasonForIncompletion() == null ? "" : ": " + t.getReasonForIncompletion()));
                return true;
            }
        }
        return changed;
    }

    private boolean runSystemTasks(WorkflowRun run) {
        boolean changed = false;
        for (Task t : new ArrayList<>(run.workflow.getTasks())) {
            if (t.getStatus().isTerminal()) {
                continue;
            }
            TaskHandler handler = handlers.find(t.getTaskType());
            if (handler != null && (!dryRun || handler.evaluatedInDryRun())) {
                changed |= handler.decide(context(run), t);
                if (run.workflow.getStatus() != WorkflowStatus.RUNNING) {
                    return true;
                }
            }
        }
        return changed;
    }

    private static boolean canRetry(Task t) {
        if (!t.getStatus().isRetriable()) {
            return false;
        }
        WorkflowTask wt = t.getWorkflowTask();
        int allowed = wt != null && wt.retryCount() != null ? wt.retryCount() : t.taskDef().retryCountOrDefault();
        if (t.getQueue() == null && (wt == null || wt.taskDefinition() == null) && (wt == null || wt.retryCount() == null)) {
            allowed = 0;
        }
        return t.getRetryCount() < allowed;
    }

    /** Schedules what runs after {@code done}, passing over tasks that were skipped before they were reached. */
    private void scheduleNext(WorkflowRun run, Task done) {
        TaskHandler handler = handlers.find(done.getTaskType());
        List<WorkflowTask> chosen = handler == null ? List.of() : handler.next(done);
        WorkflowTask next = chosen.isEmpty() ? run.index.nextAfter(done.definitionRef()) : chosen.get(0);
        while (next != null && preSkipped(run, next, done.getIteration())) {
            next = run.index.nextAfter(next.taskReferenceName());
        }
        if (next != null) {
            WorkflowTask loop = run.index.loopOf(next.taskReferenceName());
            int iteration = loop == null ? 0 : done.getIteration();
            scheduler.schedule(run, next, iteration);
        }
    }

    private static boolean preSkipped(WorkflowRun run, WorkflowTask wt, int iteration) {
        return run.workflow.getTasks().stream().anyMatch(t -> t.getStatus() == TaskStatus.SKIPPED
                && wt.taskReferenceName().equals(t.definitionRef()) && t.getIteration() == iteration
                && t.getOutputData().containsKey("skippedBeforeScheduling"));
    }

    /** The first permissive task whose last attempt failed, which keeps the workflow from completing; or null. */
    private static Task failedPermissive(WorkflowRun run) {
        for (Task t : run.workflow.getTasks()) {
            if (t.isPermissive() && !t.isRetried() && t.getStatus().isTerminal() && !t.getStatus().isSuccessful()
                    && t.getStatus() != TaskStatus.CANCELED && t.getStatus() != TaskStatus.SKIPPED) {
                return t;
            }
        }
        return null;
    }

    private static boolean nothingLeft(WorkflowRun run) {
        for (Task t : run.workflow.getTasks()) {
            if (!t.getStatus().isTerminal() || (!t.isExecuted() && !t.isRetried())) {
                return false;
            }
        }
        return !run.workflow.getTasks().isEmpty();
    }

    /** Completes the workflow; its output comes from outputParameters, else from the last task. */
    void completeWorkflow(WorkflowRun run, Map<String, Object> explicitOutput) {
        Map<String, Object> output = explicitOutput != null ? explicitOutput : computeOutput(run);
        endWorkflow(run, WorkflowStatus.COMPLETED, run.workflow.getReasonForIncompletion(), output);
    }

    private Map<String, Object> computeOutput(WorkflowRun run) {
        WorkflowDef def = run.workflow.getWorkflowDefinition();
        if (!def.outputParameters().isEmpty()) {
            try {
                return resolver.resolve(def.outputParameters(), run.workflow, null);
            } catch (RuntimeException e) {
                log.warn("workflow {}: output parameters could not be resolved: {}", run.workflow.getWorkflowId(),
                        e.getMessage());
            }
        }
        return run.workflow.getTasks().stream()
                .filter(t -> t.getStatus().isSuccessful() && !t.isRetried())
                .max(Comparator.comparing(Task::getEnded, Comparator.nullsFirst(Comparator.naturalOrder()))
                        .thenComparing(Task::getSeq))
                .map(t -> (Map<String, Object>) new LinkedHashMap<>(t.getOutputData()))
                .orElseGet(LinkedHashMap::new);
    }

    /** Fails (or times out) the workflow because of {@code failed}, and starts its failure workflow if it has one. */
    void failWorkflow(WorkflowRun run, Task failed, WorkflowStatus status, String reason) {
        if (failed != null) {
            run.workflow.getFailedReferenceTaskNames().add(failed.getReferenceTaskName());
            run.workflow.getFailedTaskNames().add(failed.getTaskDefName());
        }
        endWorkflow(run, status, reason, computeOutput(run));
        String named = run.workflow.getWorkflowDefinition().failureWorkflow();
        String failureWorkflow = named == null || named.isBlank() ? null : resolvedName(run, named);
        if (failureWorkflow != null && !failureWorkflow.isBlank()) {
            Map<String, Object> input = new LinkedHashMap<>();
            input.put("workflowId", run.workflow.getWorkflowId().toString());
            input.put("workflowType", run.workflow.getWorkflowName());
            input.put("reason", reason);
            input.put("failureStatus", status.name());
            input.put("failedTaskId", failed == null ? null : failed.getTaskId().toString());
            input.put("failedTaskReferenceName", failed == null ? null : failed.getReferenceTaskName());
            input.put("correlationId", run.workflow.getCorrelationId());
            input.put("input", run.workflow.getInput());
            try {
                launcher.startFromTask(run, new StartWorkflowRequest(failureWorkflow, null,
                        run.workflow.getCorrelationId(), input, run.workflow.getTaskToDomain(), null, null, null, null,
                        null));
            } catch (RuntimeException e) {
                log.warn("workflow {}: failure workflow '{}' could not start: {}", run.workflow.getWorkflowId(),
                        failureWorkflow, e.getMessage());
                run.workflow.setReasonForIncompletion(reason + "; failure workflow '" + failureWorkflow
                        + "' could not start: " + e.getMessage());
            }
        }
    }

    ParameterResolver resolver() {
        return resolver;
    }

    /** A failure workflow's name, which may be computed from the workflow; as written when it cannot be. */
    private String resolvedName(WorkflowRun run, String named) {
        try {
            return resolver.resolveName(named, run.workflow);
        } catch (EngineException e) {
            return named;
        }
    }

    /** Ends the workflow in {@code status}, cancelling every task still open. */
    void endWorkflow(WorkflowRun run, WorkflowStatus status, String reason, Map<String, Object> output) {
        cancelOpenTasks(run, "workflow " + status);
        run.workflow.setStatus(status);
        run.workflow.setReasonForIncompletion(reason);
        run.workflow.setOutput(output == null ? new LinkedHashMap<>() : output);
        run.workflow.setEnded(run.now);
        run.workflow.setTimeoutAt(null);
        run.workflowChanged();
        run.ended = true;
    }

    void cancelOpenTasks(WorkflowRun run, String reason) {
        for (Task t : run.workflow.getTasks()) {
            if (t.getStatus().isTerminal()) {
                continue;
            }
            if (!dryRun && t.getStatus() == TaskStatus.IN_PROGRESS && TaskHandlers.isServerQueue(t.getQueue())) {
                UUID id = t.getTaskId();
                TenantTransactions.afterCommit(() -> attempts.interrupt(id));
            }
            t.setStatus(TaskStatus.CANCELED);
            t.setReasonForIncompletion(reason);
            t.setEnded(run.now);
            t.setExecuted(true);
            run.changed(t);
            TaskHandler handler = handlers.find(t.getTaskType());
            if (handler != null && (!dryRun || handler.evaluatedInDryRun())) {
                handler.cancel(context(run), t);
            }
        }
    }

    /** Ends a task that waits on a child workflow the way the child ended, with the child's output. */
    void childEnded(WorkflowRun run, Task task, Workflow child) {
        Map<String, Object> out = new LinkedHashMap<>(child.getOutput());
        out.put("subWorkflowId", child.getWorkflowId().toString());
        if (child.getStatus().isSuccessful()) {
            TaskScheduler.complete(run, task, out);
        } else if (child.getStatus() == WorkflowStatus.TERMINATED && !run.workflow.getStatus().isTerminal()) {
            // as Conductor's: a child terminated from outside cancels its task and terminates the parent
            task.getOutputData().putAll(out);
            String reason = "sub workflow " + child.getWorkflowId() + " was terminated"
                    + (child.getReasonForIncompletion() == null ? "" : ": " + child.getReasonForIncompletion());
            TaskScheduler.fail(run, task, TaskStatus.CANCELED, reason);
            endWorkflow(run, WorkflowStatus.TERMINATED, reason, computeOutput(run));
        } else {
            task.getOutputData().putAll(out);
            TaskScheduler.fail(run, task, TaskStatus.FAILED, "sub workflow " + child.getWorkflowId() + " ended "
                    + child.getStatus() + (child.getReasonForIncompletion() == null ? ""
                    : ": " + child.getReasonForIncompletion()));
        }
    }

    /** Applies every deadline that has passed: poll, response and task timeouts, waits, the workflow timeout. */
    void checkTimers(WorkflowRun run) {
        if (run.workflow.getStatus().isTerminal()) {
            return;
        }
        if (run.workflow.getTimeoutAt() != null && !run.now.isBefore(run.workflow.getTimeoutAt())) {
            WorkflowDef def = run.workflow.getWorkflowDefinition();
            if (def.timeoutPolicy() == WorkflowDef.TimeoutPolicy.ALERT_ONLY) {
                log.warn("workflow {} ran past its timeout of {} s (ALERT_ONLY)", run.workflow.getWorkflowId(),
                        def.timeoutSeconds());
                run.workflow.setTimeoutAt(null);
                run.workflowChanged();
            } else {
                endWorkflow(run, WorkflowStatus.TIMED_OUT, "workflow timed out after " + def.timeoutSeconds()
                        + " seconds", computeOutput(run));
                return;
            }
        }
        for (Task t : new ArrayList<>(run.workflow.getTasks())) {
            if (!t.getStatus().isTerminal()) {
                checkTask(run, t);
                if (run.workflow.getStatus().isTerminal()) {
                    return;
                }
            }
        }
    }

    private void checkTask(WorkflowRun run, Task t) {
        TaskDef def = t.taskDef();
        if (t.getStatus() == TaskStatus.SCHEDULED && t.getQueue() != null && def.pollTimeoutSecondsOrZero() > 0
                && !run.now.isBefore(t.getScheduled().plusSeconds(def.pollTimeoutSecondsOrZero()))) {
            timeOut(run, t, "no worker polled the task within pollTimeoutSeconds (" + def.pollTimeoutSeconds() + ")");
            return;
        }
        if (t.getStatus() != TaskStatus.IN_PROGRESS) {
            return;
        }
        if (t.getWaitUntil() != null && !run.now.isBefore(t.getWaitUntil())) {
            TaskScheduler.complete(run, t, Map.of());
            return;
        }
        if (def.timeoutSecondsOrZero() > 0 && t.getFirstStarted() != null
                && !run.now.isBefore(t.getFirstStarted().plusSeconds(def.timeoutSecondsOrZero()))) {
            String reason = "task timed out after timeoutSeconds (" + def.timeoutSeconds() + ")";
            switch (def.timeoutPolicyOrDefault()) {
                case ALERT_ONLY -> log.warn("workflow {} task {}: {} (ALERT_ONLY)", run.workflow.getWorkflowId(),
                        t.getTaskId(), reason);
                case RETRY -> {
                    timeOut(run, t, reason);
                    return;
                }
                case TIME_OUT_WF -> {
                    TaskScheduler.fail(run, t, TaskStatus.TIMED_OUT, reason);
                    t.setExecuted(true);
                    failWorkflow(run, t, WorkflowStatus.TIMED_OUT, "task '" + t.getReferenceTaskName() + "' " + reason);
                    return;
                }
            }
        }
        if (t.getQueue() != null && t.getUpdated() != null
                && !run.now.isBefore(t.getUpdated().plusSeconds(t.getResponseTimeoutSeconds()))) {
            timeOut(run, t, "no update from the worker within responseTimeoutSeconds (" + t.getResponseTimeoutSeconds() + ")");
        }
    }

    private static void timeOut(WorkflowRun run, Task t, String reason) {
        TaskScheduler.fail(run, t, TaskStatus.TIMED_OUT, reason);
    }
}
