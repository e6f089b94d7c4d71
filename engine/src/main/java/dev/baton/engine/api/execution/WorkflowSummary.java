package dev.baton.engine.api.execution;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One row of an execution search, in Conductor's JSON shape. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkflowSummary(
        String workflowType,
        int version,
        String workflowId,
        String correlationId,
        String startTime,
        String updateTime,
        String endTime,
        WorkflowStatus status,
        String input,
        String output,
        String reasonForIncompletion,
        long executionTime,
        String failedReferenceTaskNames,
        int priority,
        String createdBy) {}
