package dev.baton.platform.web;

import dev.baton.authz.access.Permission;
import dev.baton.authz.access.ResourceType;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.ExecutionQuery;
import dev.baton.engine.api.MetadataService;
import dev.baton.engine.api.TaskQuery;
import dev.baton.engine.api.WorkflowService;
import dev.baton.engine.api.execution.RerunWorkflowRequest;
import dev.baton.engine.api.execution.UpgradePlan;
import dev.baton.engine.api.execution.UpgradeRequest;
import dev.baton.engine.api.execution.SearchResult;
import dev.baton.engine.api.execution.SkipTaskRequest;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowSummary;
import dev.baton.tenancy.QuotaExceededException;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.Tenants;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Conductor's workflow API: start, read, search and operate executions. */
@RestController
@RequestMapping("/api/workflow")
public class WorkflowResource {

    /** Most correlation ids one lookup takes: as many as a bulk operation takes workflow ids. */
    static final int MAX_CORRELATION_IDS = WorkflowBulkResource.MAX_IDS;

    /** Most tasks one page of a workflow's task list holds. */
    static final int MAX_TASKS_PER_PAGE = 1000;

    /** Longest a synchronous execution waits for its workflow (Conductor waits 5 s). */
    static final int MAX_EXECUTE_WAIT_SECONDS = 60;

    private final WorkflowService workflows;
    private final MetadataService metadata;
    private final CurrentTenant tenant;
    private final Guard guard;

    private final Tenants tenants;
    private final CompositionCheck composition;
    private final SignalResponder responder;

    public WorkflowResource(WorkflowService workflows, MetadataService metadata, CurrentTenant tenant, Guard guard,
            Tenants tenants, CompositionCheck composition, SignalResponder responder) {
        this.responder = responder;
        this.composition = composition;
        this.workflows = workflows;
        this.metadata = metadata;
        this.tenant = tenant;
        this.guard = guard;
        this.tenants = tenants;
    }

    @PostMapping(produces = MediaType.TEXT_PLAIN_VALUE)
    String start(@RequestBody StartWorkflowRequest request, @RequestParam(required = false) String team) {
        String acting = null;
        if (request.workflowDef() != null) {
            // an inline definition runs what its caller wrote, for the caller's team: only an author may, not under
            // a name another team owns, and only with what that team may run
            guard.requireAuthor();
            acting = guard.actingTeamForInline(team);
            composition.requireInline(tenant.get(), acting, request.workflowDef());
        } else {
            requireToStart(request.name());
        }
        withinRunningQuota();
        return workflows.start(tenant.get(), request, acting).toString();
    }

    @PostMapping(path = "/{name}", produces = MediaType.TEXT_PLAIN_VALUE)
    String startByName(@PathVariable String name, @RequestParam(required = false) Integer version,
            @RequestParam(required = false) String correlationId, @RequestParam(required = false) Integer priority,
            @RequestBody(required = false) Map<String, Object> input) {
        requireToStart(name);
        withinRunningQuota();
        return workflows.start(tenant.get(), new StartWorkflowRequest(name, version, correlationId, input, null, null,
                priority, null, null, null)).toString();
    }

