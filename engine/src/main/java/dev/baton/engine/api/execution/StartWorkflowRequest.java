package dev.baton.engine.api.execution;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.baton.engine.api.definition.WorkflowDef;
import java.util.Map;

/** A request to start a workflow, in Conductor's JSON shape. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StartWorkflowRequest(
        String name,
        Integer version,
        String correlationId,
        Map<String, Object> input,
        Map<String, String> taskToDomain,
        WorkflowDef workflowDef,
        Integer priority,
        String createdBy,
        String idempotencyKey,
        String idempotencyStrategy,
        String externalInputPayloadStoragePath) {

    /** A request whose input comes with it. */
    public StartWorkflowRequest(String name, Integer version, String correlationId, Map<String, Object> input,
            Map<String, String> taskToDomain, WorkflowDef workflowDef, Integer priority, String createdBy,
            String idempotencyKey, String idempotencyStrategy) {
        this(name, version, correlationId, input, taskToDomain, workflowDef, priority, createdBy, idempotencyKey,
                idempotencyStrategy, null);
    }

    public static StartWorkflowRequest of(String name, Integer version, Map<String, Object> input) {
        return new StartWorkflowRequest(name, version, null, input, null, null, null, null, null, null);
    }
}
