package dev.baton.engine.api.definition;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** A workflow definition in Conductor's JSON shape: a named, versioned list of tasks. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record WorkflowDef(
        String name,
        String description,
        Integer version,
        List<WorkflowTask> tasks,
        List<String> inputParameters,
        Map<String, Object> outputParameters,
        String failureWorkflow,
        Integer schemaVersion,
        Boolean restartable,
        Boolean workflowStatusListenerEnabled,
        String ownerEmail,
        String ownerApp,
        TimeoutPolicy timeoutPolicy,
        Long timeoutSeconds,
        Map<String, Object> variables,
        Map<String, Object> inputTemplate,
        Long createTime,
        Long updateTime,
        String createdBy,
        String updatedBy) {

    /** What happens when the whole workflow runs past its timeoutSeconds. */
    public enum TimeoutPolicy { TIME_OUT_WF, ALERT_ONLY }

    public WorkflowDef {
        tasks = tasks == null ? new ArrayList<>() : tasks;
        inputParameters = inputParameters == null ? new ArrayList<>() : inputParameters;
        outputParameters = outputParameters == null ? new LinkedHashMap<>() : outputParameters;
        variables = variables == null ? new LinkedHashMap<>() : variables;
        inputTemplate = inputTemplate == null ? new LinkedHashMap<>() : inputTemplate;
    }

    public int versionOrDefault() {
        return version == null ? 1 : version;
    }

    public long timeoutSecondsOrZero() {
        return timeoutSeconds == null ? 0 : timeoutSeconds;
    }

    public boolean restartableOrDefault() {
        return restartable == null || restartable;
    }

    /** Visits every task of the definition, nested ones included, depth first. */
    public void visitTasks(Consumer<WorkflowTask> visitor) {
        for (WorkflowTask task : tasks) {
            task.visit(visitor);
        }
    }

    /** The same definition with version and server-maintained audit fields set. */
    public WorkflowDef withVersionAndAudit(int newVersion, Long created, Long updated) {
        return new WorkflowDef(name, description, newVersion, tasks, inputParameters, outputParameters,
                failureWorkflow, schemaVersion == null ? 2 : schemaVersion, restartable, workflowStatusListenerEnabled,
                ownerEmail, ownerApp, timeoutPolicy, timeoutSeconds, variables, inputTemplate, created, updated,
                createdBy, updatedBy);
    }
}
