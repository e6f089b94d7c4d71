package dev.baton.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * An event handler in Conductor's JSON shape: for each message of {@code event} whose payload meets
 * {@code condition} (JavaScript with {@code $} bound to the payload; none means every message), its actions run in
 * order. A handler is inactive unless {@code active} is true, as in Conductor.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record EventHandlerDef(
        String name,
        String event,
        String condition,
        String evaluatorType,
        List<Action> actions,
        Boolean active,
        String description) {

    /** Left out, {@code active} is false, as in Conductor. */
    public EventHandlerDef {
        active = Boolean.TRUE.equals(active);
    }

    /** The kinds of action, spelled as Conductor spells them. */
    public enum ActionType {
        start_workflow, complete_task, fail_task, terminate_workflow, update_workflow_variables
    }

    /**
     * One action; the member named like its type holds its parameters, whose {@code ${path}} values are read from
     * the message's payload.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Action(
            ActionType action,
            @JsonProperty("start_workflow") StartWorkflow startWorkflow,
            @JsonProperty("complete_task") TaskDetails completeTask,
            @JsonProperty("fail_task") TaskDetails failTask,
            @JsonProperty("terminate_workflow") TerminateWorkflow terminateWorkflow,
            @JsonProperty("update_workflow_variables") UpdateWorkflowVariables updateWorkflowVariables,
            Boolean expandInlineJSON) {

        /** Left out, {@code expandInlineJSON} is false. */
        public Action {
            expandInlineJSON = Boolean.TRUE.equals(expandInlineJSON);
        }
    }

    /** Starts a workflow; its input gets the message's id and event, as in Conductor. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StartWorkflow(String name, Integer version, String correlationId, Map<String, Object> input,
            Map<String, String> taskToDomain) {}

    /** Completes or fails a task, found by id or by workflow and reference name; {@code output} becomes its output. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TaskDetails(String workflowId, String taskRefName, String taskId, Map<String, Object> output) {}

    /** Terminates a workflow. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TerminateWorkflow(String workflowId, String terminationReason) {}

    /** Sets variables of a running workflow; {@code appendArray} appends to list variables instead of replacing. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UpdateWorkflowVariables(String workflowId, Map<String, Object> variables, Boolean appendArray) {}
}
