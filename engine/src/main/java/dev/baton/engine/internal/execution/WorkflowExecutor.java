package dev.baton.engine.internal.execution;

import dev.baton.engine.api.CatalogTaskStats;
import dev.baton.engine.api.CompositionPolicy;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.TaskContracts;
import dev.baton.engine.api.TaskStatistics;
import dev.baton.engine.api.ExecutionQuery;
import dev.baton.engine.api.TaskQuery;
import dev.baton.engine.api.WorkflowService;
import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.dryrun.DryRunRequest;
import dev.baton.engine.api.dryrun.DryRunResult;
import dev.baton.engine.api.execution.RerunWorkflowRequest;
import dev.baton.engine.api.execution.UpgradePlan;
import dev.baton.engine.api.execution.UpgradeRequest;
import dev.baton.engine.api.execution.SearchResult;
import dev.baton.engine.api.execution.SkipTaskRequest;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.engine.api.execution.WorkflowSummary;
import dev.baton.engine.internal.Ids;
import dev.baton.engine.internal.definition.DefinitionStore;
import dev.baton.engine.internal.definition.TaskDefCache;
import dev.baton.engine.internal.definition.DefinitionValidator;
import dev.baton.engine.internal.expression.ParameterResolver;
import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.engine.internal.search.IndexedSearch;
import dev.baton.engine.internal.messages.WorkflowMessages;
import dev.baton.engine.internal.payload.ExternalPayloadStore;
import dev.baton.engine.internal.queue.QueueSignals;
import dev.baton.engine.internal.tasks.TaskHandlers;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.tenancy.ResourceNames;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;

/**
 * Runs every change to a workflow: loads and locks it, applies the change, lets the decider move it forward, and
 * writes the outcome, all in one transaction of the workflow's tenant.
 */
public final class WorkflowExecutor implements WorkflowService, WorkflowLauncher, TaskStatistics {

    private static final int ATTEMPTS = 5;

    private final TenantTransactions tx;
    private final ExternalPayloadStore external;
    private final WorkflowMessages messages;
    private final ExecutionStore store;
    private final ExecutionSearch search;
    private final DefinitionStore definitions;
    private final DefinitionValidator validator;
    private final JsonCodec json;
    private final QueueSignals signals;
    private final WorkflowDecider decider;
    private final Clock clock;
    private final CompositionPolicy composition;
    private final TaskHandlers handlers;
    private final TaskContracts contracts;
    private final TaskDefCache taskDefs = new TaskDefCache();

    /**
     * Longest correlation id or idempotency key: they are indexed, and PostgreSQL refuses B-tree entries over about
     * 2.7 kB; 512 characters stay under it even at four bytes each.
     */
    static final int MAX_KEY_LENGTH = 512;

    /** Starts nested on this thread's stack, whatever the stored parent links say. */
    private static final ThreadLocal<int[]> NESTING = ThreadLocal.withInitial(() -> new int[1]);

    /** The JSON object the current transaction's tenant uploaded to {@code path}, named by a request's {@code field}. */
    Map<String, Object> uploaded(String field, String path) {
        return external.uploaded(field, path);
    }

    private final ExecutionEvents events;
    private final IndexedSearch indexed;
    private final DryRunner dryRunner;
    private final ExecutionRevisions revisions;

    public WorkflowExecutor(TenantTransactions tx, ExecutionStore store, ExecutionSearch search,
            DefinitionStore definitions, DefinitionValidator validator, JsonCodec json, QueueSignals signals,
            TaskHandlers handlers, RunningAttempts attempts, Clock clock, CompositionPolicy composition,
            TaskContracts contracts, java.util.function.Supplier<Map<String, Object>> environment,
            ExternalPayloadStore external, WorkflowMessages messages, IndexedSearch indexed) {
        this.tx = tx;
        this.indexed = indexed;
        this.external = external;
        this.messages = messages;
        this.composition = composition;
        this.store = store;
        this.events = store.events();
        this.search = search;
        this.definitions = definitions;
        this.validator = validator;
        this.json = json;
        this.signals = signals;
        this.clock = clock;
        this.handlers = handlers;
        this.contracts = contracts;
        ParameterResolver resolver = new ParameterResolver(environment);
        this.decider = new WorkflowDecider(resolver, json, handlers, this, validator.limits(), composition, contracts,
                attempts);
        this.dryRunner = new DryRunner(this, composition, contracts, handlers, json, resolver, validator.limits());
        this.revisions = new ExecutionRevisions(this, store, definitions, handlers, dryRunner, validator.limits());
    }

    // ---- running changes ------------------------------------------------------------------------------------

