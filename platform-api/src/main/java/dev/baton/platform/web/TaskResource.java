package dev.baton.platform.web;

import dev.baton.authz.access.Permission;
import dev.baton.authz.access.ResourceType;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.TaskQuery;
import dev.baton.engine.api.TaskService;
import dev.baton.engine.api.WorkflowService;
import dev.baton.engine.api.execution.PollData;
import dev.baton.engine.api.execution.SearchResult;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskExecLog;
import dev.baton.engine.api.execution.TaskResult;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.TaskSummary;
import dev.baton.engine.api.execution.Workflow;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
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

    /** Most workflows one requeue visits; a larger backlog takes several calls. */
    static final int MAX_REQUEUED_WORKFLOWS = 1000;

    private final TaskService tasks;
    private final WorkflowService workflows;
    private final CurrentTenant tenant;
    private final Guard guard;

    private final SignalResponder responder;

    public TaskResource(TaskService tasks, WorkflowService workflows, CurrentTenant tenant, Guard guard,
            SignalResponder responder) {
        this.responder = responder;
        this.tasks = tasks;
        this.workflows = workflows;
        this.tenant = tenant;
        this.guard = guard;
    }

    @GetMapping("/poll/{taskType}")
    ResponseEntity<Task> poll(@PathVariable String taskType, @RequestParam(required = false) String workerid,
            @RequestParam(required = false) String domain) {
        guard.require(Permission.WORK_TASKS, ResourceType.TASK_DEF, taskType);
        List<Task> polled = tasks.poll(tenant.get(), taskType, workerid, domain, 1, Duration.ZERO);
        return polled.isEmpty() ? ResponseEntity.noContent().build() : ResponseEntity.ok(polled.get(0));
    }

    @GetMapping("/poll/batch/{taskType}")
    List<Task> batchPoll(@PathVariable String taskType, @RequestParam(required = false) String workerid,
            @RequestParam(required = false) String domain, @RequestParam(defaultValue = "1") int count,
            @RequestParam(defaultValue = "100") long timeout) {
        guard.require(Permission.WORK_TASKS, ResourceType.TASK_DEF, taskType);
        return tasks.poll(tenant.get(), taskType, workerid, domain, count, Duration.ofMillis(timeout));
    }

    @PostMapping(produces = MediaType.TEXT_PLAIN_VALUE)
    String update(@RequestBody TaskResult result) {
        return tasks.update(tenant.get(), result, this::workable).toString();
    }

    @PostMapping("/update-v2")
    ResponseEntity<Task> updateAndPoll(@RequestBody TaskResult result) {
        return tasks.updateAndPoll(tenant.get(), result, this::workable).map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.noContent().build());
    }

    @PostMapping(path = "/{workflowId}/{taskRefName}/{status}", produces = MediaType.TEXT_PLAIN_VALUE)
    String updateByReferenceName(@PathVariable UUID workflowId, @PathVariable String taskRefName,
            @PathVariable TaskStatus status, @RequestParam(required = false) String workerid,
            @RequestBody(required = false) Map<String, Object> output) {
        return byReferenceName(workflowId, taskRefName, status, workerid, output).getTaskId().toString();
    }

    /** Conductor's synchronous variant: the same update, answered with the workflow as it stands after it. */
    @PostMapping("/{workflowId}/{taskRefName}/{status}/sync")
    Workflow updateByReferenceNameSync(@PathVariable UUID workflowId, @PathVariable String taskRefName,
            @PathVariable TaskStatus status, @RequestParam(required = false) String workerid,
            @RequestBody(required = false) Map<String, Object> output) {
        byReferenceName(workflowId, taskRefName, status, workerid, output);
        return workflows.get(tenant.get(), workflowId, true);
    }

    /**
     * Conductor's signal: updates the task the workflow waits on (its first WAIT task waiting for a signal, or a
     * running sub-workflow's) with {@code status} and the body as output.
     */
    @PostMapping("/{workflowId}/{status}/signal")
    void signal(@PathVariable UUID workflowId, @PathVariable TaskStatus status,
            @RequestBody(required = false) Map<String, Object> output) {
        signalWaiting(workflowId, status, output);
    }

    /** The same signal, answered once the workflow ends or blocks again, as {@code returnStrategy} asks. */
    @PostMapping("/{workflowId}/{status}/signal/sync")
    Map<String, Object> signalSync(@PathVariable UUID workflowId, @PathVariable TaskStatus status,
            @RequestParam(required = false) String returnStrategy,
            @RequestParam(defaultValue = "5000") long timeoutMillis,
            @RequestBody(required = false) Map<String, Object> output) {
        SignalResponder.ReturnStrategy strategy = SignalResponder.strategy(returnStrategy);
        if (timeoutMillis < 0 || timeoutMillis > WorkflowResource.MAX_EXECUTE_WAIT_SECONDS * 1000L) {
            throw EngineException.invalid("timeoutMillis", "must be between 0 and "
                    + WorkflowResource.MAX_EXECUTE_WAIT_SECONDS * 1000L);
        }
        Task signalled = signalWaiting(workflowId, status, output);
        // the signalled task is ended now; what the workflow blocks on next is another task
        return responder.await(tenant.get(), workflowId, List.of(), strategy, null,
                Duration.ofMillis(timeoutMillis));
    }

    private Task signalWaiting(UUID workflowId, TaskStatus status, Map<String, Object> output) {
        Workflow w = workflows.get(tenant.get(), workflowId, true);
        guard.require(Permission.OPERATE_EXECUTIONS, ResourceType.WORKFLOW_DEF, w.getWorkflowName());
        SignalResponder.Blocking waiting = responder.waiting(tenant.get(), w).orElseThrow(() ->
                EngineException.notFound("Found no pending task of workflow " + workflowId + " to signal"));
        guard.require(Permission.OPERATE_EXECUTIONS, ResourceType.WORKFLOW_DEF,
                waiting.workflow().getWorkflowName());
        return tasks.updateByReferenceName(tenant.get(), waiting.workflow().getWorkflowId(),
                waiting.task().getReferenceTaskName(), status, output, null);
    }

    private Task byReferenceName(UUID workflowId, String taskRefName, TaskStatus status, String workerId,
            Map<String, Object> output) {
        Workflow w = workflows.get(tenant.get(), workflowId, false);
        guard.require(Permission.OPERATE_EXECUTIONS, ResourceType.WORKFLOW_DEF, w.getWorkflowName());
        return tasks.updateByReferenceName(tenant.get(), workflowId, taskRefName, status, output, workerId);
    }

    /** A task; 204 when there is none (of this tenant), as Conductor answers for its 2.x clients. */
    @GetMapping("/{taskId}")
    ResponseEntity<Task> get(@PathVariable UUID taskId) {
        try {
            return ResponseEntity.ok(readable(taskId));
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.NOT_FOUND) {
                return ResponseEntity.noContent().build();
            }
            throw e;
        }
    }

    @PostMapping("/{taskId}/log")
    void log(@PathVariable UUID taskId, @RequestBody String line) {
        Task task = tasks.get(tenant.get(), taskId);
        guard.require(Permission.WORK_TASKS, ResourceType.TASK_DEF, task.getTaskDefName());
        tasks.log(tenant.get(), taskId, line);
    }

    @GetMapping("/{taskId}/log")
    List<TaskExecLog> logs(@PathVariable UUID taskId) {
        readable(taskId);
        return tasks.logs(tenant.get(), taskId);
    }

    @GetMapping("/queue/sizes")
    Map<String, Long> queueSizes(@RequestParam(required = false) List<String> taskType) {
        return visibleQueues(tasks.queueSizes(tenant.get(), taskType == null ? List.of() : taskType));
    }

    @GetMapping("/queue/all")
    Map<String, Long> allQueues() {
        return visibleQueues(tasks.queueSizes(tenant.get(), List.of()));
    }

    /** Conductor's size of one queue: the tasks of {@code taskType} (in {@code domain}) waiting for a worker. */
    @GetMapping("/queue/size")
    long queueSize(@RequestParam String taskType, @RequestParam(required = false) String domain) {
        guard.require(Permission.READ_DEFINITION, ResourceType.TASK_DEF, taskType);
        String queue = domain == null || domain.isBlank() ? taskType : domain + ":" + taskType;
        return tasks.queueSizes(tenant.get(), List.of(queue)).getOrDefault(queue, 0L);
    }

    /** Conductor's verbose queue detail: per queue, its tasks waiting ({@code size}) and in progress. */
    @GetMapping("/queue/all/verbose")
    Map<String, Map<String, Map<String, Long>>> allQueuesVerbose() {
        Predicate<String> readable = guard.permits(Permission.READ_DEFINITION, ResourceType.TASK_DEF);
        Map<String, Map<String, Map<String, Long>>> visible = new LinkedHashMap<>();
        tasks.queueDetails(tenant.get()).forEach((queue, detail) -> {
            if (readable.test(queue.substring(queue.indexOf(':') + 1))) {
                visible.put(queue, detail);
            }
        });
        return visible;
    }

    /**
     * Conductor's requeue: the task type's tasks in progress go back to its queue, for a worker to take again;
     * answers how many, as text. Operators of the task type may.
     */
    @PostMapping(path = "/queue/requeue/{taskType}", produces = MediaType.TEXT_PLAIN_VALUE)
    String requeue(@PathVariable String taskType) {
        guard.require(Permission.OPERATE_EXECUTIONS, ResourceType.TASK_DEF, taskType);
        return String.valueOf(tasks.requeue(tenant.get(), taskType, MAX_REQUEUED_WORKFLOWS));
    }

    /** Conductor's task search: task summaries matching the query, among the workflows the caller may read. */
    @GetMapping("/search")
    SearchResult<TaskSummary> search(@RequestParam(defaultValue = "0") int start,
            @RequestParam(defaultValue = "100") int size, @RequestParam(required = false) String sort,
            @RequestParam(defaultValue = "*") String freeText, @RequestParam(required = false) String query) {
        return WorkflowResource.readableTaskQuery(guard, SearchQueryParser.parseTasks(query, freeText, sort, start,
                size, TaskQuery.SORT_FIELDS)).map(q -> tasks.search(tenant.get(), q))
                .orElseGet(() -> new SearchResult<>(0, List.of()));
    }

    /** Conductor's task search-v2: the same search, answered with the tasks themselves. */
    @GetMapping("/search-v2")
    SearchResult<Task> searchTasks(@RequestParam(defaultValue = "0") int start,
            @RequestParam(defaultValue = "100") int size, @RequestParam(required = false) String sort,
            @RequestParam(defaultValue = "*") String freeText, @RequestParam(required = false) String query) {
        return WorkflowResource.readableTaskQuery(guard, SearchQueryParser.parseTasks(query, freeText, sort, start,
                size, TaskQuery.SORT_FIELDS)).map(q -> tasks.searchTasks(tenant.get(), q))
                .orElseGet(() -> new SearchResult<>(0, List.of()));
    }

    /** Conductor's poll data of one task type: its last poll per domain, by which worker and when. */
    @GetMapping("/queue/polldata")
    List<PollData> pollData(@RequestParam String taskType) {
        guard.require(Permission.READ_DEFINITION, ResourceType.TASK_DEF, taskType);
        return tasks.pollData(tenant.get(), taskType);
    }

    /** Conductor's poll data of every task type the caller may read. */
    @GetMapping("/queue/polldata/all")
    List<PollData> allPollData() {
        Predicate<String> readable = guard.permits(Permission.READ_DEFINITION, ResourceType.TASK_DEF);
        return tasks.pollData(tenant.get(), null).stream().filter(p -> readable.test(p.queueName())).toList();
    }

    private Map<String, Long> visibleQueues(Map<String, Long> sizes) {
        Predicate<String> readable = guard.permits(Permission.READ_DEFINITION, ResourceType.TASK_DEF);
        Map<String, Long> visible = new LinkedHashMap<>();
        sizes.forEach((type, size) -> {
            if (readable.test(type)) {
                visible.put(type, size);
            }
        });
        return visible;
    }

    /** Refuses a report on a task whose type the caller may not work on (checked inside the update). */
    private void workable(Task task) {
        guard.require(Permission.WORK_TASKS, ResourceType.TASK_DEF, task.getTaskDefName());
    }

    /** A task can be read by whoever may read its workflow's executions or work on its task type. */
    private Task readable(UUID taskId) {
        Task task = tasks.get(tenant.get(), taskId);
        if (!guard.allows(Permission.READ_EXECUTIONS, ResourceType.WORKFLOW_DEF, task.getWorkflowType())) {
            guard.require(Permission.WORK_TASKS, ResourceType.TASK_DEF, task.getTaskDefName());
        }
        return task;
    }
}
