package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.EngineLimits;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.engine.spi.WorkflowContext;
import dev.baton.tenancy.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** A workflow in memory for handler tests: it records what a handler asks of the engine. */
final class FakeRun implements WorkflowContext {

    static final JsonCodec JSON = new JsonCodec();
    static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    record Scheduled(String ref, String as, int iteration) {}

    final Workflow workflow = new Workflow();
    final List<Scheduled> scheduled = new ArrayList<>();
    final Map<String, WorkflowTask> definitionTasks = new HashMap<>();
    final Map<String, WorkflowTask> previous = new HashMap<>();
    final Map<String, WorkflowTask> loops = new HashMap<>();
    final Map<String, WorkflowDef> definitions = new HashMap<>();
    final List<StartWorkflowRequest> started = new ArrayList<>();
    final List<String> terminatedChildren = new ArrayList<>();
    EngineLimits limits = new EngineLimits(1000, 1000, 1000, 1000, 10, 4096);
    String ended;
    Map<String, Object> endOutput;

    FakeRun() {
        workflow.setWorkflowId(UUID.randomUUID());
        workflow.setStatus(WorkflowStatus.RUNNING);
        workflow.setTasks(new ArrayList<>());
        workflow.setVariables(new LinkedHashMap<>());
    }

    static WorkflowTask task(String json) {
        return JSON.read(json, WorkflowTask.class);
    }

    static Map<String, Object> map(String json) {
        return JSON.readMap(json);
    }

    /** A task of the workflow in {@code status}, as if it ran before. */
    Task existing(String ref, TaskStatus status, Map<String, Object> output) {
        Task t = add(task("{\"name\":\"" + ref + "\",\"taskReferenceName\":\"" + ref + "\"}"), "SIMPLE",
                new LinkedHashMap<>(), 0);
        t.setStatus(status);
        t.setOutputData(new LinkedHashMap<>(output));
        return t;
    }

    @Override
    public TenantId tenant() {
        return TenantId.DEFAULT;
    }

    @Override
    public Workflow workflow() {
        return workflow;
    }

    @Override
    public Instant now() {
        return NOW;
    }

    @Override
    public EngineLimits limits() {
        return limits;
    }

    @Override
    public Task add(WorkflowTask wt, String type, Map<String, Object> input, int iteration) {
        Task t = new Task();
        t.setTaskId(UUID.randomUUID());
        t.setTaskType(type);
        t.setTaskDefName(wt.name());
        t.setReferenceTaskName(wt.taskReferenceName());
        t.setWorkflowTask(wt);
        t.setIteration(iteration);
        t.setInputData(input);
        t.setOutputData(new LinkedHashMap<>());
        t.setStatus(TaskStatus.SCHEDULED);
        workflow.getTasks().add(t);
        return t;
    }

    @Override
    public void schedule(WorkflowTask wt, int iteration) {
        scheduled.add(new Scheduled(wt.taskReferenceName(), null, iteration));
    }

    @Override
    public void scheduleAs(WorkflowTask wt, String typeOrName, Map<String, Object> input, int iteration) {
        scheduled.add(new Scheduled(wt.taskReferenceName(), typeOrName, iteration));
    }

    @Override
    public void complete(Task task, Map<String, Object> output) {
        task.setStatus(TaskStatus.COMPLETED);
        task.getOutputData().putAll(output);
    }

    @Override
    public void fail(Task task, TaskStatus status, String reason) {
        task.setStatus(status);
        task.setReasonForIncompletion(reason);
    }

    @Override
    public void changed(Task task) {
    }

    @Override
    public void workflowChanged() {
    }

    /** No expressions here: a handler under test sees its template as given. */
    @Override
    public Object resolve(Object template) {
        return template;
    }

    @Override
    public <T> T convert(Object value, Class<T> type) {
        return JSON.convert(value, type);
    }

    @Override
    public Optional<WorkflowTask> definitionTask(String ref) {
        return Optional.ofNullable(definitionTasks.get(ref));
    }

    @Override
    public Optional<WorkflowTask> previous(String ref) {
        return Optional.ofNullable(previous.get(ref));
    }

    @Override
    public Optional<WorkflowTask> loopOf(String ref) {
        return Optional.ofNullable(loops.get(ref));
    }

    @Override
    public void completeWorkflow(Map<String, Object> output) {
        ended = "COMPLETED";
        endOutput = output;
        workflow.setStatus(WorkflowStatus.COMPLETED);
    }

    @Override
    public void failWorkflow(Task cause, String reason) {
        ended = "FAILED: " + reason;
        workflow.setStatus(WorkflowStatus.FAILED);
    }

    @Override
    public void terminateWorkflow(String reason, Map<String, Object> output) {
        ended = "TERMINATED: " + reason;
        endOutput = output;
        workflow.setStatus(WorkflowStatus.TERMINATED);
    }

    @Override
    public WorkflowDef definition(String name, Integer version) {
        WorkflowDef def = definitions.get(name);
        if (def == null) {
            throw EngineException.notFound("no workflow definition named '" + name + "'");
        }
        return def;
    }

    @Override
    public void startChild(Task parentTask, WorkflowDef def, Map<String, Object> input) {
        parentTask.setSubWorkflowId(UUID.randomUUID());
        parentTask.setStatus(TaskStatus.IN_PROGRESS);
    }

    @Override
    public UUID startWorkflow(StartWorkflowRequest request) {
        started.add(request);
        return UUID.nameUUIDFromBytes(request.name().getBytes());
    }

    @Override
    public void terminateChild(UUID childId, String reason) {
        terminatedChildren.add(childId + ": " + reason);
    }
}
