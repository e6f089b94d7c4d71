package dev.baton.ops.bench;

import com.netflix.conductor.client.automator.TaskRunnerConfigurer;
import com.netflix.conductor.client.events.taskrunner.TaskUpdateCompleted;
import com.netflix.conductor.client.http.TaskClient;
import com.netflix.conductor.client.worker.Worker;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import io.orkes.conductor.client.ApiClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Our engine's workers as Conductor's users run them: the official Conductor client's task runner
 * ({@code org.conductoross:conductor-client}), signed in with an application key, one worker per task type with
 * {@code threads} threads, batch polls of up to that many tasks with a long poll, and (when {@code updateV2})
 * {@code POST /api/tasks/update-v2}, which completes a task and hands back the next one in one call.
 */
final class ConductorClients implements Driver.ClientWorkers {

    /** The client reads this switch from a system property when each task runner is made. */
    private static final String UPDATE_V2 = "taskUpdateV2";

    private final String apiUrl;
    private final String keyId;
    private final String keySecret;
    private final Workload workload;
    private final int threads;
    private final int pollTimeoutMillis;
    private final boolean updateV2;
    private final Map<String, Taken> taken = new ConcurrentHashMap<>();
    private TaskRunnerConfigurer runner;

    private record Taken(String type, long queuedAtMillis, long takenAtMillis) {}

    ConductorClients(String apiUrl, String keyId, String keySecret, Workload workload, int threads,
            int pollTimeoutMillis, boolean updateV2) {
        this.apiUrl = apiUrl;
        this.keyId = keyId;
        this.keySecret = keySecret;
        this.workload = workload;
        this.threads = threads;
        this.pollTimeoutMillis = pollTimeoutMillis;
        this.updateV2 = updateV2;
    }

    /** The client library this mode runs, as the benchmark reports it. */
    static String clientVersion() {
        String v = TaskClient.class.getPackage().getImplementationVersion();
        return "conductor-client " + (v != null ? v : "6.0.0");
    }

    @Override
    public void start(Driver driver) {
        System.setProperty(UPDATE_V2, Boolean.toString(updateV2));
        TaskClient tasks = new TaskClient(new ApiClient(apiUrl, keyId, keySecret));
        List<Worker> workers = new ArrayList<>();
        for (String type : workload.taskTypes()) {
            workers.add(new Worker() {
                @Override
                public String getTaskDefName() {
                    return type;
                }

                @Override
                public TaskResult execute(Task task) {
                    long takenAt = System.currentTimeMillis();
                    TaskResult result = new TaskResult(task);
                    result.setStatus(TaskResult.Status.COMPLETED);
                    Object n = task.getInputData().get("n");
                    result.setOutputData(Map.of("n", n == null ? 0L : n));
                    // the runner reports the result after this returns; the workflow ends with that report
                    taken.put(task.getTaskId(), new Taken(type, task.getScheduledTime(), takenAt));
                    return result;
                }

                @Override
                public int getPollingInterval() {
                    return 1;
                }
            });
        }
        Map<String, Integer> perType = new HashMap<>();
        workload.taskTypes().forEach(t -> perType.put(t, threads));
        runner = new TaskRunnerConfigurer.Builder(tasks, workers).withTaskThreadCount(perType)
                .withTaskPollCount(threads).withTaskPollTimeout(pollTimeoutMillis).withWorkerNamePrefix("bench-")
                .withShutdownGracePeriodSeconds(2)
                .withListener(TaskUpdateCompleted.class, e -> {
                    Taken t = taken.remove(e.getTaskId());
                    if (t != null) {
                        driver.updateCall(e.getDuration().toNanos() / 1_000);
                        driver.handled(t.type(), e.getWorkflowInstanceId(), t.queuedAtMillis(), t.takenAtMillis());
                    }
                }).build();
        runner.init();
    }

    @Override
    public void close() {
        if (runner != null) {
            runner.shutdown();
            runner = null;
        }
    }
}
