package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskResult;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.WorkflowStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Long poll, stale updates, callbacks and idempotent start. */
class WorkerProtocolIT extends PlatformIT {

    @Test
    void aLongPollWakesAsSoonAsATaskIsQueued() throws Exception {
        String worker = unique("longpoll");
        String name = oneTaskWorkflow(worker, "\"retryCount\":0");
        CompletableFuture<List<Task>> waiting = pollInBackground(TENANT, worker, "w1", 1, Duration.ofSeconds(20));
        sleep(300);
        assertThat(waiting).isNotDone();
        long started = System.nanoTime();
        UUID id = start(name, Map.of());
        List<Task> got = waiting.get();
        long wokeAfterMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(got).hasSize(1);
        assertThat(got.get(0).getWorkflowInstanceId()).isEqualTo(id);
        assertThat(wokeAfterMillis).as("woken by the queued task, not by the 20 s timeout").isLessThan(5_000);
    }

    @Test
    void aChangedTaskDefinitionReachesTheNextTaskScheduled() {
        String first = unique("cached_first");
        String second = unique("cached_second");
        registerTask(first, "\"retryCount\":0,\"responseTimeoutSeconds\":600");
        registerTask(second, "\"retryCount\":0,\"responseTimeoutSeconds\":3600");
        String name = unique("cached");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"%s","taskReferenceName":"a"},{"name":"%s","taskReferenceName":"b"}]}"""
                .formatted(name, first, second));
        // the first task is scheduled by the start, the second inside the first one's update: both read the task
        // definitions this node kept, trusted while the tenant's definition counter stays the same
        start(name, Map.of());
        Task a = poll(first);
        assertThat(a.getResponseTimeoutSeconds()).isEqualTo(600);
        complete(a, Map.of());
        assertThat(poll(second).getResponseTimeoutSeconds()).isEqualTo(3600);

        registerTask(first, "\"retryCount\":0,\"responseTimeoutSeconds\":300");
        registerTask(second, "\"retryCount\":0,\"responseTimeoutSeconds\":120");
        start(name, Map.of());
        a = poll(first);
        assertThat(a.getResponseTimeoutSeconds()).isEqualTo(300);
        complete(a, Map.of());
        assertThat(poll(second).getResponseTimeoutSeconds()).isEqualTo(120);

        metadata.deleteTaskDef(TENANT, second);
        UUID third = start(name, Map.of());
        complete(poll(first), Map.of());
        assertThat(awaitStatus(third, WorkflowStatus.FAILED, Duration.ofSeconds(5)).getReasonForIncompletion())
                .contains(second);
    }

    @Test
    void aWorkerWaitingOnAnEmptyQueueIsHandedTheTaskByTheStartThatQueuesIt() throws Exception {
        String worker = unique("handed");
        String name = oneTaskWorkflow(worker, "\"retryCount\":0,\"responseTimeoutSeconds\":1");
        CompletableFuture<List<Task>> waiting = pollInBackground(TENANT, worker, "w1", 2, Duration.ofSeconds(20));
        sleep(200); // it has looked, found the queue empty and waits
        UUID id = start(name, Map.of());
        // the start's own transaction wrote the task taken by the waiting worker: no poll of its own took it
        Task stored = taskByRef(workflow(id), "w");
        assertThat(stored.getStatus()).isEqualTo(TaskStatus.IN_PROGRESS);
        assertThat(stored.getWorkerId()).isEqualTo("w1");
        assertThat(stored.getPollCount()).isEqualTo(1);
        List<Task> got = waiting.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(got).singleElement().satisfies(t -> {
            assertThat(t.getTaskId()).isEqualTo(stored.getTaskId());
            assertThat(t.getWorkerId()).isEqualTo("w1");
        });
        // a handed task keeps its deadlines: never reported, it times out as a polled one does
        assertThat(awaitStatus(id, WorkflowStatus.TIMED_OUT,
                Duration.ofSeconds(10)).getTasks().get(0).getStatus())
                .isEqualTo(TaskStatus.TIMED_OUT);
    }

    @Test
    void aLongPollWithNothingQueuedReturnsEmptyAtItsTimeout() {
        long started = System.nanoTime();
        List<Task> none = tasks.poll(TENANT, unique("empty"), "w1", null, 5, Duration.ofMillis(300));
        assertThat(none).isEmpty();
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(300);
    }

    @Test
    void aStaleUpdateFromAWorkerThatLostTheTaskIsRefused() {
        String worker = unique("stale");
        String name = oneTaskWorkflow(worker, "\"retryCount\":1,\"retryDelaySeconds\":0,\"responseTimeoutSeconds\":1");
        UUID id = start(name, Map.of());
        Task lost = poll(worker);
        Task current = tasks.poll(TENANT, worker, "worker-2", null, 1, Duration.ofSeconds(10)).get(0);
        assertThatThrownBy(() -> complete(lost, Map.of("from", "stale")))
                .isInstanceOf(EngineException.class).hasMessageContaining("is already TIMED_OUT");
        assertThatThrownBy(() -> tasks.update(TENANT, new TaskResult(id.toString(), current.getTaskId().toString(),
                null, null, "worker-1", TaskResult.Status.COMPLETED, Map.of(), null, null, null)))
                .isInstanceOf(EngineException.class).hasMessageContaining("is held by worker 'worker-2'");
        complete(current, Map.of("from", "current"));
        assertThat(awaitStatus(id, WorkflowStatus.COMPLETED, Duration.ofSeconds(5)).getOutput())
                .isEqualTo(Map.of("from", "current"));
        assertThatThrownBy(() -> complete(current, Map.of("again", true)))
                .isInstanceOf(EngineException.class).hasMessageContaining("is already COMPLETED");
    }

    @Test
    void inProgressWithCallbackPutsTheTaskBackInTheQueueAfterTheDelay() {
        String worker = unique("callback");
        String name = oneTaskWorkflow(worker, "\"retryCount\":0");
        UUID id = start(name, Map.of());
        Task t = poll(worker);
        tasks.update(TENANT, new TaskResult(id.toString(), t.getTaskId().toString(), null, 1L, t.getWorkerId(),
                TaskResult.Status.IN_PROGRESS, Map.of("progress", 50), null, null, null));
        assertThat(tasks.poll(TENANT, worker, "w", null, 1, Duration.ZERO)).isEmpty();
        Task again = poll(worker);
        assertThat(again.getTaskId()).isEqualTo(t.getTaskId());
        assertThat(again.getPollCount()).isEqualTo(2);
        assertThat(again.getOutputData()).isEqualTo(Map.of("progress", 50));
    }

    @Test
    void aSecondStartWithTheSameIdempotencyKeyReturnsTheFirstExecution() {
        String name = unique("idem");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"h","taskReferenceName":"h","type":"HUMAN"}]}""".formatted(name));
        StartWorkflowRequest request = new StartWorkflowRequest(name, null, null, Map.of("a", 1), null, null, null, null,
                "order-42", null);
        UUID first = workflows.start(TENANT, request);
        UUID second = workflows.start(TENANT, request);
        assertThat(second).isEqualTo(first);
        assertThat(workflows.running(TENANT, name, null)).containsExactly(first);
        StartWorkflowRequest strict = new StartWorkflowRequest(name, null, null, Map.of(), null, null, null, null,
                "order-42", "FAIL");
        assertThatThrownBy(() -> workflows.start(TENANT, strict)).isInstanceOf(EngineException.class)
                .hasMessageContaining("already exists: " + first);
    }

    @Test
    void updateV2CompletesATaskAndHandsTheSameWorkerTheNextTaskOfItsTypeInOneCall() {
        String worker = unique("v2");
        String name = oneTaskWorkflow(worker, "\"retryCount\":0");
        UUID first = start(name, Map.of());
        UUID second = start(name, Map.of());
        Task t1 = poll(worker);
        assertThat(t1.getWorkflowInstanceId()).isEqualTo(first);

        java.util.Optional<Task> next = tasks.updateAndPoll(TENANT, new TaskResult(first.toString(),
                t1.getTaskId().toString(), null, null, "worker-1", TaskResult.Status.COMPLETED, Map.of("n", 1), null,
                null, null), t -> { });
        assertThat(next).isPresent();
        assertThat(next.get().getWorkflowInstanceId()).isEqualTo(second);
        assertThat(next.get().getStatus()).isEqualTo(TaskStatus.IN_PROGRESS);
        assertThat(next.get().getWorkerId()).isEqualTo("worker-1");
        assertThat(awaitStatus(first, WorkflowStatus.COMPLETED, Duration.ofSeconds(5)).getOutput())
                .as("a workflow without output parameters outputs its last task's output").isEqualTo(Map.of("n", 1));

        java.util.Optional<Task> none = tasks.updateAndPoll(TENANT, new TaskResult(second.toString(),
                next.get().getTaskId().toString(), null, null, "worker-1", TaskResult.Status.COMPLETED, Map.of(),
                null, null, null), t -> { });
        assertThat(none).as("nothing else queued").isEmpty();
        assertThat(awaitStatus(second, WorkflowStatus.COMPLETED, Duration.ofSeconds(5)).getStatus())
                .isEqualTo(WorkflowStatus.COMPLETED);
    }

    @Test
    void aReportRefusedByTheCallersPermissionChangesNothing() {
        String worker = unique("refused");
        String name = oneTaskWorkflow(worker, "\"retryCount\":0");
        UUID id = start(name, Map.of());
        Task t = poll(worker);
        assertThatThrownBy(() -> tasks.update(TENANT, new TaskResult(id.toString(), t.getTaskId().toString(), null,
                null, "worker-1", TaskResult.Status.COMPLETED, Map.of(), null, null, null), task -> {
                    throw new IllegalStateException("may not work on " + task.getTaskDefName());
                })).hasMessage("may not work on " + worker);
        assertThat(tasks.get(TENANT, t.getTaskId()).getStatus())
                .isEqualTo(TaskStatus.IN_PROGRESS);
    }

    @Test
    void aWorkerThatTookTheLastTaskAndAsksAgainWaitsForTheNextOneQueued() throws Exception {
        String worker = unique("again");
        String name = oneTaskWorkflow(worker, "\"retryCount\":0");
        start(name, Map.of());
        assertThat(tasks.poll(TENANT, worker, "w1", null, 5, Duration.ZERO)).hasSize(1); // fewer than asked: empty now
        CompletableFuture<List<Task>> again = CompletableFuture.supplyAsync(
                () -> tasks.poll(TENANT, worker, "w1", null, 5, Duration.ofSeconds(20)));
        sleep(200);
        assertThat(again).isNotDone();
        UUID next = start(name, Map.of());
        List<Task> got = again.get();
        assertThat(got).extracting(Task::getWorkflowInstanceId).containsExactly(next);
    }
}
