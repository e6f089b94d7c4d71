package dev.baton.engine.api.execution;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/** A worker's report on a task it polled, in Conductor's JSON shape. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskResult(
        String workflowInstanceId,
        String taskId,
        String reasonForIncompletion,
        Long callbackAfterSeconds,
        String workerId,
        Status status,
        Map<String, Object> outputData,
        List<TaskExecLog> logs,
        String subWorkflowId,
        Boolean extendLease,
        String externalOutputPayloadStoragePath) {

    /** A report whose output comes with it. */
    public TaskResult(String workflowInstanceId, String taskId, String reasonForIncompletion,
            Long callbackAfterSeconds, String workerId, Status status, Map<String, Object> outputData,
            List<TaskExecLog> logs, String subWorkflowId, Boolean extendLease) {
        this(workflowInstanceId, taskId, reasonForIncompletion, callbackAfterSeconds, workerId, status, outputData,
                logs, subWorkflowId, extendLease, null);
    }

    /** The states a worker may report. */
    public enum Status { IN_PROGRESS, FAILED, FAILED_WITH_TERMINAL_ERROR, COMPLETED }
}