    /** Runs {@code work} in a tenant transaction, again when it lost a deadlock or a uniqueness race. */
    <T> T inTransaction(TenantId tenant, Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.write(tenant, work);
            } catch (PessimisticLockingFailureException | DuplicateKeyException e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    WorkflowRun newRun(TenantId tenant, Workflow w) {
        return newRun(tenant, w, TaskDefCache.UNKNOWN);
    }

    /** A run that trusts the task definitions this node kept at {@code taskDefsVersion}, read in this transaction. */
    private WorkflowRun newRun(TenantId tenant, Workflow w, long taskDefsVersion) {
        return new WorkflowRun(tenant, w, clock.instant(), taskDefs.at(tenant, taskDefsVersion, definitions::taskDef),
                handlers);
    }

    /** Loads and locks a workflow of the current tenant, or fails with not-found. */
    WorkflowRun lock(TenantId tenant, UUID workflowId) {
        ExecutionStore.Locked locked = store.lockForChange(workflowId)
                .orElseThrow(() -> EngineException.notFound("workflow " + workflowId + " not found"));
        return newRun(tenant, locked.workflow(), locked.taskDefsVersion());
    }

    /** Writes what the run changed and arranges the wake-ups that must follow the commit. */
    void persist(WorkflowRun run) {
        handOff(run);
        List<Task> changed = run.changedTasks();
        for (Task t : run.added) {
            t.setDueAt(Deadlines.dueAt(t, run.now));
        }
        for (Task t : changed) {
            t.setDueAt(Deadlines.dueAt(t, run.now));
        }
        Workflow w = run.workflow;
        if (run.isNew) {
            if (!store.insertWorkflow(w)) {
                throw new DuplicateKeyException("idempotency key " + w.getIdempotencyKey() + " was taken concurrently");
            }
        } else if (run.workflowChanged || run.definitionChanged) {
            store.updateWorkflow(w, run.definitionChanged);
        }
        store.deleteTasks(run.removed);
        store.insertTasks(run.tenant.value(), run.added);
        store.updateTasks(changed);
        events.persisted(run, changed);
        Map<String, Integer> queued = new HashMap<>();
        for (Task t : run.added) {
            countQueued(run, t, queued);
        }
        for (Task t : changed) {
            countQueued(run, t, queued);
            if (limited(t) && t.getStatus() != TaskStatus.IN_PROGRESS && TaskHandlers.isWorkerQueue(t.getQueue())) {
                queued.merge(t.getQueue(), 1, Integer::sum); // room under its limit: a held-back task may go
            }
            t.markClean();
        }
        if (!queued.isEmpty()) {
            TenantTransactions.afterCommit(() -> queued.forEach((q, n) -> signals.signal(run.tenant.value(), q, n)));
        }
        if (run.ended && run.notifyParent && w.getParentWorkflowId() != null) {
            notifyParent(run);
        }
        run.added.clear();
        run.removed.clear();
        run.isNew = false;
        run.workflowChanged = false;
        run.definitionChanged = false;
    }

    /**
     * Hands the worker tasks this change queues to pollers waiting on their queues while those are known to be
     * empty: each task is written already taken by its poller's worker, and the poller returns it when this
     * transaction commits, without a poll of its own (a rollback sends the poller back to the database).
     */
    private void handOff(WorkflowRun run) {
        Map<String, List<Task>> byQueue = new LinkedHashMap<>();
        for (Task t : run.added) {
            if (t.getStatus() == TaskStatus.SCHEDULED && TaskHandlers.isWorkerQueue(t.getQueue())
                    && !t.getVisibleAt().isAfter(run.now) && !limited(t)) {
                byQueue.computeIfAbsent(t.getQueue(), q -> new ArrayList<>()).add(t);
            }
        }
        byQueue.forEach((queue, tasks) -> {
            int next = 0;
            while (next < tasks.size()) {
                QueueSignals.Waiter waiter = signals.claim(run.tenant.value(), queue);
                if (waiter == null) {
                    return;
                }
                List<Task> given = List.copyOf(tasks.subList(next, Math.min(tasks.size(), next + waiter.count())));
                if (!TenantTransactions.afterCompletion(committed -> {
                    if (committed) {
                        waiter.hand(given);
                    } else {
                        waiter.release();
                    }
                })) {
                    waiter.release();
                    return;
                }
                next += given.size();
                for (Task t : given) {
                    t.setStatus(TaskStatus.IN_PROGRESS);
                    t.setPollCount(t.getPollCount() + 1);
                    t.setWorkerId(waiter.workerId());
                    t.setStarted(run.now);
                    t.setFirstStarted(t.getFirstStarted() != null ? t.getFirstStarted() : run.now);
                    t.setCallbackAfterSeconds(0);
                }
                events.started(run.tenant, given);
            }
        });
    }

    /** A task whose type has a concurrency or rate limit, which only a poll may hand out (V18). */
    private static boolean limited(Task t) {
        TaskDef def = t.getWorkflowTask() == null ? null : t.getWorkflowTask().taskDefinition();
        return def != null && ((def.concurrentExecLimit() != null && def.concurrentExecLimit() > 0)
                || (def.rateLimitPerFrequency() != null && def.rateLimitPerFrequency() > 0));
    }

    private static void countQueued(WorkflowRun run, Task t, Map<String, Integer> queued) {
        if (t.getStatus() == TaskStatus.SCHEDULED && t.getQueue() != null && !t.getVisibleAt().isAfter(run.now)) {
            queued.merge(t.getQueue(), 1, Integer::sum);
        }
    }

    private void notifyParent(WorkflowRun child) {
        Optional<Workflow> parent = store.lock(child.workflow.getParentWorkflowId());
        if (parent.isEmpty() || parent.get().getStatus().isTerminal()) {
            return;
        }
        WorkflowRun run = newRun(child.tenant, parent.get());
        Optional<Task> task = run.workflow.task(child.workflow.getParentWorkflowTaskId());
        if (task.isEmpty() || task.get().getStatus().isTerminal()) {
            return;
        }
        decider.childEnded(run, task.get(), child.workflow);
        decider.decide(run);
        persist(run);
    }

    /**
     * Completes {@code task} as its worker (or the server) reported, unless its output breaks its catalog entry's
     * output contract: then it fails for good, naming the field.
     */
    void completeReported(WorkflowRun run, Task task) {
        if (task.getWorkflowTask() != null && task.getWorkflowTask().catalog() != null) {
            Optional<String> refused = contracts.outputViolation(run.tenant, task.getWorkflowTask().catalog(),
                    task.getOutputData());
            if (refused.isPresent()) {
                TaskScheduler.fail(run, task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, refused.get());
                return;
            }
        }
        TaskScheduler.complete(run, task, Map.of());
    }

    void decideAndPersist(WorkflowRun run) {
        decider.decide(run);
        persist(run);
    }

    /** Applies {@code change} to a locked workflow, decides, and persists; all in one transaction. */
    <T> T change(TenantId tenant, UUID workflowId, java.util.function.Function<WorkflowRun, T> change) {
        return inTransaction(tenant, () -> {
            WorkflowRun run = lock(tenant, workflowId);
            T result = change.apply(run);
            decider.decide(run);
            persist(run);
            return result;
        });
    }

    // ---- start --------------------------------------------------------------------------------------------

    @Override
    public UUID startFromTask(WorkflowRun run, StartWorkflowRequest request) {
        requireName(request);
        return startInTransaction(run.tenant, request, null, null, run.workflow.getOwnerTeam(), true);
    }

    private static void requireIndexable(StartWorkflowRequest request) {
        requireLength(request.correlationId(), MAX_KEY_LENGTH, "correlationId");
        requireLength(request.idempotencyKey(), MAX_KEY_LENGTH, "idempotencyKey");
        if (request.taskToDomain() != null) {
            request.taskToDomain().forEach((task, domain) -> {
                requireLength(task, ResourceNames.MAX_LENGTH, "taskToDomain");
                requireLength(domain, ResourceNames.MAX_LENGTH, "taskToDomain");
            });
        }
    }

    private static void requireLength(String value, int most, String field) {
        if (value != null && value.length() > most) {
            throw EngineException.invalid(field, "must be at most " + most + " characters");
        }
    }

    static void requireName(StartWorkflowRequest request) {
        if (request == null || (request.workflowDef() == null && (request.name() == null || request.name().isBlank()))) {
            throw EngineException.invalid("name", "the name of the workflow to start is required");
        }
    }

    @Override
    public UUID start(TenantId tenant, StartWorkflowRequest request) {
        return start(tenant, request, null);
    }

    @Override
    public UUID start(TenantId tenant, StartWorkflowRequest request, String actingTeam) {
        requireName(request);
        return inTransaction(tenant, () -> startInTransaction(tenant, request, null, null, actingTeam, false));
    }

    /**
     * Starts {@code request} in the open transaction. {@code actingTeam} is the team the start happens for (the
     * parent's when a workflow starts another); {@code checkComposition} asks the composition policy first, as for
     * every start the engine makes by itself.
     */
    private UUID startInTransaction(TenantId tenant, StartWorkflowRequest request, WorkflowRun parent, Task parentTask,
            String actingTeam, boolean checkComposition) {
        Startable startable = startable(tenant, request, actingTeam, checkComposition);
        WorkflowDef def = startable.def();
        String key = request.idempotencyKey();
        if (key != null && !key.isBlank()) {
            Optional<UUID> existing = store.findByIdempotencyKey(def.name(), key);
            if (existing.isPresent()) {
                if ("FAIL".equalsIgnoreCase(request.idempotencyStrategy())) {
                    throw EngineException.conflict("a workflow '" + def.name() + "' with idempotency key '" + key
                            + "' already exists: " + existing.get());
                }
                return existing.get();
            }
        }
        int depth = parent == null ? 0 : depthOf(parent) + 1;
        // the starts nested on this thread's stack count too, whatever the stored parent links say
        requireNesting(Math.max(depth, NESTING.get()[0] + 1), parent != null);
        Workflow w = newWorkflow(tenant, def, request);
        w.setOwnerTeam(startable.ownerTeam());
        if (parent != null) {
            w.setParentWorkflowId(parent.workflow.getWorkflowId());
            w.setParentWorkflowTaskId(parentTask.getTaskId());
        }
        WorkflowRun run = newRun(tenant, w, startable.taskDefsVersion());
        run.isNew = true;
        run.depth = depth;
        run.notifyParent = parent == null;
        // A start inside a decision (SUB_WORKFLOW, START_WORKFLOW) decides the new workflow on this stack: count it.
        NESTING.get()[0]++;
        try {
            decider.start(run);
        } finally {
            NESTING.get()[0]--;
        }
        persist(run);
        return w.getWorkflowId();
    }

    /** What a start has settled before its workflow is made: the definition, the execution's owner team, and the
     * version of the task definitions read with a stored definition ({@link TaskDefCache#UNKNOWN} for an inline one).
     */
    record Startable(WorkflowDef def, String ownerTeam, long taskDefsVersion) {}

    /**
     * The definition {@code request} starts, checked: an inline one validated, a stored one found (404 when there is
     * none); with {@code checkComposition}, refused when the composition policy does not let {@code actingTeam}
     * start it. A dry run settles its starts the same way.
     */
    Startable startable(TenantId tenant, StartWorkflowRequest request, String actingTeam,
            boolean checkComposition) {
        requireIndexable(request);
        boolean inline = request.workflowDef() != null;
        WorkflowDef def;
        long taskDefsVersion = TaskDefCache.UNKNOWN;
        if (inline) {
            def = request.workflowDef().withVersionAndAudit(request.workflowDef().versionOrDefault(), null, null);
            validator.validateWorkflowDef(tenant, def, definitions::taskDef);
        } else {
            DefinitionStore.ToStart found = definitions.workflowDefToStart(request.name(), request.version())
                    .orElseThrow(() -> notDefined(request.name(), request.version()));
            def = found.def();
            taskDefsVersion = found.taskDefsVersion();
        }
        if (checkComposition && actingTeam != null) {
            composition.refuseStart(tenant, actingTeam, def.name(), inline).ifPresent(reason -> {
                throw EngineException.invalid(inline ? "workflowDefinition" : "name", reason);
            });
        }
        String ownerTeam = inline ? actingTeam : composition.ownerOf(tenant, def.name()).orElse(null);
        return new Startable(def, ownerTeam, taskDefsVersion);
    }

    /** Refuses a workflow {@code depth} levels below the first one, past the nesting limit. */
    void requireNesting(int depth, boolean child) {
        int most = validator.limits().nestingDepth();
        if (depth > most) {
            throw EngineException.invalid(child ? "subWorkflowParam" : "startWorkflow",
                    "workflows start workflows more than " + most + " levels deep "
                            + "(baton.engine.limits.nesting-depth)");
        }
    }

    /** The nesting depth of {@code run}: known when it was started in this transaction, else read up its parents. */
    private int depthOf(WorkflowRun run) {
        if (run.depth < 0) {
            run.depth = store.depthOf(run.workflow.getWorkflowId(), validator.limits().nestingDepth() + 1);
        }
        return run.depth;
    }

    Workflow newWorkflow(TenantId tenant, WorkflowDef def, StartWorkflowRequest request) {
        Instant now = clock.instant();
        Workflow w = new Workflow();
        w.setWorkflowId(Ids.next());
        w.setTenantId(tenant.value());
        w.setWorkflowDefinition(def);
        w.setStatus(WorkflowStatus.RUNNING);
        w.setCorrelationId(request.correlationId());
        w.setPriority(request.priority() == null ? 0 : request.priority());
        if (w.getPriority() < 0 || w.getPriority() > 99) {
            throw EngineException.invalid("priority", "must be between 0 and 99");
        }
        w.setIdempotencyKey(request.idempotencyKey() == null || request.idempotencyKey().isBlank()
                ? null : request.idempotencyKey());
        Map<String, Object> input = new LinkedHashMap<>(def.inputTemplate());
        if (request.externalInputPayloadStoragePath() != null) {
            input.putAll(uploaded("externalInputPayloadStoragePath", request.externalInputPayloadStoragePath()));
        }
        if (request.input() != null) {
            input.putAll(request.input());
        }
        w.setInput(json.copy(input));
        w.setVariables(json.copy(def.variables()));
        w.setTaskToDomain(request.taskToDomain() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(request.taskToDomain()));
        w.setCreatedBy(request.createdBy());
        w.setCreated(now);
        w.setUpdated(now);
        if (def.timeoutSecondsOrZero() > 0) {
            w.setTimeoutAt(now.plusSeconds(def.timeoutSecondsOrZero()));
        }
        return w;
    }

    @Override
    public UUID fork(TenantId tenant, UUID workflowId, RerunWorkflowRequest request) {
        return revisions.fork(tenant, workflowId, request);
    }

    @Override
    public UpgradePlan upgrade(TenantId tenant, UUID workflowId, UpgradeRequest request) {
        return revisions.upgrade(tenant, workflowId, request);
    }

    @Override
    public DryRunResult dryRun(TenantId tenant, DryRunRequest request, String actingTeam) {
        return tx.read(tenant, () -> dryRunner.run(tenant, request, actingTeam));
    }

    @Override
    public WorkflowDef definition(String name, Integer version) {
        return definitions.workflowDef(name, version).orElseThrow(() -> notDefined(name, version));
    }

    private static EngineException notDefined(String name, Integer version) {
        return EngineException.notFound(
                "no workflow definition named '" + name + "'" + (version == null ? "" : " with version " + version));
    }

    @Override
    public Workflow startChild(WorkflowRun parent, Task parentTask, WorkflowDef def, Map<String, Object> input) {
        StartWorkflowRequest request = new StartWorkflowRequest(def.name(), def.versionOrDefault(),
                parent.workflow.getCorrelationId(), input, parent.workflow.getTaskToDomain(),
                parentTask.getWorkflowTask().subWorkflowParam().workflowDefinition(), parent.workflow.getPriority(),
                null, null, null);
        UUID id = startInTransaction(parent.tenant, request, parent, parentTask, parent.workflow.getOwnerTeam(),
                true);
        return store.find(id, false).orElseThrow();
    }

    @Override
    public void terminateChild(TenantId tenant, UUID childId, String reason) {
        store.lock(childId).filter(w -> !w.getStatus().isTerminal()).ifPresent(child -> {
            WorkflowRun run = newRun(tenant, child);
            run.notifyParent = false;
            decider.endWorkflow(run, WorkflowStatus.TERMINATED, reason, child.getOutput());
            persist(run);
        });
    }

    @Override
    public List<CatalogTaskStats> catalogTaskStats(TenantId tenant, String entry, Instant since) {
        return tx.read(tenant, () -> store.catalogTaskStats(tenant.value(), entry, since));
    }

    @Override
    public Map<String, Long> catalogRuns(TenantId tenant, Instant since) {
        return tx.read(tenant, () -> store.catalogRuns(tenant.value(), since));
    }

    // ---- reads --------------------------------------------------------------------------------------------

    @Override
    public Workflow get(TenantId tenant, UUID workflowId, boolean includeTasks) {
        // an archived workflow is still read by its id, as Conductor reads it from its index
        return tx.read(tenant, () -> store.find(workflowId, includeTasks)
                        .or(() -> store.findArchived(workflowId, includeTasks)))
                .orElseThrow(() -> EngineException.notFound("workflow " + workflowId + " not found"));
    }

    @Override
    public List<UUID> running(TenantId tenant, String name, Integer version) {
        return tx.read(tenant, () -> store.runningIds(name, version));
    }

    @Override
    public List<UUID> startedBetween(TenantId tenant, String name, int version, java.time.Instant from,
            java.time.Instant to) {
        return tx.read(tenant, () -> store.idsStartedBetween(name, version, from, to, ExecutionSearch.COUNTED));
    }

    @Override
    public List<Workflow> byCorrelationId(TenantId tenant, String name, String correlationId, boolean includeClosed,
            boolean includeTasks) {
        return byCorrelationIds(tenant, name, List.of(correlationId), includeClosed, includeTasks).get(correlationId);
    }

    @Override
    public Map<String, List<Workflow>> byCorrelationIds(TenantId tenant, String name, List<String> correlationIds,
            boolean includeClosed, boolean includeTasks) {
        Map<String, List<Workflow>> byId = new LinkedHashMap<>();
        correlationIds.forEach(id -> byId.put(id, new ArrayList<>()));
        tx.read(tenant, () -> {
            for (Workflow w : store.byCorrelationIds(name, correlationIds, includeClosed)) {
                if (includeTasks) {
                    w.setTasks(store.tasksOf(w.getWorkflowId()));
                }
                byId.get(w.getCorrelationId()).add(w);
            }
            return null;
        });
        return byId;
    }

    @Override
    public SearchResult<WorkflowSummary> search(TenantId tenant, ExecutionQuery query) {
        return fromIndex(tenant, query).orElseGet(() -> tx.read(tenant, () -> search.search(query)));
    }

    @Override
    public SearchResult<Workflow> searchWorkflows(TenantId tenant, ExecutionQuery query) {
        Optional<SearchResult<WorkflowSummary>> indexedResult = fromIndex(tenant, query);
        return tx.read(tenant, () -> {
            SearchResult<WorkflowSummary> found = indexedResult.orElseGet(() -> search.search(query));
            List<UUID> ids = found.results().stream().map(w -> UUID.fromString(w.workflowId())).toList();
            return new SearchResult<>(found.totalHits(), store.findAll(ids));
        });
    }

    /** The execution index's answer, when it gives one; either way the search is counted by what answered it. */
    private Optional<SearchResult<WorkflowSummary>> fromIndex(TenantId tenant, ExecutionQuery query) {
        Optional<SearchResult<WorkflowSummary>> answer = indexed.search(tenant, query);
        events.searched(tenant, answer.isPresent());
        return answer;
    }

    @Override
    public SearchResult<WorkflowSummary> searchByTasks(TenantId tenant, TaskQuery query) {
        return tx.read(tenant, () -> search.searchByTasks(query));
    }

    @Override
    public SearchResult<Workflow> searchWorkflowsByTasks(TenantId tenant, TaskQuery query) {
        return tx.read(tenant, () -> {
            SearchResult<WorkflowSummary> found = search.searchByTasks(query);
            List<UUID> ids = found.results().stream().map(w -> UUID.fromString(w.workflowId())).toList();
            return new SearchResult<>(found.totalHits(), store.findAll(ids));
        });
    }

    // ---- operations ---------------------------------------------------------------------------------------

    @Override
    public void decide(TenantId tenant, UUID workflowId) {
        change(tenant, workflowId, run -> null);
    }

    @Override
    public UUID pushMessage(TenantId tenant, UUID workflowId, Map<String, Object> payload) {
        if (payload == null) {
            throw EngineException.invalid("body", "a message is a JSON object");
        }
        // deciding in the push's own transaction lets a waiting PULL_WORKFLOW_MESSAGES task take it at once
        return change(tenant, workflowId, run -> {
            if (run.workflow.getStatus() != WorkflowStatus.RUNNING) {
                throw EngineException.conflict("workflow " + workflowId + " is " + run.workflow.getStatus()
                        + "; messages are taken only by RUNNING workflows");
            }
            return messages.push(workflowId, payload, run.now);
        });
    }

    @Override
    public void updateVariables(TenantId tenant, UUID workflowId, Map<String, Object> variables,
            boolean appendArray) {
        change(tenant, workflowId, run -> {
            if (run.workflow.getStatus().isTerminal()) {
                throw EngineException.conflict("Workflow is in terminal state. Status = " + run.workflow.getStatus());
            }
            Map<String, Object> current = run.workflow.getVariables();
            variables.forEach((name, value) -> {
                if (appendArray && value instanceof List<?> more && current.get(name) instanceof List<?> have) {
                    List<Object> joined = new ArrayList<>(have);
                    joined.addAll(more);
                    current.put(name, joined);
                } else {
                    current.put(name, value);
                }
            });
            run.workflowChanged();
            return null;
        });
    }

    @Override
    public void resetCallbacks(TenantId tenant, UUID workflowId) {
        change(tenant, workflowId, run -> {
            if (run.workflow.getStatus().isTerminal()) {
                throw EngineException.conflict("Workflow is in terminal state. Status = " + run.workflow.getStatus());
            }
            for (Task t : run.workflow.getTasks()) {
                if (t.getStatus() == TaskStatus.SCHEDULED && t.getCallbackAfterSeconds() > 0
                        && TaskHandlers.isWorkerQueue(t.getQueue())) {
                    t.setCallbackAfterSeconds(0);
                    t.setVisibleAt(run.now);
                    run.changed(t);
                }
            }
            return null;
        });
    }

    @Override
    public void pause(TenantId tenant, UUID workflowId) {
        change(tenant, workflowId, run -> {
            requireStatus(run, "pause", WorkflowStatus.RUNNING);
            run.workflow.setStatus(WorkflowStatus.PAUSED);
            run.workflowChanged();
            return null;
        });
    }

    @Override
    public void resume(TenantId tenant, UUID workflowId) {
        change(tenant, workflowId, run -> {
            requireStatus(run, "resume", WorkflowStatus.PAUSED);
            run.workflow.setStatus(WorkflowStatus.RUNNING);
            run.workflowChanged();
            return null;
        });
    }

    @Override
    public void terminate(TenantId tenant, UUID workflowId, String reason) {
        change(tenant, workflowId, run -> {
            if (run.workflow.getStatus().isTerminal()) {
                throw EngineException.conflict("workflow " + workflowId + " has already ended ("
                        + run.workflow.getStatus() + ")");
            }
            decider.endWorkflow(run, WorkflowStatus.TERMINATED, reason, run.workflow.getOutput());
            return null;
        });
    }

    @Override
    public void restart(TenantId tenant, UUID workflowId, boolean useLatestDefinition) {
        inTransaction(tenant, () -> {
            WorkflowRun old = lock(tenant, workflowId);
            Workflow w = old.workflow;
            requireEnded(w, "restart");
            if (!w.getWorkflowDefinition().restartableOrDefault()) {
                throw EngineException.conflict("workflow definition '" + w.getWorkflowName() + "' is not restartable");
            }
            if (useLatestDefinition) {
                w.setWorkflowDefinition(definition(w.getWorkflowName(), null));
            }
            WorkflowRun run = newRun(tenant, w);
            run.definitionChanged = useLatestDefinition;
            w.getTasks().forEach(t -> run.removed.add(t.getTaskId()));
            w.setTasks(new ArrayList<>());
            reopen(run);
            w.setOutput(new LinkedHashMap<>());
            w.setVariables(json.copy(w.getWorkflowDefinition().variables()));
            if (w.getWorkflowDefinition().timeoutSecondsOrZero() > 0) {
                w.setTimeoutAt(run.now.plusSeconds(w.getWorkflowDefinition().timeoutSecondsOrZero()));
            }
            decider.start(run);
            persist(run);
            return null;
        });
    }

    @Override
    public void retry(TenantId tenant, UUID workflowId, boolean resumeSubworkflowTasks) {
        // a retried SUB_WORKFLOW task starts a fresh child run, whatever resumeSubworkflowTasks says
        change(tenant, workflowId, run -> {
            requireEnded(run.workflow, "retry");
            if (run.workflow.getStatus() == WorkflowStatus.COMPLETED) {
                throw EngineException.conflict("workflow " + workflowId + " completed; only failed, timed out or "
                        + "terminated workflows can be retried");
            }
            List<Task> toRetry = run.workflow.getTasks().stream()
                    .filter(t -> t.getStatus().isTerminal() && !t.getStatus().isSuccessful() && !t.isRetried())
                    .toList();
            if (toRetry.isEmpty()) {
                throw EngineException.conflict("workflow " + workflowId + " has no failed task to retry");
            }
            reopen(run);
            run.workflow.setLastRetried(run.now);
            for (Task t : toRetry) {
                TaskHandler handler = handlers.find(t.getTaskType());
                if (t.getStatus() == TaskStatus.CANCELED && handler != null && handler.waitsAgainOnRetry()) {
                    // a join or loop cancelled with its workflow waits again for what it waited for
                    t.setStatus(TaskStatus.IN_PROGRESS);
                    t.setExecuted(false);
                    t.setEnded(null);
                    run.changed(t);
                    continue;
                }
                Task again = decider.scheduler().retry(run, t);
                again.setRetryCount(t.getRetryCount());
                again.setVisibleAt(run.now);
            }
            return null;
        });
    }

    @Override
    public void rerun(TenantId tenant, UUID workflowId, RerunWorkflowRequest request) {
        change(tenant, workflowId, run -> {
            rerun(run, request);
            return null;
        });
    }

    /** Reopens {@code run} from the task the request names (from the start when it names none), undecided. */
    void rerun(WorkflowRun run, RerunWorkflowRequest request) {
        UUID workflowId = run.workflow.getWorkflowId();
        Workflow w = run.workflow;
        if (!w.getStatus().isTerminal() && request.reRunFromTaskId() == null) {
            throw EngineException.conflict("workflow " + workflowId + " is still " + w.getStatus());
        }
        if (request.workflowInput() != null) {
            w.setInput(json.copy(request.workflowInput()));
        }
        if (request.correlationId() != null) {
            requireLength(request.correlationId(), MAX_KEY_LENGTH, "correlationId");
            w.setCorrelationId(request.correlationId());
        }
        if (request.reRunFromTaskId() == null) {
            w.getTasks().forEach(t -> run.removed.add(t.getTaskId()));
            w.setTasks(new ArrayList<>());
            reopen(run);
            w.setOutput(new LinkedHashMap<>());
            decider.start(run);
            return;
        }
        UUID taskId = Ids.parseOrNull(request.reRunFromTaskId());
        Task from = w.getTasks().stream().filter(t -> t.getTaskId().equals(taskId)).findFirst()
                .orElseThrow(() -> EngineException.invalid("reRunFromTaskId", "task " + request.reRunFromTaskId()
                        + " is not a task of workflow " + workflowId));
        List<Task> keep = new ArrayList<>();
        for (Task t : w.getTasks()) {
            if (t.getSeq() > from.getSeq() && !isOpenContainerOf(t, from, run)) {
                run.removed.add(t.getTaskId());
            } else {
                keep.add(t);
            }
        }
        w.setTasks(keep);
        if (!w.getStatus().isTerminal()) {
            w.getTasks().stream().filter(t -> !t.getStatus().isTerminal() && t != from).forEach(t -> {
                t.setStatus(TaskStatus.CANCELED);
                t.setExecuted(true);
                run.changed(t);
            });
        }
        reopen(run);
        resetTask(run, from, request.taskInput());
        for (Task t : keep) {
            if (t != from && isOpenContainerOf(t, from, run) && t.getStatus().isTerminal()) {
                t.setStatus(TaskStatus.IN_PROGRESS);
                t.setExecuted(false);
                t.setEnded(null);
                run.changed(t);
            }
        }
    }

    /** Whether {@code t} is a loop that contains {@code from}, which must be reopened rather than dropped. */
    private static boolean isOpenContainerOf(Task t, Task from, WorkflowRun run) {
        var loop = run.index.loopOf(from.definitionRef());
        return loop != null && loop.taskReferenceName().equals(t.definitionRef()) && t.getSeq() < from.getSeq();
    }

    private void resetTask(WorkflowRun run, Task t, Map<String, Object> newInput) {
        if (newInput != null) {
            t.setInputData(json.copy(newInput));
        }
        t.setStatus(TaskStatus.SCHEDULED);
        t.setExecuted(false);
        t.setRetried(false);
        t.setReasonForIncompletion(null);
        t.setOutputData(new LinkedHashMap<>());
        t.setWorkerId(null);
        t.setStarted(null);
        t.setEnded(null);
        t.setWaitUntil(null);
        t.setSubWorkflowId(null);
        t.setScheduled(run.now);
        t.setVisibleAt(run.now);
        t.setPollCount(0);
        run.changed(t);
    }

    private static void reopen(WorkflowRun run) {
        Workflow w = run.workflow;
        w.setStatus(WorkflowStatus.RUNNING);
        w.setReasonForIncompletion(null);
        w.setEnded(null);
        w.setFailedReferenceTaskNames(new ArrayList<>());
        w.setFailedTaskNames(new ArrayList<>());
        run.workflowChanged();
    }

    @Override
    public void skipTask(TenantId tenant, UUID workflowId, String ref, SkipTaskRequest request) {
        change(tenant, workflowId, run -> {
            requireStatus(run, "skip a task of", WorkflowStatus.RUNNING);
            var wt = run.index.task(ref).orElseThrow(() -> EngineException.invalid("taskReferenceName",
                    "'" + ref + "' is no task of workflow definition '" + run.workflow.getWorkflowName() + "'"));
            Optional<Task> open = run.workflow.getTasks().stream()
                    .filter(t -> ref.equals(t.definitionRef()) && !t.getStatus().isTerminal()).findFirst();
            Map<String, Object> output = request == null || request.taskOutput() == null
                    ? new LinkedHashMap<>() : json.copy(request.taskOutput());
            if (open.isPresent()) {
                Task t = open.get();
                t.setStatus(TaskStatus.SKIPPED);
                t.setOutputData(output);
                t.setEnded(run.now);
                run.changed(t);
                return null;
            }
            if (run.workflow.latestTask(ref).isPresent()) {
                throw EngineException.conflict("task '" + ref + "' has already run in workflow " + workflowId);
            }
            Task skipped = decider.scheduler().newTask(run, wt, wt.typeOrSimple(), 0,
                    request == null || request.taskInput() == null ? new LinkedHashMap<>() : json.copy(request.taskInput()));
            output.put("skippedBeforeScheduling", true);
            skipped.setOutputData(output);
            skipped.setStatus(TaskStatus.SKIPPED);
            skipped.setExecuted(true);
            skipped.setEnded(run.now);
            return null;
        });
    }

    @Override
    public void remove(TenantId tenant, UUID workflowId, boolean archive) {
        inTransaction(tenant, () -> {
            Optional<Workflow> live = store.lock(workflowId);
            if (live.isEmpty()) {
                // removing an archived one again keeps it archived, or, without archiving, removes it for good
                boolean archived = archive ? store.findArchived(workflowId, false).isPresent()
                        : store.deleteArchived(workflowId);
                if (!archived) {
                    throw EngineException.notFound("workflow " + workflowId + " not found");
                }
                return null;
            }
            if (archive) {
                if (!live.get().getStatus().isTerminal()) {
                    throw EngineException.conflict("cannot archive workflow " + workflowId + ": it is "
                            + live.get().getStatus() + "; terminate it first, or remove it with archiveWorkflow=false");
                }
                store.archive(live.get(), clock.instant());
            }
            store.deleteWorkflow(workflowId);
            return null;
        });
    }

    @Override
    public void terminateAndRemove(TenantId tenant, UUID workflowId, String reason, boolean archive) {
        inTransaction(tenant, () -> {
            WorkflowRun run = lock(tenant, workflowId);
            if (!run.workflow.getStatus().isTerminal()) {
                decider.endWorkflow(run, WorkflowStatus.TERMINATED, reason, run.workflow.getOutput());
                decider.decide(run);
                persist(run);
            }
            if (archive) {
                store.archive(store.find(workflowId, true).orElseThrow(), clock.instant());
            }
            store.deleteWorkflow(workflowId);
            return null;
        });
    }

    private static void requireStatus(WorkflowRun run, String action, WorkflowStatus required) {
        if (run.workflow.getStatus() != required) {
            throw EngineException.conflict("cannot " + action + " workflow " + run.workflow.getWorkflowId()
                    + ": it is " + run.workflow.getStatus() + ", not " + required);
        }
    }

    static void requireEnded(Workflow w, String action) {
        if (!w.getStatus().isTerminal()) {
            throw EngineException.conflict("cannot " + action + " workflow " + w.getWorkflowId() + ": it is still "
                    + w.getStatus());
        }
    }

    // ---- timers -------------------------------------------------------------------------------------------

    /** Applies passed deadlines of one workflow, if no other transaction is working on it right now. */
    public void fireTimers(TenantId tenant, UUID workflowId) {
        inTransaction(tenant, () -> {
            Optional<Workflow> w = store.tryLock(workflowId);
            if (w.isEmpty()) {
                return null;
            }
            WorkflowRun run = newRun(tenant, w.get());
            for (Task t : run.workflow.getTasks()) {
                if (t.getDueAt() != null && !t.getDueAt().isAfter(run.now)) {
                    // only its due time is recomputed; its update time is what response timeouts count from
                    t.markDirty();
                }
            }
            decider.checkTimers(run);
            decider.decide(run);
            persist(run);
            return null;
        });
    }
}
