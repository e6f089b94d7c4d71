package dev.baton.engine.internal.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.CompositionPolicy;
import dev.baton.engine.api.EngineLimits;
import dev.baton.engine.api.TaskContracts;
import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.engine.internal.expression.ParameterResolver;
import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.engine.internal.tasks.ForkJoinHandler;
import dev.baton.engine.internal.tasks.JoinHandler;
import dev.baton.engine.internal.tasks.NoopHandler;
import dev.baton.engine.internal.tasks.SetVariableHandler;
import dev.baton.engine.internal.tasks.TaskHandlers;
import dev.baton.engine.spi.AsyncTaskHandler;
import dev.baton.engine.spi.TaskCall;
import dev.baton.engine.spi.TaskOutcome;
import dev.baton.engine.spi.WorkflowContext;
import dev.baton.tenancy.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The decider on workflows in memory: what it schedules, retries, times out and ends, with no database. */
class WorkflowDeciderTest {

    private static final JsonCodec JSON = new JsonCodec();
    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    /** An asynchronous type that records cancellations; its attempts never run here. */
    private static final class Remote implements AsyncTaskHandler<Map> {
        final List<String> cancelled = new ArrayList<>();

        @Override
        public String type() {
            return "REMOTE";
        }

        @Override
        public Class<Map> inputType() {
            return Map.class;
        }

        @Override
        public Duration maxDuration() {
            return Duration.ofSeconds(20);
        }

        @Override
        public TaskOutcome execute(Map input, TaskCall call) {
            throw new AssertionError("attempts run in the system-task worker, not in decisions");
        }

        @Override
        public void cancel(WorkflowContext run, Task task) {
            cancelled.add(task.getReferenceTaskName());
        }
    }

    private static final String ONE_REMOTE_TASK = """
            {"name":"x","tasks":[{"name":"r","taskReferenceName":"r","type":"REMOTE"}]}""";

    private final Remote remote = new Remote();
    private final TaskHandlers handlers = new TaskHandlers(List.of(new NoopHandler(), new SetVariableHandler(),
            new ForkJoinHandler(), new JoinHandler(), remote));
    private final Map<String, TaskDef> taskDefs = new HashMap<>();
    private final WorkflowDecider decider = new WorkflowDecider(new ParameterResolver(), JSON, handlers,
            new NoLauncher(), new EngineLimits(1000, 1000, 1000, 1000, 10, 4096), CompositionPolicy.OPEN,
            TaskContracts.NONE, new RunningAttempts());

    private Workflow workflow(String defJson, Map<String, Object> input) {
        Workflow w = new Workflow();
        w.setWorkflowId(UUID.randomUUID());
        w.setTenantId(TenantId.DEFAULT.value());
        w.setWorkflowDefinition(JSON.read(defJson, WorkflowDef.class));
        w.setStatus(WorkflowStatus.RUNNING);
        w.setInput(new LinkedHashMap<>(input));
        w.setTasks(new ArrayList<>());
        w.setTaskToDomain(new LinkedHashMap<>());
        w.setCreated(T0);
        return w;
    }

    private WorkflowRun run(Workflow w, Instant now) {
        return new WorkflowRun(TenantId.DEFAULT, w, now, name -> Optional.ofNullable(taskDefs.get(name)), handlers);
    }

    private void registerTask(String json) {
        TaskDef def = JSON.read(json, TaskDef.class);
        taskDefs.put(def.name(), def);
    }

    private static Task only(Workflow w, String ref, TaskStatus status) {
        List<Task> found = w.getTasks().stream()
                .filter(t -> t.getReferenceTaskName().equals(ref) && t.getStatus() == status).toList();
        assertThat(found).as("%s tasks %s in %s", status, ref, w.getTasks().stream()
                .map(t -> t.getReferenceTaskName() + ":" + t.getStatus()).toList()).hasSize(1);
        return found.get(0);
    }

