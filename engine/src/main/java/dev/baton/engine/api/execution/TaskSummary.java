package dev.baton.engine.api.execution;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One row of a task search, in Conductor's JSON shape: payloads as JSON text, times as ISO-8601. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskSummary(
        String workflowId,
        String workflowType,
        String correlationId,
        String scheduledTime,
        String startTime,
        String updateTime,
        String endTime,
        TaskStatus status,
        String reasonForIncompletion,
        long executionTime,
        long queueWaitTime,
        String taskDefName,
        String taskType,
        String input,
        String output,
        String taskId,
        String domain,
        int workflowPriority) {}
