package dev.baton.engine.api.definition;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** Which workflow a SUB_WORKFLOW task starts: by name and version, or an inline definition. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SubWorkflowParams(
        String name, Integer version, Map<String, String> taskToDomain, WorkflowDef workflowDefinition) {}
