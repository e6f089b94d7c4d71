package dev.baton.engine.internal.execution;

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
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** A {@link WorkflowRun} as task handlers see it: every change goes through the decider and the scheduler. */
final class RunContext implements WorkflowContext {

    private final WorkflowRun run;
    private final WorkflowDecider decider;
    private final TaskScheduler scheduler;
    private final WorkflowLauncher launcher;
    private final JsonCodec json;
    private final EngineLimits limits;

    RunContext(WorkflowRun run, WorkflowDecider decider, TaskScheduler scheduler, WorkflowLauncher launcher,
            JsonCodec json, EngineLimits limits) {
        this.run = run;
        this.decider = decider;
        this.scheduler = scheduler;
        this.launcher = launcher;
        this.json = json;
        this.limits = limits;
    }

    @Override
    public TenantId tenant() {
        return run.tenant;
    }

    @Override
    public Workflow workflow() {
        return run.workflow;
    }

    @Override
    public Instant now() {
        return run.now;
    }

    @Override
    public EngineLimits limits() {
        return limits;
    }

    @Override
    public Task add(WorkflowTask task, String type, Map<String, Object> input, int iteration) {
        return scheduler.add(run, task, type, input, iteration);
    }

    @Override
    public void schedule(WorkflowTask task, int iteration) {
        scheduler.schedule(run, task, iteration);
    }

    @Override
    public void scheduleAs(WorkflowTask task, String typeOrName, Map<String, Object> input, int iteration) {
        scheduler.scheduleAs(run, task, typeOrName, input, iteration);
    }

    @Override
    public void complete(Task task, Map<String, Object> output) {
        TaskScheduler.complete(run, task, output);
    }

    @Override
    public void fail(Task task, TaskStatus status, String reason) {
        TaskScheduler.fail(run, task, status, reason);
    }

    @Override
    public void changed(Task task) {
        run.changed(task);
    }

    @Override
    public void workflowChanged() {
        run.workflowChanged();
    }

    @Override
    public <T> T convert(Object value, Class<T> type) {
        return json.convert(value, type);
    }

    @Override
    public Optional<WorkflowTask> definitionTask(String ref) {
        return run.index.task(ref);
    }

    @Override
    public Optional<WorkflowTask> previous(String ref) {
        return Optional.ofNullable(run.index.previous(ref));
    }

    @Override
    public Optional<WorkflowTask> loopOf(String ref) {
        return Optional.ofNullable(run.index.loopOf(ref));
    }

    @Override
    public void completeWorkflow(Map<String, Object> output) {
        decider.completeWorkflow(run, output);
    }

    @Override
    public void failWorkflow(Task cause, String reason) {
        decider.failWorkflow(run, cause, WorkflowStatus.FAILED, reason);
    }

    @Override
    public void terminateWorkflow(String reason, Map<String, Object> output) {
        decider.endWorkflow(run, WorkflowStatus.TERMINATED, reason, output);
    }

    @Override
    public Object resolve(Object template) {
        return decider.resolver().resolve(java.util.Map.of("value", template), run.workflow, null).get("value");
    }

    @Override
    public WorkflowDef definition(String name, Integer version) {
        return launcher.definition(name, version);
    }

    @Override
    public void startChild(Task parentTask, WorkflowDef def, Map<String, Object> input) {
        parentTask.setStarted(run.now);
        parentTask.setFirstStarted(run.now);
        Workflow child = launcher.startChild(run, parentTask, def, input);
        parentTask.setSubWorkflowId(child.getWorkflowId());
        parentTask.getOutputData().put("subWorkflowId", child.getWorkflowId().toString());
        parentTask.setStatus(TaskStatus.IN_PROGRESS);
        if (child.getStatus().isTerminal()) {
            decider.childEnded(run, parentTask, child);
        }
        run.changed(parentTask);
    }

    @Override
    public UUID startWorkflow(StartWorkflowRequest request) {
        return launcher.startFromTask(run, request);
    }

    @Override
    public void terminateChild(UUID childId, String reason) {
        launcher.terminateChild(run.tenant, childId, reason);
    }
}
