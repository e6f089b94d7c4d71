package dev.baton.engine.internal.execution;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.TaskQuery;
import dev.baton.engine.api.TaskService;
import dev.baton.engine.api.execution.PollData;
import dev.baton.engine.api.execution.SearchResult;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskExecLog;
import dev.baton.engine.api.execution.TaskResult;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.TaskSummary;
import dev.baton.engine.internal.Ids;
import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.engine.internal.queue.PollRecords;
import dev.baton.engine.internal.queue.QueueSignals;
import dev.baton.engine.internal.tasks.TaskHandlers;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.TaskOutcome;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.UUID;

/** Worker-facing task operations: long poll, updates with stale-update protection, logs and queue sizes. */
public final class TaskExecutor implements TaskService {

    private static final int MAX_BATCH = 1000;
    private static final Duration MAX_WAIT = Duration.ofSeconds(60);

    private final TenantTransactions tx;
    private final ExecutionStore store;
    private final WorkflowExecutor executor;
    private final QueueSignals signals;
    private final TaskHandlers handlers;
    private final PollRecords polls = new PollRecords();
    private final TaskSearch search;
    private final JsonCodec json;

    public TaskExecutor(TenantTransactions tx, ExecutionStore store, WorkflowExecutor executor, QueueSignals signals,
            TaskHandlers handlers, TaskSearch search, JsonCodec json) {
        this.search = search;
        this.json = json;
        this.tx = tx;
        this.store = store;
        this.executor = executor;
        this.signals = signals;
        this.handlers = handlers;
    }

