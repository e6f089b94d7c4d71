package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.execution.RerunWorkflowRequest;
import dev.baton.engine.api.execution.SkipTaskRequest;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pause and resume, terminate, restart, retry, rerun, skip and remove. */
class OperationsIT extends PlatformIT {

    private static final Duration SHORT = Duration.ofSeconds(10);
    private String a;
    private String b;
    private String name;

    @BeforeEach
    void twoStepWorkflow() {
        a = unique("step_a");
        b = unique("step_b");
        registerTask(a, "\"retryCount\":0");
        registerTask(b, "\"retryCount\":0");
        name = unique("two_steps");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"%s","taskReferenceName":"a","inputParameters":{"x":"${workflow.input.x}"}},
                                      {"name":"%s","taskReferenceName":"b","inputParameters":{"y":"${a.output.y}"}}],
                 "outputParameters":{"z":"${b.output.z}"}}""".formatted(name, a, b));
    }

    /** Runs the two-step workflow to completion and returns its id. */
    private UUID completedRun() {
        UUID id = start(name, Map.of("x", 1));
        complete(poll(a), Map.of("y", 2));
        complete(poll(b), Map.of("z", 3));
        awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        return id;
    }

    @Test
    void aPausedWorkflowSchedulesNothingNewUntilResumed() {
        UUID id = start(name, Map.of("x", 1));
        workflows.pause(TENANT, id);
        complete(poll(a), Map.of("y", 2));
        Workflow paused = workflow(id);
        assertThat(paused.getStatus()).isEqualTo(WorkflowStatus.PAUSED);
        assertThat(paused.getTasks()).hasSize(1);
        assertThatThrownBy(() -> workflows.pause(TENANT, id)).isInstanceOf(EngineException.class)
                .hasMessageContaining("it is PAUSED, not RUNNING");
        workflows.resume(TENANT, id);
        complete(poll(b), Map.of("z", 3));
        assertThat(awaitStatus(id, WorkflowStatus.COMPLETED, SHORT).getOutput()).isEqualTo(Map.of("z", 3));
    }

    @Test
    void terminateCancelsOpenTasksAndRecordsTheReason() {
        UUID id = start(name, Map.of("x", 1));
        Task t = poll(a);
        workflows.terminate(TENANT, id, "operator said so");
        Workflow w = workflow(id);
        assertThat(w.getStatus()).isEqualTo(WorkflowStatus.TERMINATED);
        assertThat(w.getReasonForIncompletion()).isEqualTo("operator said so");
        assertThat(w.getTasks().get(0).getStatus()).isEqualTo(TaskStatus.CANCELED);
        assertThatThrownBy(() -> complete(t, Map.of())).isInstanceOf(EngineException.class)
                .hasMessageContaining("is already CANCELED");
    }

    @Test
    void restartRunsAnEndedWorkflowAgainFromTheStart() {
        UUID id = completedRun();
        workflows.restart(TENANT, id, false);
        Workflow again = workflow(id);
        assertThat(again.getStatus()).isEqualTo(WorkflowStatus.RUNNING);
        assertThat(again.getTasks()).extracting(Task::getReferenceTaskName).containsExactly("a");
        complete(poll(a), Map.of("y", 20));
        complete(poll(b), Map.of("z", 30));
        assertThat(awaitStatus(id, WorkflowStatus.COMPLETED, SHORT).getOutput()).isEqualTo(Map.of("z", 30));
    }

    @Test
    void restartWithTheLatestDefinitionRunsAndKeepsTheNewVersion() {
        UUID id = completedRun();
        registerWorkflow("""
                {"name":"%s","version":2,"tasks":[{"name":"%s","taskReferenceName":"only_b",
                 "inputParameters":{"y":"${workflow.input.x}"}}],"outputParameters":{"z":"${only_b.output.z}"}}"""
                .formatted(name, b));
        workflows.restart(TENANT, id, true);
        assertThat(workflow(id).getTasks()).extracting(Task::getReferenceTaskName).containsExactly("only_b");
        complete(poll(b), Map.of("z", 7));
        Workflow done = awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        assertThat(done.getOutput()).isEqualTo(Map.of("z", 7));
        assertThat(done.getWorkflowDefinition().version()).as("the snapshot written on restart is kept").isEqualTo(2);
        assertThat(done.getWorkflowVersion()).isEqualTo(2);
    }

    @Test
    void retryResumesAFailedWorkflowFromTheFailedTask() {
        UUID id = start(name, Map.of("x", 1));
        complete(poll(a), Map.of("y", 2));
        fail(poll(b), "down");
        awaitStatus(id, WorkflowStatus.FAILED, SHORT);
        workflows.retry(TENANT, id, false);
        assertThat(workflow(id).getStatus()).isEqualTo(WorkflowStatus.RUNNING);
        Task retried = poll(b);
        assertThat(retried.getInputData()).isEqualTo(Map.of("y", 2));
        complete(retried, Map.of("z", 3));
        Workflow w = awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        assertThat(w.getTasks()).extracting(Task::getStatus)
                .containsExactly(TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.COMPLETED);
        assertThatThrownBy(() -> workflows.retry(TENANT, id, false)).isInstanceOf(EngineException.class)
                .hasMessageContaining("completed; only failed");
    }

    @Test
    void rerunFromATaskDropsLaterTasksAndRunsAgainWithNewInput() {
        UUID id = start(name, Map.of("x", 1));
        Task first = poll(a);
        complete(first, Map.of("y", 2));
        complete(poll(b), Map.of("z", 3));
        awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        workflows.rerun(TENANT, id, new RerunWorkflowRequest(null, null, first.getTaskId().toString(), Map.of("x", 9), null));
        Task rerun = poll(a);
        assertThat(rerun.getTaskId()).isEqualTo(first.getTaskId());
        assertThat(rerun.getInputData()).isEqualTo(Map.of("x", 9));
        complete(rerun, Map.of("y", 90));
        assertThat(poll(b).getInputData()).isEqualTo(Map.of("y", 90));
    }

    @Test
    void skipMarksAWaitingTaskSkippedOrPassesOverATaskNotYetScheduled() {
        UUID id = start(name, Map.of("x", 1));
        workflows.skipTask(TENANT, id, "b", new SkipTaskRequest(null, Map.of("z", "skipped")));
        workflows.skipTask(TENANT, id, "a", new SkipTaskRequest(null, Map.of("y", 0)));
        Workflow w = awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        assertThat(w.getTasks()).extracting(Task::getStatus).containsExactly(TaskStatus.SKIPPED, TaskStatus.SKIPPED);
        assertThat(w.getOutput()).isEqualTo(Map.of("z", "skipped"));
        assertThat(tasks.poll(TENANT, a, "w", null, 1, Duration.ZERO)).isEmpty();
    }

    @Test
    void removeDeletesTheExecution() {
        UUID id = start(name, Map.of("x", 1));
        workflows.remove(TENANT, id);
        assertThatThrownBy(() -> workflow(id)).isInstanceOf(EngineException.class).hasMessageContaining("not found");
        assertThat(tasks.queueSizes(TENANT, List.of(a))).isEqualTo(Map.of(a, 0L));
    }
}
