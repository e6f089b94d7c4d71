package dev.baton.schedules;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.baton.engine.api.execution.StartWorkflowRequest;

/** One fire of a schedule, in Conductor's shape: what it started, or why it could not. Times in epoch millis. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleExecution(
        String executionId,
        String scheduleName,
        Long scheduledTime,
        Long executionTime,
        String workflowName,
        String workflowId,
        String reason,
        StartWorkflowRequest startWorkflowRequest,
        State state,
        String zoneId) {

    /** Conductor's states of a fire; POLLED is never left behind here, since a fire commits whole or not at all. */
    public enum State { POLLED, FAILED, EXECUTED }
}