    /**
     * Conductor's synchronous execution: starts {@code name} at {@code version} and waits until the workflow ends or
     * blocks (a WAIT task waiting for a signal, or one of the comma-separated tasks {@code waitUntilTaskRef} ended),
     * at most {@code waitForSeconds} (5 unless given, as Conductor waits; at most 60), then answers as
     * {@code returnStrategy} asks (the workflow, by default).
     */
    @PostMapping("/execute/{name}/{version}")
    Map<String, Object> execute(@PathVariable String name, @PathVariable int version,
            @RequestParam(required = false) String requestId, @RequestParam(required = false) String waitUntilTaskRef,
            @RequestParam(defaultValue = "5") int waitForSeconds,
            @RequestParam(required = false) String returnStrategy,
            @RequestBody(required = false) StartWorkflowRequest request) {
        if (waitForSeconds < 0 || waitForSeconds > MAX_EXECUTE_WAIT_SECONDS) {
            throw EngineException.invalid("waitForSeconds", "must be between 0 and " + MAX_EXECUTE_WAIT_SECONDS);
        }
        SignalResponder.ReturnStrategy strategy = SignalResponder.strategy(returnStrategy);
        requireToStart(name);
        withinRunningQuota();
        StartWorkflowRequest given = request != null ? request : StartWorkflowRequest.of(name, version, Map.of());
        UUID id = workflows.start(tenant.get(), new StartWorkflowRequest(name, version, given.correlationId(),
                given.input(), given.taskToDomain(), null, given.priority(), null, given.idempotencyKey(),
                given.idempotencyStrategy()));
        List<String> refs = waitUntilTaskRef == null || waitUntilTaskRef.isBlank() ? List.of()
                : List.of(waitUntilTaskRef.split(","));
        return responder.await(tenant.get(), id, refs, strategy, requestId, java.time.Duration.ofSeconds(
                waitForSeconds));
    }

    @GetMapping("/{workflowId}")
    Workflow get(@PathVariable UUID workflowId, @RequestParam(defaultValue = "true") boolean includeTasks) {
        Workflow w = workflows.get(tenant.get(), workflowId, includeTasks);
        guard.require(Permission.READ_EXECUTIONS, ResourceType.WORKFLOW_DEF, w.getWorkflowName());
        return w;
    }

    /** Conductor's status summary: the status, with the output and variables only when asked for. */
    @GetMapping("/{workflowId}/status")
    Map<String, Object> status(@PathVariable UUID workflowId,
            @RequestParam(defaultValue = "false") boolean includeOutput,
            @RequestParam(defaultValue = "false") boolean includeVariables) {
        Workflow w = get(workflowId, false);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("workflowId", w.getWorkflowId().toString());
        status.put("correlationId", w.getCorrelationId());
        if (includeOutput) {
            status.put("output", w.getOutput());
        }
        if (includeVariables) {
            status.put("variables", w.getVariables());
        }
        status.put("status", w.getStatus());
        return status;
    }

    /** Conductor's paged task list of one workflow, in order, optionally only tasks in the given statuses. */
    @GetMapping("/{workflowId}/tasks")
    SearchResult<Task> tasks(@PathVariable UUID workflowId, @RequestParam(defaultValue = "0") int start,
            @RequestParam(defaultValue = "15") int count, @RequestParam(required = false) List<TaskStatus> status) {
        if (start < 0) {
            throw EngineException.invalid("start", "must be 0 or more");
        }
        if (count < 1 || count > MAX_TASKS_PER_PAGE) {
            throw EngineException.invalid("count", "must be between 1 and " + MAX_TASKS_PER_PAGE);
        }
        List<Task> matching = get(workflowId, true).getTasks().stream()
                .filter(t -> status == null || status.isEmpty() || status.contains(t.getStatus())).toList();
        return new SearchResult<>(matching.size(),
                matching.subList(Math.min(start, matching.size()), Math.min(start + count, matching.size())));
    }

    @DeleteMapping("/{workflowId}")
    void terminate(@PathVariable UUID workflowId, @RequestParam(required = false) String reason) {
        operable(workflowId);
        workflows.terminate(tenant.get(), workflowId, reason);
    }

    /** Conductor's remove: an ended workflow stays archived (readable by id) unless {@code archiveWorkflow=false}. */
    @DeleteMapping("/{workflowId}/remove")
    void remove(@PathVariable UUID workflowId, @RequestParam(defaultValue = "true") boolean archiveWorkflow) {
        operable(workflowId);
        workflows.remove(tenant.get(), workflowId, archiveWorkflow);
    }

