package dev.baton.engine.api.execution;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.api.definition.TaskType;
import dev.baton.engine.api.definition.WorkflowTask;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One attempt of one task of a workflow execution, in Conductor's JSON shape. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class Task {
    private String limitPermit;
    private UUID taskId;
    private UUID workflowInstanceId;
    private String workflowType;
    private String taskType;
    private String taskDefName;
    private String referenceTaskName;
    private TaskStatus status;
    private int seq;
    private int iteration;
    private int retryCount;
    private int pollCount;
    private boolean retried;
    private boolean executed;
    private Map<String, Object> inputData = new LinkedHashMap<>();
    private Map<String, Object> outputData = new LinkedHashMap<>();
    private WorkflowTask workflowTask;
    private String reasonForIncompletion;
    private String workerId;
    private String domain;
    private String correlationId;
    private long callbackAfterSeconds;
    private long responseTimeoutSeconds;
    private int workflowPriority;
    private UUID retriedTaskId;
    private UUID subWorkflowId;
    private UUID parentTaskId;
    private String queue;
    private Instant scheduled;
    private Instant visibleAt;
    private Instant started;
    private Instant firstStarted;
    private Instant ended;
    private Instant updated;
    private Instant dueAt;
    private Instant waitUntil;
    private boolean dirty;

    public UUID getTaskId() { return taskId; }
    public void setTaskId(UUID taskId) { this.taskId = taskId; }
    public UUID getWorkflowInstanceId() { return workflowInstanceId; }
    public void setWorkflowInstanceId(UUID id) { this.workflowInstanceId = id; }
    public String getWorkflowType() { return workflowType; }
    public void setWorkflowType(String workflowType) { this.workflowType = workflowType; }
    /** The engine's type of this task, which decides what runs it (SIMPLE for a worker task). */
    @JsonIgnore
    public String getTaskType() { return taskType; }
    public void setTaskType(String taskType) { this.taskType = taskType; }

    /** The type as Conductor reports it to clients: a worker task's own name, and FORK for either kind of fork. */
    @JsonProperty("taskType")
    public String reportedTaskType() {
        if (TaskType.SIMPLE.equals(taskType) && taskDefName != null) {
            return taskDefName;
        }
        if (TaskType.FORK_JOIN.equals(taskType) || TaskType.FORK_JOIN_DYNAMIC.equals(taskType)) {
            return "FORK";
        }
        return taskType;
    }
    /**
     * The stored types of tasks Conductor reports as {@code reported} that are not worker tasks (a worker task is
     * reported by its name, and stored as {@link #WORKER_TYPE}).
     */
    public static List<String> storedTypesReportedAs(String reported) {
        return "FORK".equals(reported) ? List.of(TaskType.FORK_JOIN, TaskType.FORK_JOIN_DYNAMIC) : List.of(reported);
    }

    /** The stored type of every worker task. */
    public static final String WORKER_TYPE = TaskType.SIMPLE;

    public String getTaskDefName() { return taskDefName; }
    public void setTaskDefName(String taskDefName) { this.taskDefName = taskDefName; }
    public String getReferenceTaskName() { return referenceTaskName; }
    public void setReferenceTaskName(String ref) { this.referenceTaskName = ref; }
    public TaskStatus getStatus() { return status; }
    public void setStatus(TaskStatus status) { this.status = status; }
    public int getSeq() { return seq; }
    public void setSeq(int seq) { this.seq = seq; }
    public int getIteration() { return iteration; }
    public void setIteration(int iteration) { this.iteration = iteration; }
    public int getRetryCount() { return retryCount; }
    public void setRetryCount(int retryCount) { this.retryCount = retryCount; }
    public int getPollCount() { return pollCount; }
    public void setPollCount(int pollCount) { this.pollCount = pollCount; }
    public boolean isRetried() { return retried; }
    public void setRetried(boolean retried) { this.retried = retried; }
    public boolean isExecuted() { return executed; }
    public void setExecuted(boolean executed) { this.executed = executed; }
    public Map<String, Object> getInputData() { return inputData; }
    public void setInputData(Map<String, Object> inputData) { this.inputData = inputData == null ? new LinkedHashMap<>() : inputData; }
    public Map<String, Object> getOutputData() { return outputData; }
    public void setOutputData(Map<String, Object> outputData) { this.outputData = outputData == null ? new LinkedHashMap<>() : outputData; }
    public WorkflowTask getWorkflowTask() { return workflowTask; }
    public void setWorkflowTask(WorkflowTask workflowTask) { this.workflowTask = workflowTask; }
    public String getReasonForIncompletion() { return reasonForIncompletion; }
    public void setReasonForIncompletion(String reason) { this.reasonForIncompletion = reason; }
    public String getWorkerId() { return workerId; }
    public void setWorkerId(String workerId) { this.workerId = workerId; }
    public String getDomain() { return domain; }
    public void setDomain(String domain) { this.domain = domain; }
    public String getCorrelationId() { return correlationId; }
    public void setCorrelationId(String correlationId) { this.correlationId = correlationId; }
    public long getCallbackAfterSeconds() { return callbackAfterSeconds; }
    public void setCallbackAfterSeconds(long s) { this.callbackAfterSeconds = s; }
    public long getResponseTimeoutSeconds() { return responseTimeoutSeconds; }
    public void setResponseTimeoutSeconds(long s) { this.responseTimeoutSeconds = s; }
    public int getWorkflowPriority() { return workflowPriority; }
    public void setWorkflowPriority(int p) { this.workflowPriority = p; }
    public UUID getRetriedTaskId() { return retriedTaskId; }
    public void setRetriedTaskId(UUID id) { this.retriedTaskId = id; }
    public UUID getSubWorkflowId() { return subWorkflowId; }
    public void setSubWorkflowId(UUID id) { this.subWorkflowId = id; }
    public UUID getParentTaskId() { return parentTaskId; }
    public void setParentTaskId(UUID id) { this.parentTaskId = id; }

    /** The concurrency permit this task holds while it runs, when a shared store holds its type's limits. */
    @JsonIgnore public String getLimitPermit() { return limitPermit; }
    public void setLimitPermit(String permit) { this.limitPermit = permit; }

    /** The queue a worker polls for this task, or null for tasks that run inside the server. */
    @JsonIgnore public String getQueue() { return queue; }
    public void setQueue(String queue) { this.queue = queue; }
    @JsonIgnore public Instant getScheduled() { return scheduled; }
    public void setScheduled(Instant t) { this.scheduled = t; }
    @JsonIgnore public Instant getVisibleAt() { return visibleAt; }
    public void setVisibleAt(Instant t) { this.visibleAt = t; }
    @JsonIgnore public Instant getStarted() { return started; }
    public void setStarted(Instant t) { this.started = t; }
    @JsonIgnore public Instant getFirstStarted() { return firstStarted; }
    public void setFirstStarted(Instant t) { this.firstStarted = t; }
    @JsonIgnore public Instant getEnded() { return ended; }
    public void setEnded(Instant t) { this.ended = t; }
    @JsonIgnore public Instant getUpdated() { return updated; }
    public void setUpdated(Instant t) { this.updated = t; }
    /** When the timer sweeper must next look at this task, or null. */
    @JsonIgnore public Instant getDueAt() { return dueAt; }
    public void setDueAt(Instant t) { this.dueAt = t; }
    /** When a WAIT task ends by itself, or null when it waits for a signal. */
    @JsonIgnore public Instant getWaitUntil() { return waitUntil; }
    public void setWaitUntil(Instant t) { this.waitUntil = t; }
    /** Whether this attempt changed since it was loaded and must be written. */
    @JsonIgnore public boolean isDirty() { return dirty; }
    public void markDirty() { this.dirty = true; }
    public void markClean() { this.dirty = false; }

    // Conductor's wire format carries times as epoch milliseconds.
    public long getScheduledTime() { return millis(scheduled); }
    public long getStartTime() { return millis(started); }
    public long getEndTime() { return millis(ended); }
    public long getUpdateTime() { return millis(updated); }
    public long getFirstStartTime() { return millis(firstStarted); }
    public int getStartDelayInSeconds() {
        return workflowTask == null || workflowTask.startDelay() == null ? 0 : workflowTask.startDelay();
    }
    public long getQueueWaitTime() {
        return started == null || scheduled == null ? 0 : started.toEpochMilli() - scheduled.toEpochMilli();
    }
    public boolean isCallbackFromWorker() { return true; }
    public String getTaskDescription() { return workflowTask == null ? null : workflowTask.description(); }

    /** The definition of this task's type, as copied into the workflow task when it was scheduled. */
    @JsonIgnore
    public TaskDef taskDef() {
        if (workflowTask != null && workflowTask.taskDefinition() != null) {
            return workflowTask.taskDefinition();
        }
        return TaskDef.named(taskDefName);
    }

    /** The reference name in the definition, without the loop iteration suffix. */
    @JsonIgnore
    public String definitionRef() {
        return workflowTask == null ? referenceTaskName : workflowTask.taskReferenceName();
    }

    @JsonIgnore
    public boolean isOptional() {
        return workflowTask != null && workflowTask.optionalOrFalse();
    }

    /** Whether this task's failure lets the workflow run on, to fail at its join or end (Conductor's permissive). */
    @JsonIgnore
    public boolean isPermissive() {
        return workflowTask != null && workflowTask.permissiveOrFalse();
    }

    private static long millis(Instant t) {
        return t == null ? 0 : t.toEpochMilli();
    }
}
