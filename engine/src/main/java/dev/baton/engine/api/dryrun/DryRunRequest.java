package dev.baton.engine.api.dryrun;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.baton.engine.api.definition.WorkflowDef;
import java.util.Map;

/**
 * A workflow to evaluate without running anything: a registered definition ({@code name}, {@code version}) or an
 * inline one ({@code workflowDef}), its input, and the outcomes to assume for the tasks a dry run does not evaluate
 * (worker tasks and every type with effects outside its workflow). {@code taskOutputs} maps a task reference name
 * (a sub-workflow's task as {@code subRef/taskRef}; a loop's iteration as {@code ref__2}) to one
 * {@link CannedOutcome} or a list of them, one per attempt, the last repeating.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DryRunRequest(
        String name,
        Integer version,
        WorkflowDef workflowDef,
        Map<String, Object> input,
        String correlationId,
        Map<String, Object> taskOutputs) {}
