package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Retries, every timeout and timeout policy, optional tasks and failure workflows. */
class FailureHandlingIT extends PlatformIT {

    private static final Duration SHORT = Duration.ofSeconds(15);

    private String workflowOfTask(String worker, String taskExtra) {
        String name = unique("wf");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"%s","taskReferenceName":"w"%s}]}""".formatted(name, worker, taskExtra));
        return name;
    }

    @Test
    void aFailedTaskIsRetriedAsANewAttemptUntilItsRetriesAreUsedUp() {
        String worker = unique("flaky");
        registerTask(worker, "\"retryCount\":2,\"retryLogic\":\"FIXED\",\"retryDelaySeconds\":0");
        UUID id = start(workflowOfTask(worker, ""), Map.of());
        Task first = poll(worker);
        fail(first, "boom 1");
        Task second = poll(worker);
        assertThat(second.getTaskId()).isNotEqualTo(first.getTaskId());
        assertThat(second.getRetryCount()).isEqualTo(1);
        assertThat(second.getRetriedTaskId()).isEqualTo(first.getTaskId());
        fail(second, "boom 2");
        fail(poll(worker), "boom 3");
        Workflow w = awaitStatus(id, WorkflowStatus.FAILED, SHORT);
        assertThat(w.getTasks()).extracting(Task::getStatus)
                .containsExactly(TaskStatus.FAILED, TaskStatus.FAILED, TaskStatus.FAILED);
        assertThat(w.getReasonForIncompletion()).isEqualTo("task 'w' FAILED: boom 3");
        assertThat(w.getFailedReferenceTaskNames()).containsExactly("w");
    }

    @Test
    void retryDelaysFollowFixedExponentialAndLinearBackoff() {
        for (String[] c : new String[][] {{"FIXED", "1", "2"}, {"EXPONENTIAL_BACKOFF", "1", "2"}, {"LINEAR_BACKOFF", "1", "3"}}) {
            String worker = unique("backoff");
            registerTask(worker, "\"retryCount\":3,\"retryLogic\":\"%s\",\"retryDelaySeconds\":%s,\"backoffScaleFactor\":%s"
                    .formatted(c[0], c[1], c[2]));
            UUID id = start(workflowOfTask(worker, ""), Map.of());
            fail(poll(worker), "first");
            Task retry1 = workflow(id).getTasks().get(1);
            fail(poll(worker), "second");
            Task retry2 = workflow(id).getTasks().get(2);
            long delay1 = (retry1.getVisibleAt().toEpochMilli() - retry1.getScheduledTime()) / 1000;
            long delay2 = (retry2.getVisibleAt().toEpochMilli() - retry2.getScheduledTime()) / 1000;
            switch (c[0]) {
                case "FIXED" -> assertThat(List.of(delay1, delay2)).as(c[0]).containsExactly(1L, 1L);
                case "EXPONENTIAL_BACKOFF" -> assertThat(List.of(delay1, delay2)).as(c[0]).containsExactly(1L, 2L);
                default -> assertThat(List.of(delay1, delay2)).as(c[0]).containsExactly(3L, 6L);
            }
            workflows.terminate(TENANT, id, "done measuring");
        }
    }

    @Test
    void aTerminalErrorIsNotRetried() {
        String worker = unique("terminal");
        registerTask(worker, "\"retryCount\":5,\"retryDelaySeconds\":0");
        UUID id = start(workflowOfTask(worker, ""), Map.of());
        report(poll(worker), dev.baton.engine.api.execution.TaskResult.Status.FAILED_WITH_TERMINAL_ERROR, Map.of(), "fatal");
        Workflow w = awaitStatus(id, WorkflowStatus.FAILED, SHORT);
        assertThat(w.getTasks()).hasSize(1);
    }

    @Test
    void anOptionalTaskThatFailsLetsTheWorkflowGoOn() {
        String worker = unique("optional");
        registerTask(worker, "\"retryCount\":0");
        UUID id = start(workflowOfTask(worker, ",\"optional\":true"), Map.of());
        fail(poll(worker), "not needed");
        Workflow w = awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        assertThat(taskByRef(w, "w").getStatus()).isEqualTo(TaskStatus.COMPLETED_WITH_ERRORS);
    }

    @Test
    void responseTimeoutTimesOutASilentWorkerAndRequeuesTheTaskAsARetry() {
        String worker = unique("silent");
        registerTask(worker, "\"retryCount\":1,\"retryDelaySeconds\":0,\"responseTimeoutSeconds\":1");
        UUID id = start(workflowOfTask(worker, ""), Map.of());
        Task first = poll(worker);
        Task second = tasks.poll(TENANT, worker, "worker-2", null, 1, Duration.ofSeconds(5)).get(0);
        assertThat(second.getRetriedTaskId()).isEqualTo(first.getTaskId());
        assertThat(taskByRef(workflow(id), "w").getStatus()).isEqualTo(TaskStatus.IN_PROGRESS);
        Task timedOut = workflow(id).getTasks().get(0);
        assertThat(timedOut.getStatus()).isEqualTo(TaskStatus.TIMED_OUT);
        assertThat(timedOut.getReasonForIncompletion()).contains("responseTimeoutSeconds");
        complete(second, Map.of("ok", 1));
        awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
    }

    @Test
    void taskTimeoutWithRetryPolicyRetriesAndWithTimeOutWorkflowPolicyTimesTheWorkflowOut() {
        String retrying = unique("timeout_retry");
        registerTask(retrying, "\"retryCount\":1,\"retryDelaySeconds\":0,\"timeoutSeconds\":1,\"responseTimeoutSeconds\":1,\"timeoutPolicy\":\"RETRY\"");
        UUID a = start(workflowOfTask(retrying, ""), Map.of());
        poll(retrying);
        Task again = poll(retrying);
        assertThat(again.getRetryCount()).isEqualTo(1);
        complete(again, Map.of());
        awaitStatus(a, WorkflowStatus.COMPLETED, SHORT);

        String strict = unique("timeout_wf");
        registerTask(strict, "\"retryCount\":3,\"timeoutSeconds\":1,\"responseTimeoutSeconds\":1,\"timeoutPolicy\":\"TIME_OUT_WF\"");
        UUID b = start(workflowOfTask(strict, ""), Map.of());
        poll(strict);
        Workflow w = awaitStatus(b, WorkflowStatus.TIMED_OUT, SHORT);
        assertThat(w.getTasks()).hasSize(1);
        assertThat(w.getTasks().get(0).getStatus()).isEqualTo(TaskStatus.TIMED_OUT);
    }

    @Test
    void taskTimeoutWithAlertOnlyPolicyLeavesTheTaskRunning() {
        String worker = unique("timeout_alert");
        registerTask(worker, "\"retryCount\":0,\"timeoutSeconds\":1,\"responseTimeoutSeconds\":1,\"timeoutPolicy\":\"ALERT_ONLY\"");
        UUID id = start(workflowOfTask(worker, ""), Map.of());
        Task t = poll(worker);
        // keep the worker's lease alive past the task timeout: only the response timeout could end it otherwise
        for (int i = 0; i < 4; i++) {
            sleep(400);
            report(t, dev.baton.engine.api.execution.TaskResult.Status.IN_PROGRESS, Map.of("step", i), null);
        }
        assertThat(taskByRef(workflow(id), "w").getStatus()).isEqualTo(TaskStatus.IN_PROGRESS);
        complete(t, Map.of("late", true));
        awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
    }

    @Test
    void pollTimeoutTimesOutATaskNoWorkerPicksUp() {
        String worker = unique("unpolled");
        registerTask(worker, "\"retryCount\":0,\"pollTimeoutSeconds\":1");
        UUID id = start(workflowOfTask(worker, ""), Map.of());
        Workflow w = awaitStatus(id, WorkflowStatus.TIMED_OUT, SHORT);
        assertThat(w.getTasks().get(0).getReasonForIncompletion()).contains("pollTimeoutSeconds");
    }

    @Test
    void workflowTimeoutTimesOutTheWholeWorkflowAndCancelsItsTasks() {
        String worker = unique("slow");
        registerTask(worker, "\"retryCount\":0");
        String name = unique("wf_timeout");
        registerWorkflow("""
                {"name":"%s","timeoutSeconds":1,"tasks":[{"name":"%s","taskReferenceName":"w"}]}""".formatted(name, worker));
        UUID id = start(name, Map.of());
        Workflow w = awaitStatus(id, WorkflowStatus.TIMED_OUT, SHORT);
        assertThat(w.getTasks().get(0).getStatus()).isEqualTo(TaskStatus.CANCELED);
        assertThat(w.getReasonForIncompletion()).isEqualTo("workflow timed out after 1 seconds");
    }

    @Test
    void aFailedWorkflowStartsItsFailureWorkflowWithTheDetails() {
        String handler = unique("on_failure");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"h","taskReferenceName":"h","type":"HUMAN"}]}""".formatted(handler));
        String worker = unique("doomed");
        registerTask(worker, "\"retryCount\":0");
        String name = unique("failing");
        registerWorkflow("""
                {"name":"%s","failureWorkflow":"%s","tasks":[{"name":"%s","taskReferenceName":"w"}]}""".formatted(name, handler, worker));
        UUID id = start(name, Map.of("order", 7));
        fail(poll(worker), "card declined");
        awaitStatus(id, WorkflowStatus.FAILED, SHORT);
        List<String> running = workflows.running(TENANT, handler, null).stream().map(UUID::toString).toList();
        assertThat(running).hasSize(1);
        Workflow failure = workflow(UUID.fromString(running.get(0)));
        assertThat(failure.getInput()).containsEntry("workflowId", id.toString())
                .containsEntry("reason", "task 'w' FAILED: card declined")
                .containsEntry("failureStatus", "FAILED")
                .containsEntry("input", Map.of("order", 7));
    }
}
