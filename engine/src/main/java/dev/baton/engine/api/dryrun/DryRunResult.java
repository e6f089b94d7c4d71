package dev.baton.engine.api.dryrun;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.WorkflowStatus;
import java.util.List;
import java.util.Map;

/**
 * What a dry run found: how the workflow would end, every task attempt that would run with its resolved input, the
 * workflows it would start, and, when it would not complete, the first error with its task and field.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DryRunResult(
        String workflowName,
        int workflowVersion,
        WorkflowStatus status,
        String reasonForIncompletion,
        Map<String, Object> output,
        List<TaskRun> tasks,
        List<StartedWorkflow> workflowsStarted,
        Error error) {

    /** Where a task's outcome came from. */
    public enum Source {
        /** The dry run decided it as a real run would (control flow, expressions, scripts, sub-workflows). */
        EVALUATED,
        /** The request's {@code taskOutputs} gave it. */
        CANNED,
        /** Nothing was given: it was assumed to complete with no output. */
        ASSUMED
    }

    /** One task attempt that would run. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskRun(
            String referenceTaskName,
            String taskType,
            String taskDefName,
            int seq,
            int iteration,
            int retryCount,
            TaskStatus status,
            Map<String, Object> inputData,
            Map<String, Object> outputData,
            String reasonForIncompletion,
            Source source,
            DryRunResult subWorkflow) {}

    /** A workflow a START_WORKFLOW task or the failure workflow would start; it is not run. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StartedWorkflow(String name, Integer version, Map<String, Object> input) {}

    /** Why the workflow would not complete: the first task that failed it, and the input field when one is to blame. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Error(String taskReferenceName, String field, String reason) {}
}