    @Test
    void eachCompletedWorkerTaskSchedulesTheNextWithItsOutputWiredInAndTheLastEndsTheWorkflow() {
        registerTask("{\"name\":\"a\"}");
        registerTask("{\"name\":\"b\"}");
        Workflow w = workflow("""
                {"name":"seq","tasks":[{"name":"a","taskReferenceName":"a"},
                  {"name":"b","taskReferenceName":"b",
                   "inputParameters":{"x":"${a.output.x}","in":"${workflow.input.n}"}}],
                 "outputParameters":{"result":"${b.output.y}"}}""", Map.of("n", 3));
        WorkflowRun first = run(w, T0);
        decider.start(first);
        Task a = only(w, "a", TaskStatus.SCHEDULED);
        assertThat(a.getQueue()).isEqualTo("a");
        TaskScheduler.complete(first, a, Map.of("x", "from a"));
        decider.decide(first);
        Task b = only(w, "b", TaskStatus.SCHEDULED);
        assertThat(b.getInputData()).isEqualTo(Map.of("x", "from a", "in", 3));
        WorkflowRun second = run(w, T0.plusSeconds(1));
        TaskScheduler.complete(second, b, Map.of("y", 42));
        decider.decide(second);
        assertThat(w.getStatus()).isEqualTo(WorkflowStatus.COMPLETED);
        assertThat(w.getOutput()).isEqualTo(Map.of("result", 42));
        assertThat(w.getEnded()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void aFailedTaskIsRetriedAfterItsDelayAsItsDefinitionSaysAndThenFailsTheWorkflow() {
        registerTask("{\"name\":\"a\",\"retryCount\":1,\"retryDelaySeconds\":10}");
        Workflow w = workflow("{\"name\":\"r\",\"tasks\":[{\"name\":\"a\",\"taskReferenceName\":\"a\"}]}", Map.of());
        WorkflowRun run = run(w, T0);
        decider.start(run);
        TaskScheduler.fail(run, only(w, "a", TaskStatus.SCHEDULED), TaskStatus.FAILED, "boom");
        decider.decide(run);
        Task again = only(w, "a", TaskStatus.SCHEDULED);
        assertThat(again.getRetryCount()).isEqualTo(1);
        assertThat(again.getVisibleAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(only(w, "a", TaskStatus.FAILED).isRetried()).isTrue();
        TaskScheduler.fail(run, again, TaskStatus.FAILED, "boom again");
        decider.decide(run);
        assertThat(w.getStatus()).isEqualTo(WorkflowStatus.FAILED);
        assertThat(w.getReasonForIncompletion()).isEqualTo("task 'a' FAILED: boom again");
        assertThat(w.getFailedReferenceTaskNames()).containsExactly("a");
    }

    @Test
    void anOptionalTaskThatFailsIsCompletedWithErrorsAndTheFlowGoesOn() {
        registerTask("{\"name\":\"a\"}");
        Workflow w = workflow("""
                {"name":"o","tasks":[{"name":"a","taskReferenceName":"a","optional":true},
                  {"name":"n","taskReferenceName":"n","type":"NOOP"}]}""", Map.of());
        WorkflowRun run = run(w, T0);
        decider.start(run);
        TaskScheduler.fail(run, only(w, "a", TaskStatus.SCHEDULED), TaskStatus.FAILED_WITH_TERMINAL_ERROR, "no");
        decider.decide(run);
        assertThat(only(w, "a", TaskStatus.COMPLETED_WITH_ERRORS)).isNotNull();
        assertThat(w.getStatus()).isEqualTo(WorkflowStatus.COMPLETED);
    }

    @Test
    void aForkOfServerTasksRunsToItsJoinAndEndsTheWorkflowInOneDecision() {
        Workflow w = workflow("""
                {"name":"f","tasks":[
                  {"name":"f","taskReferenceName":"f","type":"FORK_JOIN","forkTasks":[
                    [{"name":"v","taskReferenceName":"v","type":"SET_VARIABLE","inputParameters":{"k":1}}],
                    [{"name":"n","taskReferenceName":"n","type":"NOOP"}]]},
                  {"name":"j","taskReferenceName":"j","type":"JOIN"}]}""", Map.of());
        decider.start(run(w, T0));
        assertThat(w.getStatus()).isEqualTo(WorkflowStatus.COMPLETED);
        assertThat(w.getTasks()).extracting(Task::getReferenceTaskName).containsExactly("f", "v", "n", "j");
        assertThat(only(w, "j", TaskStatus.COMPLETED).getOutputData()).isEqualTo(Map.of("v", Map.of(), "n", Map.of()));
        assertThat(w.getVariables()).isEqualTo(Map.of("k", 1));
    }

    @Test
    void aWorkerThatStopsReportingIsTimedOutAfterItsResponseTimeoutAndTheTaskRetried() {
        registerTask("{\"name\":\"a\",\"retryCount\":1,\"retryDelaySeconds\":0,\"responseTimeoutSeconds\":5}");
        Workflow w = workflow("{\"name\":\"t\",\"tasks\":[{\"name\":\"a\",\"taskReferenceName\":\"a\"}]}", Map.of());
        decider.start(run(w, T0));
        Task a = only(w, "a", TaskStatus.SCHEDULED);
        a.setStatus(TaskStatus.IN_PROGRESS);
        a.setUpdated(T0);
        WorkflowRun early = run(w, T0.plusSeconds(4));
        decider.checkTimers(early);
        assertThat(a.getStatus()).isEqualTo(TaskStatus.IN_PROGRESS);
        WorkflowRun late = run(w, T0.plusSeconds(5));
        decider.checkTimers(late);
        decider.decide(late);
        assertThat(a.getStatus()).isEqualTo(TaskStatus.TIMED_OUT);
        assertThat(a.getReasonForIncompletion())
                .isEqualTo("no update from the worker within responseTimeoutSeconds (5)");
        assertThat(only(w, "a", TaskStatus.SCHEDULED).getRetryCount()).isEqualTo(1);
    }

    @Test
    void anAsynchronousServerTaskIsQueuedForTheServerWithADeadlineBeyondItsLongestAttempt() {
        Workflow w = workflow(ONE_REMOTE_TASK, Map.of());
        decider.start(run(w, T0));
        Task r = only(w, "r", TaskStatus.SCHEDULED);
        assertThat(r.getQueue()).isEqualTo("#REMOTE");
        assertThat(r.getResponseTimeoutSeconds()).isEqualTo(50);
        assertThat(w.getStatus()).isEqualTo(WorkflowStatus.RUNNING);
    }

    @Test
    void endingAWorkflowCancelsItsOpenTasksAndLetsTheirHandlersUndoWhatTheyStarted() {
        Workflow w = workflow(ONE_REMOTE_TASK, Map.of());
        WorkflowRun run = run(w, T0);
        decider.start(run);
        decider.endWorkflow(run, WorkflowStatus.TERMINATED, "stop", Map.of());
        Task r = only(w, "r", TaskStatus.CANCELED);
        assertThat(r.getReasonForIncompletion()).isEqualTo("workflow TERMINATED");
        assertThat(remote.cancelled).containsExactly("r");
    }

    /** The decider's tests start no other workflows. */
    private static final class NoLauncher implements WorkflowLauncher {
        @Override
        public Workflow startChild(WorkflowRun parent, Task parentTask, WorkflowDef def, Map<String, Object> input) {
            throw new AssertionError("unexpected");
        }

        @Override
        public UUID startFromTask(WorkflowRun run, StartWorkflowRequest request) {
            throw new AssertionError("unexpected");
        }

        @Override
        public void terminateChild(TenantId tenant, UUID childId, String reason) {
            throw new AssertionError("unexpected");
        }

        @Override
        public WorkflowDef definition(String name, Integer version) {
            throw new AssertionError("unexpected");
        }
    }
}