    /** Conductor's terminate-remove: ends the workflow unless it has ended, then deletes it (archived, by default). */
    @DeleteMapping("/{workflowId}/terminate-remove")
    void terminateRemove(@PathVariable UUID workflowId, @RequestParam(required = false) String reason,
            @RequestParam(defaultValue = "true") boolean archiveWorkflow) {
        operable(workflowId);
        workflows.terminateAndRemove(tenant.get(), workflowId, reason, archiveWorkflow);
    }

    /** Conductor's {@code resetcallbacks}: 204, as Conductor answers it for its 2.x clients. */
    @PostMapping("/{workflowId}/resetcallbacks")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void resetCallbacks(@PathVariable UUID workflowId) {
        operable(workflowId);
        workflows.resetCallbacks(tenant.get(), workflowId);
    }

    @PutMapping("/{workflowId}/pause")
    void pause(@PathVariable UUID workflowId) {
        operable(workflowId);
        workflows.pause(tenant.get(), workflowId);
    }

    @PutMapping("/{workflowId}/resume")
    void resume(@PathVariable UUID workflowId) {
        operable(workflowId);
        workflows.resume(tenant.get(), workflowId);
    }

    @PostMapping("/{workflowId}/restart")
    @ResponseStatus(HttpStatus.NO_CONTENT) // as Conductor answers it, for its 2.x clients
    void restart(@PathVariable UUID workflowId, @RequestParam(defaultValue = "false") boolean useLatestDefinitions) {
        operable(workflowId);
        withinRunningQuota();
        workflows.restart(tenant.get(), workflowId, useLatestDefinitions);
    }

    @PostMapping("/{workflowId}/retry")
    @ResponseStatus(HttpStatus.NO_CONTENT) // as Conductor answers it, for its 2.x clients
    void retry(@PathVariable UUID workflowId, @RequestParam(defaultValue = "false") boolean resumeSubworkflowTasks) {
        operable(workflowId);
        workflows.retry(tenant.get(), workflowId, resumeSubworkflowTasks);
    }

    @PostMapping(path = "/{workflowId}/rerun", produces = MediaType.TEXT_PLAIN_VALUE)
    String rerun(@PathVariable UUID workflowId, @RequestBody RerunWorkflowRequest request) {
        if (operable(workflowId).getStatus().isTerminal()) {
            withinRunningQuota(); // an ended execution run again is one more running, as at a restart
        }
        workflows.rerun(tenant.get(), workflowId, request);
        return workflowId.toString();
    }

    /** The new execution a fork made, and the one it was copied from. */
    public record Forked(String workflowId, String forkedFrom) {}

    /** Runs a copy of an ended execution again from one of its tasks, with edited input; the original is kept. */
    @PostMapping("/{workflowId}/fork")
    @ResponseStatus(HttpStatus.CREATED)
    Forked fork(@PathVariable UUID workflowId, @RequestBody(required = false) RerunWorkflowRequest request) {
        operable(workflowId);
        withinRunningQuota();
        return new Forked(workflows.fork(tenant.get(), workflowId, request).toString(), workflowId.toString());
    }

    /** Moves a running execution to a newer version of its definition, or only plans and checks it ({@code dryRun}). */
    @PostMapping("/{workflowId}/upgrade")
    UpgradePlan upgrade(@PathVariable UUID workflowId, @RequestBody(required = false) UpgradeRequest request) {
        operable(workflowId);
        return workflows.upgrade(tenant.get(), workflowId, request);
    }

    @PutMapping("/{workflowId}/skiptask/{taskReferenceName}")
    void skipTask(@PathVariable UUID workflowId, @PathVariable String taskReferenceName,
            @RequestBody(required = false) SkipTaskRequest request) {
        operable(workflowId);
        workflows.skipTask(tenant.get(), workflowId, taskReferenceName, request);
    }

    @PutMapping("/decide/{workflowId}")
    void decide(@PathVariable UUID workflowId) {
        operable(workflowId);
        workflows.decide(tenant.get(), workflowId);
    }

