package dev.baton.engine.api;

import dev.baton.engine.api.execution.PollData;
import dev.baton.engine.api.execution.SearchResult;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskExecLog;
import dev.baton.engine.api.execution.TaskResult;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.TaskSummary;
import dev.baton.tenancy.TenantId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/** What workers and operators do with tasks: poll, report, read logs and queue sizes. */
public interface TaskService {

    /**
     * Hands up to {@code count} tasks of {@code taskType} to a worker, waiting up to {@code wait} for one to be
     * queued when none is there (a long poll).
     */
    List<Task> poll(TenantId tenant, String taskType, String workerId, String domain, int count, Duration wait);

    /** Records a worker's report and decides the workflow in the same transaction; returns the task id. */
    default UUID update(TenantId tenant, TaskResult result) {
        return update(tenant, result, task -> { });
    }

    /**
     * As {@link #update(TenantId, TaskResult)}, first letting {@code mayReport} refuse (by throwing) a caller who may
     * not work on the task: it runs in the update's transaction, once the task is found, before anything changes.
     */
    UUID update(TenantId tenant, TaskResult result, Consumer<Task> mayReport);

    /**
     * Records a worker's report and, in the same transaction, hands the same worker the next task of the reported
     * task's type and domain if one is queued (Conductor's update-v2): one commit instead of three.
     */
    Optional<Task> updateAndPoll(TenantId tenant, TaskResult result, Consumer<Task> mayReport);

    /** Completes or fails the pending task with this reference name (used to signal WAIT and HUMAN tasks). */
    Task updateByReferenceName(TenantId tenant, UUID workflowId, String taskReferenceName, TaskStatus status,
            Map<String, Object> output, String workerId);

    Task get(TenantId tenant, UUID taskId);

    void log(TenantId tenant, UUID taskId, String line);

    List<TaskExecLog> logs(TenantId tenant, UUID taskId);

    /** Scheduled tasks waiting per queue; all queues when {@code taskTypes} is empty. */
    Map<String, Long> queueSizes(TenantId tenant, List<String> taskTypes);

    /**
     * Per worker queue, Conductor's verbose detail: {@code {queue: {"a": {"size": waiting, "uacked": in progress}}}}
     * (one shard, named as Conductor's PostgreSQL queue names it).
     */
    Map<String, Map<String, Map<String, Long>>> queueDetails(TenantId tenant);

    /** The last poll of {@code taskType} per domain (every task type when null), as this node saw them. */
    List<PollData> pollData(TenantId tenant, String taskType);

    /**
     * Conductor's requeue of a task type: its tasks in progress go back to its queue, to be handed out again at
     * the next poll (a worker that died with them need not wait for their response timeout). At most
     * {@code most} workflows are visited; answers how many tasks were requeued.
     */
    int requeue(TenantId tenant, String taskType, int most);

    /** Conductor's task search: a page of task summaries matching {@code query}. */
    SearchResult<TaskSummary> search(TenantId tenant, TaskQuery query);

    /** Like {@link #search}, answered with the tasks themselves (Conductor's task search-v2). */
    SearchResult<Task> searchTasks(TenantId tenant, TaskQuery query);
}
