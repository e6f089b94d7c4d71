package dev.baton.engine.api.definition;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Which workflow a SUB_WORKFLOW task starts: by name and version, or an inline definition. The name and the version
 * may be expressions ({@code ${workflow.input.child}}), resolved when the task runs, as Conductor resolves them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SubWorkflowParams(
        String name, Object version, Map<String, String> taskToDomain, WorkflowDef workflowDefinition) {

    /** The version as a number, when it is one written out (or as text); null when none or an expression. */
    public Integer versionNumber() {
        if (version instanceof Number n) {
            return n.intValue();
        }
        if (version instanceof String s && s.matches("[0-9]{1,9}")) {
            return Integer.valueOf(s);
        }
        return null;
    }
}
