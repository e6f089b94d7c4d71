package dev.baton.engine.api.execution;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.baton.engine.api.definition.WorkflowDef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** One workflow execution with its tasks, in Conductor's JSON shape. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class Workflow {
    private UUID workflowId;
    private String tenantId;
    private WorkflowStatus status;
    private String correlationId;
    private int priority;
    private String idempotencyKey;
    private UUID parentWorkflowId;
    private UUID parentWorkflowTaskId;
    private UUID reRunFromWorkflowId;
    private WorkflowDef workflowDefinition;
    private Map<String, Object> input = new LinkedHashMap<>();
    private Map<String, Object> output = new LinkedHashMap<>();
    private Map<String, Object> variables = new LinkedHashMap<>();
    private Map<String, String> taskToDomain = new LinkedHashMap<>();
    private String reasonForIncompletion;
    private List<String> failedTaskNames = new ArrayList<>();
    private List<String> failedReferenceTaskNames = new ArrayList<>();
    private String createdBy;
    private String ownerTeam;
    private String event;
    private Instant created;
    private Instant updated;
    private Instant ended;
    private Instant lastRetried;
    private Instant timeoutAt;
    private List<Task> tasks = new ArrayList<>();

    public UUID getWorkflowId() { return workflowId; }
    public void setWorkflowId(UUID workflowId) { this.workflowId = workflowId; }
    @JsonIgnore public String getTenantId() { return tenantId; }
    public void setTenantId(String tenantId) { this.tenantId = tenantId; }
    public WorkflowStatus getStatus() { return status; }
    public void setStatus(WorkflowStatus status) { this.status = status; }
    public String getCorrelationId() { return correlationId; }
    public void setCorrelationId(String correlationId) { this.correlationId = correlationId; }
    public int getPriority() { return priority; }
    public void setPriority(int priority) { this.priority = priority; }
    public String getIdempotencyKey() { return idempotencyKey; }
    public void setIdempotencyKey(String key) { this.idempotencyKey = key; }
    public UUID getParentWorkflowId() { return parentWorkflowId; }
    public void setParentWorkflowId(UUID id) { this.parentWorkflowId = id; }
    public UUID getParentWorkflowTaskId() { return parentWorkflowTaskId; }
    public void setParentWorkflowTaskId(UUID id) { this.parentWorkflowTaskId = id; }
    public UUID getReRunFromWorkflowId() { return reRunFromWorkflowId; }
    public void setReRunFromWorkflowId(UUID id) { this.reRunFromWorkflowId = id; }
    public WorkflowDef getWorkflowDefinition() { return workflowDefinition; }
    public void setWorkflowDefinition(WorkflowDef def) { this.workflowDefinition = def; }
    public Map<String, Object> getInput() { return input; }
    public void setInput(Map<String, Object> input) { this.input = input == null ? new LinkedHashMap<>() : input; }
    public Map<String, Object> getOutput() { return output; }
    public void setOutput(Map<String, Object> output) { this.output = output == null ? new LinkedHashMap<>() : output; }
    public Map<String, Object> getVariables() { return variables; }
    public void setVariables(Map<String, Object> v) { this.variables = v == null ? new LinkedHashMap<>() : v; }
    public Map<String, String> getTaskToDomain() { return taskToDomain; }
    public void setTaskToDomain(Map<String, String> m) { this.taskToDomain = m == null ? new LinkedHashMap<>() : m; }
    public String getReasonForIncompletion() { return reasonForIncompletion; }
    public void setReasonForIncompletion(String reason) { this.reasonForIncompletion = reason; }
    public List<String> getFailedTaskNames() { return failedTaskNames; }
    public void setFailedTaskNames(List<String> names) { this.failedTaskNames = names; }
    public List<String> getFailedReferenceTaskNames() { return failedReferenceTaskNames; }
    public void setFailedReferenceTaskNames(List<String> names) { this.failedReferenceTaskNames = names; }
    /** The team on whose behalf this execution runs (our addition to Conductor's shape). */
    public String getOwnerTeam() { return ownerTeam; }
    public void setOwnerTeam(String ownerTeam) { this.ownerTeam = ownerTeam; }
    public String getCreatedBy() { return createdBy; }
    public void setCreatedBy(String createdBy) { this.createdBy = createdBy; }
    public String getEvent() { return event; }
    public void setEvent(String event) { this.event = event; }
    @JsonIgnore public Instant getCreated() { return created; }
    public void setCreated(Instant t) { this.created = t; }
    @JsonIgnore public Instant getUpdated() { return updated; }
    public void setUpdated(Instant t) { this.updated = t; }
    @JsonIgnore public Instant getEnded() { return ended; }
    public void setEnded(Instant t) { this.ended = t; }
    @JsonIgnore public Instant getLastRetried() { return lastRetried; }
    public void setLastRetried(Instant t) { this.lastRetried = t; }
    /** When the workflow times out, or null when it has no timeout or has ended. */
    @JsonIgnore public Instant getTimeoutAt() { return timeoutAt; }
    public void setTimeoutAt(Instant t) { this.timeoutAt = t; }
    public List<Task> getTasks() { return tasks; }
    public void setTasks(List<Task> tasks) { this.tasks = tasks; }

    public String getWorkflowName() { return workflowDefinition == null ? null : workflowDefinition.name(); }
    public int getWorkflowVersion() { return workflowDefinition == null ? 0 : workflowDefinition.versionOrDefault(); }
    public long getCreateTime() { return millis(created); }
    public long getStartTime() { return millis(created); }
    public long getUpdateTime() { return millis(updated); }
    public long getEndTime() { return millis(ended); }
    public long getLastRetriedTime() { return millis(lastRetried); }

    /** The newest attempt of the task with this definition reference name, if any was scheduled. */
    public Optional<Task> latestTask(String definitionRef) {
        for (int i = tasks.size() - 1; i >= 0; i--) {
            Task t = tasks.get(i);
            if (definitionRef.equals(t.definitionRef()) || definitionRef.equals(t.getReferenceTaskName())) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The attempt with this task id, if it belongs to this workflow. */
    public Optional<Task> task(UUID taskId) {
        return tasks.stream().filter(t -> t.getTaskId().equals(taskId)).findFirst();
    }

    private static long millis(Instant t) {
        return t == null ? 0 : t.toEpochMilli();
    }
}