    @Override
    public List<Task> poll(TenantId tenant, String taskType, String workerId, String domain, int count, Duration wait) {
        if (taskType == null || taskType.isBlank()) {
            throw EngineException.invalid("taskType", "is required");
        }
        if (count < 1 || count > MAX_BATCH) {
            throw EngineException.invalid("count", "must be between 1 and " + MAX_BATCH);
        }
        if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
            throw EngineException.invalid("timeout", "must be between 0 and " + MAX_WAIT.toMillis() + " ms");
        }
        String queue = TaskScheduler.queueName(domain, taskType);
        if (TaskHandlers.isServerQueue(queue) || handlers.async(taskType) != null) {
            throw EngineException.invalid("taskType", "'" + taskType + "' tasks run in the server; workers cannot "
                    + "poll them");
        }
        polls.polled(tenant.value(), taskType, domain == null || domain.isBlank() ? null : domain, workerId,
                System.currentTimeMillis());
        store.events().polled(tenant, workerId);
        long deadline = System.nanoTime() + wait.toNanos();
        try (QueueSignals.Waiter waiter = signals.register(tenant.value(), queue, workerId, count)) {
            while (true) {
                List<Task> tasks = List.of();
                if (!waiter.knownEmpty()) {
                    long version = waiter.version();
                    tasks = tx.write(tenant, () -> store.poll(tenant.value(), queue, count, workerId));
                    if (tasks.size() < count) {
                        waiter.sawEmpty(version);
                    }
                }
                long left = deadline - System.nanoTime();
                if (!tasks.isEmpty() || left <= 0) {
                    return tasks;
                }
                if (!waiter.await(left)) {
                    return List.of();
                }
                if (!waiter.handed().isEmpty()) {
                    return waiter.handed(); // taken for this worker by the transaction that queued them
                }
                waiter.rejoin();
            }
        }
    }

    @Override
    public UUID update(TenantId tenant, TaskResult result, Consumer<Task> mayReport) {
        UUID taskId = checked(result);
        return executor.inTransaction(tenant, () -> apply(tenant, taskId, result, mayReport).getTaskId());
    }

    @Override
    public Optional<Task> updateAndPoll(TenantId tenant, TaskResult result, Consumer<Task> mayReport) {
        UUID taskId = checked(result);
        return executor.inTransaction(tenant, () -> {
            Task done = apply(tenant, taskId, result, mayReport);
            String queue = done.getQueue();
            if (!TaskHandlers.isWorkerQueue(queue)) {
                return Optional.<Task>empty();
            }
            return store.poll(tenant.value(), queue, 1, result.workerId()).stream().findFirst();
        });
    }

    /** The id of the task a result reports on, once the result is known to be well-formed. */
    private static UUID checked(TaskResult result) {
        if (result == null) {
            throw EngineException.invalid("", "a task result is required");
        }
        UUID taskId = Ids.parseOrNull(result.taskId());
        if (taskId == null) {
            throw EngineException.invalid("taskId", "must be the id of a task, not '" + result.taskId() + "'");
        }
        if (result.status() == null) {
            throw EngineException.invalid("status", "is required (IN_PROGRESS, COMPLETED, FAILED or FAILED_WITH_TERMINAL_ERROR)");
        }
        return taskId;
    }

    /** Applies a worker's report and decides the workflow, in the current transaction; returns the task. */
    private Task apply(TenantId tenant, UUID taskId, TaskResult result, Consumer<Task> mayReport) {
        UUID given = Ids.parseOrNull(result.workflowInstanceId());
        UUID workflowId = given != null ? given : store.workflowOfTask(taskId)
                .orElseThrow(() -> EngineException.notFound("task " + taskId + " not found"));
        WorkflowRun run = executor.lock(tenant, workflowId);
        Task task = run.workflow.task(taskId)
                .orElseThrow(() -> EngineException.notFound("task " + taskId + " not found in workflow " + workflowId));
        mayReport.accept(task);
        refuseStale(run, task, result.workerId());
        if (result.logs() != null && !result.logs().isEmpty()) {
            store.appendLogs(tenant.value(), taskId, result.logs().stream().map(l -> l.log()).filter(Objects::nonNull).toList());
        }
        apply(run, task, result);
        executor.decideAndPersist(run);
        return task;
    }

    private void refuseStale(WorkflowRun run, Task task, String workerId) {
        if (task.getStatus().isTerminal()) {
            throw EngineException.conflict("task " + task.getTaskId() + " is already " + task.getStatus()
                    + "; this update is stale and was not applied");
        }
        boolean runByServer = !TaskHandlers.isWorkerQueue(task.getQueue());
        TaskHandler handler = handlers.find(task.getTaskType());
        if (runByServer && (handler == null || !handler.takesExternalUpdates())) {
            throw EngineException.conflict("task " + task.getTaskId() + " is a " + task.getTaskType()
                    + " task run by the server; workers cannot update it");
        }
        if (task.getQueue() != null && task.getStatus() == TaskStatus.SCHEDULED) {
            throw EngineException.conflict("task " + task.getTaskId() + " is queued and not held by any worker; "
                    + "this update is stale and was not applied");
        }
        if (workerId != null && task.getWorkerId() != null && !workerId.equals(task.getWorkerId())) {
            throw EngineException.conflict("task " + task.getTaskId() + " is held by worker '" + task.getWorkerId()
                    + "', not '" + workerId + "'; this update is stale and was not applied");
        }
        if (run.workflow.getStatus().isTerminal()) {
            throw EngineException.conflict("workflow " + run.workflow.getWorkflowId() + " has ended ("
                    + run.workflow.getStatus() + ")");
        }
    }

    private void apply(WorkflowRun run, Task task, TaskResult result) {
        if (result.externalOutputPayloadStoragePath() != null) {
            // Conductor's client sends the path instead of the output; anything sent inline as well is added
            Map<String, Object> output = new LinkedHashMap<>(executor.uploaded("externalOutputPayloadStoragePath",
                    result.externalOutputPayloadStoragePath()));
            if (result.outputData() != null) {
                output.putAll(result.outputData());
            }
            task.setOutputData(output);
        } else if (result.outputData() != null) {
            task.setOutputData(new LinkedHashMap<>(result.outputData()));
        }
        if (result.reasonForIncompletion() != null) {
            task.setReasonForIncompletion(result.reasonForIncompletion());
        }
        switch (result.status()) {
            case IN_PROGRESS -> {
                long callback = result.callbackAfterSeconds() == null ? 0 : result.callbackAfterSeconds();
                if (callback < 0) {
                    throw EngineException.invalid("callbackAfterSeconds", "must be 0 or more");
                }
                task.setCallbackAfterSeconds(callback);
                if (callback > 0 && task.getQueue() != null) {
                    task.setStatus(TaskStatus.SCHEDULED);
                    task.setVisibleAt(run.now.plusSeconds(callback));
                } else if (callback > 0) {
                    task.setWaitUntil(run.now.plusSeconds(callback));
                }
                run.changed(task);
            }
            case COMPLETED -> executor.completeReported(run, task);
            case FAILED -> TaskScheduler.fail(run, task, TaskStatus.FAILED, task.getReasonForIncompletion());
            case FAILED_WITH_TERMINAL_ERROR -> TaskScheduler.fail(run, task, TaskStatus.FAILED_WITH_TERMINAL_ERROR,
                    task.getReasonForIncompletion());
        }
    }

    /**
     * Applies the outcome of an asynchronous server task's attempt, held by {@code workerId}: dropped (false) when
     * the task was cancelled, timed out or handed to another worker meanwhile, like a stale worker update.
     */
    boolean finishServerTask(TenantId tenant, UUID workflowId, UUID taskId, String workerId, TaskOutcome outcome,
            List<String> logs) {
        return executor.inTransaction(tenant, () -> {
            WorkflowRun run = executor.lock(tenant, workflowId);
            Optional<Task> held = run.workflow.task(taskId).filter(t -> t.getStatus() == TaskStatus.IN_PROGRESS
                    && workerId.equals(t.getWorkerId()) && !run.workflow.getStatus().isTerminal());
            if (held.isEmpty()) {
                return false;
            }
            if (!logs.isEmpty()) {
                store.appendLogs(tenant.value(), taskId, logs);
            }
            Task task = held.get();
            task.setOutputData(new LinkedHashMap<>(outcome.output()));
            if (outcome.status() == TaskStatus.COMPLETED) {
                executor.completeReported(run, task);
            } else {
                TaskScheduler.fail(run, task, outcome.status(), outcome.reason());
            }
            executor.decideAndPersist(run);
            return true;
        });
    }

    @Override
    public Task updateByReferenceName(TenantId tenant, UUID workflowId, String ref, TaskStatus status,
            Map<String, Object> output, String workerId) {
        TaskResult.Status reported;
        try {
            reported = TaskResult.Status.valueOf(status.name());
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid("status", "must be IN_PROGRESS, COMPLETED, FAILED or FAILED_WITH_TERMINAL_ERROR");
        }
        return executor.inTransaction(tenant, () -> {
            WorkflowRun run = executor.lock(tenant, workflowId);
            Optional<Task> pending = run.workflow.getTasks().stream()
                    .filter(t -> !t.getStatus().isTerminal()
                            && (ref.equals(t.getReferenceTaskName()) || ref.equals(t.definitionRef())))
                    .reduce((a, b) -> b);
            Task task = pending.orElseThrow(() -> EngineException.notFound("workflow " + workflowId
                    + " has no pending task with reference name '" + ref + "'"));
            if (task.getQueue() != null && task.getStatus() == TaskStatus.SCHEDULED) {
                task.setStatus(TaskStatus.IN_PROGRESS);
                task.setStarted(run.now);
            }
            refuseStale(run, task, null);
            apply(run, task, new TaskResult(workflowId.toString(), task.getTaskId().toString(), null, null, workerId,
                    reported, output, null, null, null));
            executor.decideAndPersist(run);
            return task;
        });
    }

    @Override
    public Task get(TenantId tenant, UUID taskId) {
        return tx.read(tenant, () -> store.task(taskId))
                .orElseThrow(() -> EngineException.notFound("task " + taskId + " not found"));
    }

    @Override
    public void log(TenantId tenant, UUID taskId, String line) {
        tx.run(tenant, () -> {
            store.task(taskId).orElseThrow(() -> EngineException.notFound("task " + taskId + " not found"));
            store.appendLogs(tenant.value(), taskId, List.of(line));
        });
    }

    @Override
    public List<TaskExecLog> logs(TenantId tenant, UUID taskId) {
        return tx.read(tenant, () -> store.logs(taskId));
    }

    @Override
    public List<PollData> pollData(TenantId tenant, String taskType) {
        return polls.of(tenant.value(), taskType);
    }

    @Override
    public Map<String, Long> queueSizes(TenantId tenant, List<String> taskTypes) {
        return tx.read(tenant, () -> store.queueSizes(taskTypes));
    }

    @Override
    public Map<String, Map<String, Map<String, Long>>> queueDetails(TenantId tenant) {
        Map<String, Map<String, Map<String, Long>>> details = new java.util.TreeMap<>();
        tx.read(tenant, () -> store.workerQueueCounts()).forEach((queue, counts) ->
                details.put(queue, Map.of("a", Map.of("size", counts[0], "uacked", counts[1]))));
        return details;
    }

    @Override
    public int requeue(TenantId tenant, String taskType, int most) {
        int requeued = 0;
        for (UUID workflowId : tx.read(tenant, () -> store.workflowsWithTasksInProgress(taskType, most))) {
            requeued += executor.change(tenant, workflowId, run -> {
                int n = 0;
                for (Task t : run.workflow.getTasks()) {
                    if (t.getStatus() == TaskStatus.IN_PROGRESS && taskType.equals(t.getTaskDefName())
                            && TaskHandlers.isWorkerQueue(t.getQueue())) {
                        t.setStatus(TaskStatus.SCHEDULED);
                        t.setVisibleAt(run.now);
                        run.changed(t);
                        n++;
                    }
                }
                return n;
            });
        }
        return requeued;
    }

    @Override
    public SearchResult<TaskSummary> search(TenantId tenant, TaskQuery query) {
        SearchResult<TaskSearch.Found> found = tx.read(tenant, () -> search.search(query));
        return new SearchResult<>(found.totalHits(), found.results().stream().map(this::summary).toList());
    }

    @Override
    public SearchResult<Task> searchTasks(TenantId tenant, TaskQuery query) {
        SearchResult<TaskSearch.Found> found = tx.read(tenant, () -> search.search(query));
        return new SearchResult<>(found.totalHits(), found.results().stream().map(TaskSearch.Found::task).toList());
    }

    private TaskSummary summary(TaskSearch.Found found) {
        Task t = found.task();
        return new TaskSummary(t.getWorkflowInstanceId().toString(), t.getWorkflowType(), found.correlationId(),
                text(t.getScheduled()), text(t.getStarted()), text(t.getUpdated()), text(t.getEnded()), t.getStatus(),
                t.getReasonForIncompletion(), between(t.getStarted(), t.getEnded()),
                between(t.getScheduled(), t.getStarted()), t.getTaskDefName(), t.reportedTaskType(),
                json.write(t.getInputData()), json.write(t.getOutputData()), t.getTaskId().toString(), t.getDomain(),
                t.getWorkflowPriority());
    }

    private static String text(java.time.Instant t) {
        return t == null ? null : t.toString();
    }

    private static long between(java.time.Instant from, java.time.Instant to) {
        return from == null || to == null ? 0 : to.toEpochMilli() - from.toEpochMilli();
    }
}
