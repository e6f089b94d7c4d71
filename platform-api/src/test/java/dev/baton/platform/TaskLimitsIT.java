package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Conductor's concurrentExecLimit and rateLimitPerFrequency on task definitions, held at poll time. */
class TaskLimitsIT extends PlatformIT {

    @Test
    void aConcurrencyLimitHandsOutAtMostThatManyAndTheRestWaitInOrder() {
        String worker = unique("limited");
        String name = oneTaskWorkflow(worker, "\"retryCount\":0,\"concurrentExecLimit\":2");
        List<UUID> started = startMany(name, 5);
        List<Task> first = tasks.poll(TENANT, worker, "w1", null, 10, Duration.ZERO);
        assertThat(first).extracting(Task::getWorkflowInstanceId).containsExactly(started.get(0), started.get(1));
        assertThat(tasks.poll(TENANT, worker, "w2", null, 10, Duration.ZERO)).as("no room left").isEmpty();
        complete(first.get(0), Map.of());
        assertThat(tasks.poll(TENANT, worker, "w2", null, 10, Duration.ZERO))
                .extracting(Task::getWorkflowInstanceId).containsExactly(started.get(2));
        assertThat(taskByRef(workflow(started.get(4)), "w").getStatus()).isEqualTo(TaskStatus.SCHEDULED);
    }

    @Test
    void concurrentPollersTogetherNeverTakeMoreThanTheLimit() throws Exception {
        String worker = unique("contended");
        String name = oneTaskWorkflow(worker, "\"retryCount\":0,\"concurrentExecLimit\":3");
        startMany(name, 12);
        int pollers = 8;
        ExecutorService threads = Executors.newFixedThreadPool(pollers);
        try {
            CountDownLatch ready = new CountDownLatch(pollers);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Task>>> polls = new ArrayList<>();
            for (int i = 0; i < pollers; i++) {
                String id = "w" + i;
                polls.add(threads.submit(() -> {
                    ready.countDown();
                    go.await();
                    return tasks.poll(TENANT, worker, id, null, 5, Duration.ZERO);
                }));
            }
            ready.await();
            go.countDown();
            int taken = 0;
            for (Future<List<Task>> poll : polls) {
                taken += poll.get(10, TimeUnit.SECONDS).size();
            }
            assertThat(taken).isEqualTo(3);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aWaitingPollerIsNeitherHandedAHeldBackTaskNorLeftWaitingWhenRoomFrees() throws Exception {
        String worker = unique("held");
        String name = oneTaskWorkflow(worker, "\"retryCount\":0,\"concurrentExecLimit\":1");
        start(name, Map.of());
        Task running = poll(worker);
        CompletableFuture<List<Task>> waiting = pollInBackground(TENANT, worker, "w2", 1, Duration.ofSeconds(20));
        sleep(200);
        UUID second = start(name, Map.of());
        sleep(300);
        assertThat(waiting).as("held back by the limit, not handed over").isNotDone();
        assertThat(taskByRef(workflow(second), "w").getStatus()).isEqualTo(TaskStatus.SCHEDULED);
        long freed = System.nanoTime();
        complete(running, Map.of());
        assertThat(waiting.get(5, TimeUnit.SECONDS)).extracting(Task::getWorkflowInstanceId).containsExactly(second);
        assertThat((System.nanoTime() - freed) / 1_000_000).as("woken by the completion, not its timeout")
                .isLessThan(3_000);
    }

    @Test
    void aRateLimitHandsOutAtMostThatManyPerWindow() {
        String worker = unique("rated");
        String name = oneTaskWorkflow(worker,
                "\"retryCount\":0,\"rateLimitPerFrequency\":2,\"rateLimitFrequencyInSeconds\":2");
        startMany(name, 5);
        List<Task> first = tasks.poll(TENANT, worker, "w1", null, 10, Duration.ZERO);
        assertThat(first).hasSize(2);
        first.forEach(t -> complete(t, Map.of()));
        assertThat(tasks.poll(TENANT, worker, "w1", null, 10, Duration.ZERO)).as("the window is used up").isEmpty();
        sleep(2_200);
        assertThat(tasks.poll(TENANT, worker, "w1", null, 10, Duration.ZERO)).hasSize(2);
    }

    @Test
    void negativeLimitsAreRefusedNamingTheField() {
        for (String field : List.of("concurrentExecLimit", "rateLimitPerFrequency", "rateLimitFrequencyInSeconds")) {
            TaskDef def = JSON.readValue("{\"name\":\"" + unique("bad") + "\",\"" + field + "\":-1}", TaskDef.class);
            assertThatThrownBy(() -> metadata.registerTaskDefs(TENANT, List.of(def)))
                    .isInstanceOfSatisfying(EngineException.class,
                            e -> assertThat(e.field()).isEqualTo("[0]." + field));
        }
    }

    private List<UUID> startMany(String name, int count) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(start(name, Map.of("i", i)));
        }
        return ids;
    }
}
