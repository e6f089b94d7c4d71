package dev.baton.platform.web;

import dev.baton.authz.access.Permission;
import dev.baton.authz.access.ResourceType;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.TaskService;
import dev.baton.engine.api.WorkflowService;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Conductor's queue admin API: completing or failing a waiting task by reference name or id. Conductor writes such
 * an update to a queue of its own and applies it later; here it is applied at once, so nothing waits in those
 * queues (their sizes are 0) and a task that is not there is answered 404 instead of being dropped unseen.
 */
@RestController
@RequestMapping("/api/queue")
public class QueueAdminResource {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, String> QUEUES = Map.of("COMPLETED", "conductor_COMPLETED",
            "FAILED", "conductor_FAILED");

    private final TaskService tasks;
    private final WorkflowService workflows;
    private final CurrentTenant tenant;
    private final Guard guard;

    public QueueAdminResource(TaskService tasks, WorkflowService workflows, CurrentTenant tenant, Guard guard) {
        this.tasks = tasks;
        this.workflows = workflows;
        this.tenant = tenant;
        this.guard = guard;
    }

    @GetMapping("/size")
    Map<String, Long> size() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        QUEUES.values().stream().sorted().forEach(q -> sizes.put(q, 0L));
        return sizes;
    }

    @GetMapping("/")
    Map<String, String> names() {
        return new java.util.TreeMap<>(QUEUES);
    }

    @PostMapping("/update/{workflowId}/{taskRefName}/{status}")
    void updateByReferenceName(@PathVariable UUID workflowId, @PathVariable String taskRefName,
            @PathVariable String status, @RequestBody Map<String, Object> output) {
        update(workflowId, taskRefName, null, status, output);
    }

    @PostMapping("/update/{workflowId}/task/{taskId}/{status}")
    void updateById(@PathVariable UUID workflowId, @PathVariable UUID taskId, @PathVariable String status,
            @RequestBody Map<String, Object> output) {
        Task task = tasks.get(tenant.get(), taskId);
        if (!task.getWorkflowInstanceId().equals(workflowId)) {
            throw EngineException.notFound("workflow " + workflowId + " has no task " + taskId);
        }
        if (task.getStatus().isTerminal()) {
            throw EngineException.notFound("task " + taskId + " is " + task.getStatus() + ", not waiting");
        }
        update(workflowId, task.getReferenceTaskName(), taskId, status, output);
    }

    private void update(UUID workflowId, String ref, UUID taskId, String status, Map<String, Object> output) {
        if (!QUEUES.containsKey(status)) {
            throw EngineException.invalid("status", "There is no queue for handling " + status
                    + " status; use COMPLETED or FAILED");
        }
        Workflow w = workflows.get(tenant.get(), workflowId, false);
        guard.require(Permission.OPERATE_EXECUTIONS, ResourceType.WORKFLOW_DEF, w.getWorkflowName());
        Map<String, Object> externalId = new LinkedHashMap<>();
        externalId.put("workflowId", workflowId.toString());
        if (taskId == null) {
            externalId.put("taskRefName", ref);
        } else {
            externalId.put("taskId", taskId.toString());
        }
        // the task's output is the message Conductor would have queued: the given output and its externalId
        Map<String, Object> message = new LinkedHashMap<>(output == null ? Map.of() : output);
        message.put("externalId", JSON.writeValueAsString(externalId));
        tasks.updateByReferenceName(tenant.get(), workflowId, ref, TaskStatus.valueOf(status), message, null);
    }
}
