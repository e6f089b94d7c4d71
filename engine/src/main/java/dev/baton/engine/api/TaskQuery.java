package dev.baton.engine.api;

import java.time.Instant;
import java.util.List;

/**
 * Filters for a task search; null or empty fields do not filter. {@code taskTypes} are types as Conductor reports
 * them (a worker task's own name, FORK for forks); the times bound the task's last update.
 */
public record TaskQuery(
        List<String> taskTypes,
        List<String> taskDefNames,
        List<String> statuses,
        List<String> workflowIds,
        List<String> workflowTypes,
        List<String> taskIds,
        Instant updatedAfter,
        Instant updatedBefore,
        String freeText,
        String sortField,
        boolean ascending,
        int start,
        int size) {

    /** The fields a task search sorts by. */
    public static final java.util.Set<String> SORT_FIELDS = java.util.Set.of("updateTime", "startTime",
            "scheduledTime", "endTime", "status", "taskType", "taskDefName", "taskId", "workflowId", "workflowType");

    /** The same filters, for only these workflow types. */
    public TaskQuery withWorkflowTypes(List<String> types) {
        return new TaskQuery(taskTypes, taskDefNames, statuses, workflowIds, types, taskIds, updatedAfter,
                updatedBefore, freeText, sortField, ascending, start, size);
    }
}
