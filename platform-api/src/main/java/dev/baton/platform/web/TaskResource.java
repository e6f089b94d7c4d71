package dev.baton.platform.web;

import dev.baton.engine.api.TaskService;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskExecLog;
import dev.baton.engine.api.execution.TaskResult;
import dev.baton.engine.api.execution.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Conductor's task API for workers: poll, update, logs, queue sizes. */
@RestController
@RequestMapping("/api/tasks")
public class TaskResource {

    private final TaskService tasks;
    private final CurrentTenant tenant;

    public TaskResource(TaskService tasks, CurrentTenant tenant) {
        this.tasks = tasks;
        this.tenant = tenant;
    }

    @GetMapping("/poll/{taskType}")
    ResponseEntity<Task> poll(@PathVariable String taskType, @RequestParam(required = false) String workerid,
            @RequestParam(required = false) String domain) {
        List<Task> polled = tasks.poll(tenant.get(), taskType, workerid, domain, 1, Duration.ZERO);
        return polled.isEmpty() ? ResponseEntity.noContent().build() : ResponseEntity.ok(polled.get(0));
    }

    @GetMapping("/poll/batch/{taskType}")
    List<Task> batchPoll(@PathVariable String taskType, @RequestParam(required = false) String workerid,
            @RequestParam(required = false) String domain, @RequestParam(defaultValue = "1") int count,
            @RequestParam(defaultValue = "100") long timeout) {
        return tasks.poll(tenant.get(), taskType, workerid, domain, count, Duration.ofMillis(timeout));
    }

    @PostMapping(produces = MediaType.TEXT_PLAIN_VALUE)
    String update(@RequestBody TaskResult result) {
        return tasks.update(tenant.get(), result).toString();
    }

    @PostMapping("/update-v2")
    ResponseEntity<Task> updateAndPoll(@RequestBody TaskResult result) {
        UUID id = tasks.update(tenant.get(), result);
        Task done = tasks.get(tenant.get(), id);
        List<Task> next = tasks.poll(tenant.get(), done.getTaskDefName(), result.workerId(), done.getDomain(), 1,
                Duration.ZERO);
        return next.isEmpty() ? ResponseEntity.noContent().build() : ResponseEntity.ok(next.get(0));
    }

    @PostMapping(path = "/{workflowId}/{taskRefName}/{status}", produces = MediaType.TEXT_PLAIN_VALUE)
    String updateByReferenceName(@PathVariable UUID workflowId, @PathVariable String taskRefName,
            @PathVariable TaskStatus status, @RequestParam(required = false) String workerid,
            @RequestBody(required = false) Map<String, Object> output) {
        return tasks.updateByReferenceName(tenant.get(), workflowId, taskRefName, status, output, workerid)
                .getTaskId().toString();
    }

    @GetMapping("/{taskId}")
    Task get(@PathVariable UUID taskId) {
        return tasks.get(tenant.get(), taskId);
    }

    @PostMapping("/{taskId}/log")
    void log(@PathVariable UUID taskId, @RequestBody String line) {
        tasks.log(tenant.get(), taskId, line);
    }

    @GetMapping("/{taskId}/log")
    List<TaskExecLog> logs(@PathVariable UUID taskId) {
        return tasks.logs(tenant.get(), taskId);
    }

    @GetMapping("/queue/sizes")
    Map<String, Long> queueSizes(@RequestParam(required = false) List<String> taskType) {
        return tasks.queueSizes(tenant.get(), taskType == null ? List.of() : taskType);
    }

    @GetMapping("/queue/all")
    Map<String, Long> allQueues() {
        return tasks.queueSizes(tenant.get(), List.of());
    }
}