    /** Conductor's workflow message queue: answers the new message's id as text. */
    @PostMapping(path = "/{workflowId}/messages", produces = MediaType.TEXT_PLAIN_VALUE)
    String pushMessage(@PathVariable UUID workflowId, @RequestBody(required = false) Map<String, Object> message) {
        operable(workflowId);
        return workflows.pushMessage(tenant.get(), workflowId, message).toString();
    }

    /**
     * Conductor's running list: the running executions of {@code name} at {@code version} (1 unless given, as in
     * Conductor); with both {@code startTime} and {@code endTime} (epoch millis), the executions of that version
     * started between them, whatever their status, as Conductor answers (at most 10,000, newest first).
     */
    @GetMapping("/running/{name}")
    List<String> running(@PathVariable String name, @RequestParam(defaultValue = "1") int version,
            @RequestParam(required = false) Long startTime, @RequestParam(required = false) Long endTime) {
        guard.require(Permission.READ_EXECUTIONS, ResourceType.WORKFLOW_DEF, name);
        List<UUID> ids = startTime != null && startTime != 0 && endTime != null && endTime != 0
                ? workflows.startedBetween(tenant.get(), name, version, java.time.Instant.ofEpochMilli(startTime),
                        java.time.Instant.ofEpochMilli(endTime))
                : workflows.running(tenant.get(), name, version);
        return ids.stream().map(UUID::toString).toList();
    }

    @GetMapping("/{name}/correlated/{correlationId}")
    List<Workflow> correlated(@PathVariable String name, @PathVariable String correlationId,
            @RequestParam(defaultValue = "false") boolean includeClosed,
            @RequestParam(defaultValue = "false") boolean includeTasks) {
        guard.require(Permission.READ_EXECUTIONS, ResourceType.WORKFLOW_DEF, name);
        return workflows.byCorrelationId(tenant.get(), name, correlationId, includeClosed, includeTasks);
    }

    /** Conductor's lookup of many correlation ids in one call: each id with its executions of {@code name}. */
    @PostMapping("/{name}/correlated")
    Map<String, List<Workflow>> correlatedMany(@PathVariable String name,
            @RequestParam(defaultValue = "false") boolean includeClosed,
            @RequestParam(defaultValue = "false") boolean includeTasks, @RequestBody List<String> correlationIds) {
        guard.require(Permission.READ_EXECUTIONS, ResourceType.WORKFLOW_DEF, name);
        if (correlationIds.size() > MAX_CORRELATION_IDS) {
            throw EngineException.invalid("", "at most " + MAX_CORRELATION_IDS + " correlation ids per call");
        }
        for (int i = 0; i < correlationIds.size(); i++) {
            if (correlationIds.get(i) == null) {
                throw EngineException.invalid("[" + i + "]", "must be a correlation id, not null");
            }
        }
        return workflows.byCorrelationIds(tenant.get(), name, correlationIds, includeClosed, includeTasks);
    }

    @GetMapping("/search")
    SearchResult<WorkflowSummary> search(@RequestParam(defaultValue = "0") int start,
            @RequestParam(defaultValue = "100") int size, @RequestParam(required = false) String sort,
            @RequestParam(defaultValue = "*") String freeText, @RequestParam(required = false) String query) {
        return readableQuery(query, freeText, sort, start, size).map(q -> workflows.search(tenant.get(), q))
                .orElseGet(() -> new SearchResult<>(0, List.of()));
    }

    /** Conductor's search-v2: the same search, answered with the workflows themselves (without their tasks). */
    @GetMapping("/search-v2")
    SearchResult<Workflow> searchWorkflows(@RequestParam(defaultValue = "0") int start,
            @RequestParam(defaultValue = "100") int size, @RequestParam(required = false) String sort,
            @RequestParam(defaultValue = "*") String freeText, @RequestParam(required = false) String query) {
        return readableQuery(query, freeText, sort, start, size).map(q -> workflows.searchWorkflows(tenant.get(), q))
                .orElseGet(() -> new SearchResult<>(0, List.of()));
    }

