package dev.baton.platform.web;

import dev.baton.authz.access.Permission;
import dev.baton.authz.access.ResourceType;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.EngineLimits;
import dev.baton.engine.api.TaskQuery;
import dev.baton.engine.api.TaskService;
import dev.baton.engine.api.WorkflowService;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.tenancy.Tenants;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Conductor's admin API, scoped to the caller's tenant: its configuration, the pending tasks of a task type, and
 * the sweep and repair of one workflow.
 */
@RestController
@RequestMapping("/api/admin")
public class AdminResource {

    /** Most pending tasks one listing answers. */
    static final int MAX_PENDING = 1000;

    private final TaskService tasks;
    private final WorkflowService workflows;
    private final CurrentTenant tenant;
    private final Guard guard;
    private final Tenants tenants;
    private final EngineLimits limits;
    private final String version;
    private final EventResource events;

    public AdminResource(TaskService tasks, WorkflowService workflows, CurrentTenant tenant, Guard guard,
            Tenants tenants, EngineLimits limits, HealthResource server, EventResource events) {
        this.events = events;
        this.tasks = tasks;
        this.workflows = workflows;
        this.tenant = tenant;
        this.guard = guard;
        this.tenants = tenants;
        this.limits = limits;
        this.version = server.version();
    }

    /**
     * The configuration that applies to the caller's tenant: its quotas and the engine's limits (the server's
     * own settings are the platform operator's and are not shown to tenants). Tenant administrators only.
     */
    @GetMapping("/config")
    Map<String, Object> config() {
        if (!tenant.caller().tenantAdmin()) {
            throw new AccessDeniedException("missing permission: read the configuration (tenant administrators only)");
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("tenant", tenant.get().value());
        config.put("version", version);
        config.put("quotas", tenants.find(tenant.get()).map(t -> (Object) t.quotas()).orElse(Map.of()));
        config.put("limits", limits);
        return config;
    }

    /** Conductor's registered event queues: the events of the caller's readable handlers (waiting messages, verbose). */
    @GetMapping("/queues")
    Map<String, Object> eventQueues(@RequestParam(defaultValue = "false") boolean verbose) {
        return events.queues(verbose);
    }

    /** Conductor's pending tasks of a task type: scheduled or in progress, oldest activity first, paged. */
    @GetMapping("/task/{taskType}")
    List<Task> pending(@PathVariable String taskType, @RequestParam(defaultValue = "0") int start,
            @RequestParam(defaultValue = "100") int count) {
        if (count < 1 || count > MAX_PENDING) {
            throw EngineException.invalid("count", "must be between 1 and " + MAX_PENDING);
        }
        if (start < 0) {
            throw EngineException.invalid("start", "must be 0 or more");
        }
        TaskQuery q = new TaskQuery(null, List.of(taskType), List.of(TaskStatus.SCHEDULED.name(),
                TaskStatus.IN_PROGRESS.name()), null, null, null, null, null, null, "updateTime", true, start, count);
        return WorkflowResource.readableTaskQuery(guard, q).map(x -> tasks.searchTasks(tenant.get(), x).results())
                .orElse(List.of());
    }

    /** Conductor's sweep of one workflow: it is decided now (what is due runs); answers its id. */
    @PostMapping(path = "/sweep/requeue/{workflowId}", produces = MediaType.TEXT_PLAIN_VALUE)
    String sweep(@PathVariable UUID workflowId) {
        operable(workflowId);
        workflows.decide(tenant.get(), workflowId);
        return workflowId.toString();
    }

    /**
     * Conductor's consistency repair. Here a workflow's tasks and its queue entries are the same rows, changed in
     * one transaction, so they cannot disagree; the workflow is decided again, and the answer is true.
     */
    @PostMapping(path = "/consistency/verifyAndRepair/{workflowId}", produces = MediaType.TEXT_PLAIN_VALUE)
    String verifyAndRepair(@PathVariable UUID workflowId) {
        Workflow w = operable(workflowId);
        if (!w.getStatus().isTerminal()) {
            workflows.decide(tenant.get(), workflowId);
        }
        return "true";
    }

    private Workflow operable(UUID workflowId) {
        Workflow w = workflows.get(tenant.get(), workflowId, false);
        guard.require(Permission.OPERATE_EXECUTIONS, ResourceType.WORKFLOW_DEF, w.getWorkflowName());
        return w;
    }
}
