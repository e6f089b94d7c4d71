package dev.baton.engine.api.execution;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.baton.engine.api.Violation;
import dev.baton.engine.api.dryrun.DryRunResult;
import java.util.List;

/**
 * An upgrade of a running execution: where each of its tasks goes in the new version, what keeps it from being safe,
 * the dry run of the upgraded execution that checked it, and whether it was applied.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpgradePlan(
        String workflowId,
        int fromVersion,
        int toVersion,
        List<TaskPlace> tasks,
        List<Violation> problems,
        DryRunResult check,
        boolean applied) {

    /** One task of the execution and its reference name in the new version (null when it has no place). */
    public record TaskPlace(String referenceTaskName, String newReferenceTaskName, TaskStatus status) {}

    /** Whether nothing has lost its place and the upgraded execution can complete with the outcomes assumed. */
    @com.fasterxml.jackson.annotation.JsonProperty("safe")
    public boolean safe() {
        return problems.isEmpty() && check != null && check.status() == WorkflowStatus.COMPLETED;
    }
}