    /** Conductor's search by tasks: the executions with a task matching the query (fields of tasks). */
    @GetMapping("/search-by-tasks")
    SearchResult<WorkflowSummary> searchByTasks(@RequestParam(defaultValue = "0") int start,
            @RequestParam(defaultValue = "100") int size, @RequestParam(required = false) String sort,
            @RequestParam(defaultValue = "*") String freeText, @RequestParam(required = false) String query) {
        return readableTaskQuery(guard, SearchQueryParser.parseTasks(query, freeText, sort, start, size,
                ExecutionQuery.SORT_FIELDS)).map(q -> workflows.searchByTasks(tenant.get(), q))
                .orElseGet(() -> new SearchResult<>(0, List.of()));
    }

    /** Like search-by-tasks, answered with the workflows themselves (without their tasks). */
    @GetMapping("/search-by-tasks-v2")
    SearchResult<Workflow> searchWorkflowsByTasks(@RequestParam(defaultValue = "0") int start,
            @RequestParam(defaultValue = "100") int size, @RequestParam(required = false) String sort,
            @RequestParam(defaultValue = "*") String freeText, @RequestParam(required = false) String query) {
        return readableTaskQuery(guard, SearchQueryParser.parseTasks(query, freeText, sort, start, size,
                ExecutionQuery.SORT_FIELDS)).map(q -> workflows.searchWorkflowsByTasks(tenant.get(), q))
                .orElseGet(() -> new SearchResult<>(0, List.of()));
    }

    /** The query, narrowed to the workflow types the caller may read; empty when that leaves none. */
    private Optional<ExecutionQuery> readableQuery(String query, String freeText, String sort, int start, int size) {
        ExecutionQuery q = SearchQueryParser.parse(query, freeText, sort, start, size);
        return guard.narrow(Permission.READ_EXECUTIONS, ResourceType.WORKFLOW_DEF, q.workflowTypes())
                .map(types -> new ExecutionQuery(types, q.statuses(), q.workflowIds(), q.correlationId(),
                        q.startedAfter(), q.startedBefore(), q.freeText(), q.sortField(), q.ascending(), q.start(),
                        q.size()));
    }

    /** A task query, narrowed to tasks of the workflow types the caller may read; empty when that leaves none. */
    static Optional<TaskQuery> readableTaskQuery(Guard guard, TaskQuery q) {
        return guard.narrow(Permission.READ_EXECUTIONS, ResourceType.WORKFLOW_DEF, q.workflowTypes())
                .map(q::withWorkflowTypes);
    }

    /** Starting needs the operator's permission; a workflow nobody has defined is simply not found. */
    private void requireToStart(String name) {
        if (name != null && !guard.allows(Permission.OPERATE_EXECUTIONS, ResourceType.WORKFLOW_DEF, name)
                && metadata.workflowDef(tenant.get(), name, null).isPresent()) {
            guard.require(Permission.OPERATE_EXECUTIONS, ResourceType.WORKFLOW_DEF, name);
        }
    }

    /**
     * The tenant's running-workflows quota, checked before a start: concurrent starts may overshoot it by their
     * number, and workflows the engine starts itself (sub-workflows) are not held back.
     */
    private void withinRunningQuota() {
        TenantId t = tenant.get();
        Integer max = tenants.find(t).map(x -> x.quotas().maxRunningWorkflows()).orElse(null);
        if (max != null && tenants.runningWorkflows(t) >= max) {
            throw new QuotaExceededException("maxRunningWorkflows", max, "the tenant may have at most " + max
                    + " running workflows at once; wait for some to finish, or ask a platform operator to raise "
                    + "the quota");
        }
    }

    private Workflow operable(UUID workflowId) {
        Workflow w = workflows.get(tenant.get(), workflowId, false);
        guard.require(Permission.OPERATE_EXECUTIONS, ResourceType.WORKFLOW_DEF, w.getWorkflowName());
        return w;
    }
}
