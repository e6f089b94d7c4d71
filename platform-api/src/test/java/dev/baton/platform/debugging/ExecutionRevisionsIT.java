package dev.baton.platform.debugging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskResult;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.platform.PlatformIT;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Debugging and upgrading executions: a fork runs a copy of an ended execution again from one of its tasks with
 * edited input while the original stays as it was; an upgrade moves a running execution to a newer version with each
 * task mapped to its place, checked by a dry run, and is refused when a task it ran has no place or the upgraded
 * execution could not complete.
 */
class ExecutionRevisionsIT extends PlatformIT {

    private static final Duration SHORT = Duration.ofSeconds(5);

    @Test
    void aForkRunsAgainFromATaskWithEditedInputAndKeepsTheOriginal() throws Exception {
        String a = unique("fork_a");
        String b = unique("fork_b");
        registerTask(a, "");
        registerTask(b, "");
        String flow = unique("fork_flow");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[
                  {"name":"%s","taskReferenceName":"a","inputParameters":{"x":"${workflow.input.x}"}},
                  {"name":"%s","taskReferenceName":"b","inputParameters":{"v":"${a.output.v}"}}]}"""
                .formatted(flow, a, b));
        UUID original = start(flow, Map.of("x", 1));
        complete(poll(a), Map.of("v", "from-a"));
        report(poll(b), TaskResult.Status.FAILED_WITH_TERMINAL_ERROR, Map.of(), "bad input");
        Workflow failed = awaitStatus(original, WorkflowStatus.FAILED, SHORT);
        Task failedB = taskByRef(failed, "b");

        String admin = adminToken();
        HttpResponse<String> forked = call("POST", "/api/workflow/" + original + "/fork", admin,
                JSON.writeValueAsString(Map.of("reRunFromTaskId", failedB.getTaskId().toString(),
                        "taskInput", Map.of("v", "fixed"))));
        assertThat(forked.statusCode()).as(forked.body()).isEqualTo(201);
        JsonNode body = JSON.readTree(forked.body());
        assertThat(body.get("forkedFrom").asString()).isEqualTo(original.toString());
        UUID fork = UUID.fromString(body.get("workflowId").asString());
        assertThat(fork).isNotEqualTo(original);

        Workflow copy = workflow(fork);
        assertThat(copy.getStatus()).isEqualTo(WorkflowStatus.RUNNING);
        assertThat(copy.getInput()).isEqualTo(Map.of("x", 1));
        assertThat(copy.getTasks()).extracting(Task::getReferenceTaskName).containsExactly("a", "b");
        Task copiedA = taskByRef(copy, "a");
        assertThat(copiedA.getStatus()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(copiedA.getOutputData()).isEqualTo(Map.of("v", "from-a"));
        assertThat(copiedA.getTaskId()).isNotEqualTo(taskByRef(failed, "a").getTaskId());
        Task rerunB = poll(b);
        assertThat(rerunB.getWorkflowInstanceId()).isEqualTo(fork);
        assertThat(rerunB.getInputData()).isEqualTo(Map.of("v", "fixed"));
        complete(rerunB, Map.of("done", true));
        assertThat(awaitStatus(fork, WorkflowStatus.COMPLETED, SHORT).getOutput()).isEqualTo(Map.of("done", true));

        Workflow still = workflow(original);
        assertThat(still.getStatus()).isEqualTo(WorkflowStatus.FAILED);
        assertThat(still.getTasks()).extracting(Task::getTaskId)
                .containsExactlyElementsOf(failed.getTasks().stream().map(Task::getTaskId).toList());
        assertThat(taskByRef(still, "b").getStatus()).isEqualTo(TaskStatus.FAILED_WITH_TERMINAL_ERROR);
        assertThat(taskByRef(still, "b").getInputData()).isEqualTo(Map.of("v", "from-a"));
        assertThat(audited("/api/workflow/" + original + "/fork")).isEqualTo("POST /api/workflow/{workflowId}/fork "
                + "SUCCEEDED 201");
    }

    @Test
    void aForkIsRefusedForARunningExecutionOrAForeignTask() throws Exception {
        String worker = unique("fork_running");
        String flow = oneTaskWorkflow(worker, "");
        UUID running = start(flow, Map.of());
        Task open = poll(worker);
        String admin = adminToken();
        HttpResponse<String> refused = call("POST", "/api/workflow/" + running + "/fork", admin,
                JSON.writeValueAsString(Map.of("reRunFromTaskId", open.getTaskId().toString())));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        complete(open, Map.of());
        awaitStatus(running, WorkflowStatus.COMPLETED, SHORT);
        assertProblem(call("POST", "/api/workflow/" + running + "/fork", admin, JSON.writeValueAsString(Map.of(
                "reRunFromTaskId", UUID.randomUUID().toString()))), 400, "reRunFromTaskId");
        assertProblem(call("POST", "/api/workflow/" + running + "/fork", admin, "{}"), 400, "reRunFromTaskId");
    }

    @Test
    void anUpgradeMapsEveryTaskChecksByDryRunAndRunsOnInTheNewVersion() throws Exception {
        String a = unique("up_a");
        String b = unique("up_b");
        String c = unique("up_c");
        registerTask(a, "");
        registerTask(b, "");
        registerTask(c, "");
        String flow = unique("up_flow");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[{"name":"%s","taskReferenceName":"a"},
                  {"name":"%s","taskReferenceName":"b"}]}""".formatted(flow, a, b));
        registerWorkflow("""
                {"name":"%s","version":2,"tasks":[{"name":"%s","taskReferenceName":"first"},
                  {"name":"%s","taskReferenceName":"b"},
                  {"name":"%s","taskReferenceName":"c","inputParameters":{"fromB":"${b.output.n}"}}]}"""
                .formatted(flow, a, b, c));
        UUID id = workflows.start(TENANT, StartWorkflowRequest.of(flow, 1, Map.of()));
        complete(poll(a), Map.of("n", 1));
        String admin = adminToken();

        JsonNode plan = upgrade(admin, id, Map.of("version", 2, "taskMapping", Map.of("a", "first"), "dryRun", true,
                "taskOutputs", Map.of("b", Map.of("output", Map.of("n", 7)))), 200);
        assertThat(plan.get("safe").asBoolean()).isTrue();
        assertThat(plan.get("applied").asBoolean()).isFalse();
        assertThat(plan.get("tasks").toString()).isEqualTo("[{\"referenceTaskName\":\"a\",\"newReferenceTaskName\":"
                + "\"first\",\"status\":\"COMPLETED\"},{\"referenceTaskName\":\"b\",\"newReferenceTaskName\":\"b\","
                + "\"status\":\"SCHEDULED\"}]");
        assertThat(plan.get("check").get("status").asString()).isEqualTo("COMPLETED");
        JsonNode checkedC = plan.get("check").get("tasks").get(2);
        assertThat(checkedC.get("referenceTaskName").asString()).isEqualTo("c");
        assertThat(checkedC.get("inputData").toString()).isEqualTo("{\"fromB\":7}");
        assertThat(workflow(id).getWorkflowVersion()).as("a dry run changes nothing").isEqualTo(1);

        JsonNode applied = upgrade(admin, id, Map.of("version", 2, "taskMapping", Map.of("a", "first")), 200);
        assertThat(applied.get("applied").asBoolean()).isTrue();
        Workflow moved = workflow(id);
        assertThat(moved.getWorkflowVersion()).isEqualTo(2);
        assertThat(moved.getTasks()).extracting(Task::getReferenceTaskName).containsExactly("first", "b");
        complete(poll(b), Map.of("n", 3));
        Task last = poll(c);
        assertThat(last.getReferenceTaskName()).isEqualTo("c");
        assertThat(last.getInputData()).isEqualTo(Map.of("fromB", 3));
        complete(last, Map.of("end", true));
        Workflow done = awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        assertThat(done.getTasks()).extracting(Task::getReferenceTaskName).containsExactly("first", "b", "c");
        assertThat(audited("/api/workflow/" + id + "/upgrade")).isEqualTo("POST /api/workflow/{workflowId}/upgrade "
                + "SUCCEEDED 200");
    }

    /** The latest audit entry of a call on {@code resource}, once its answer is recorded: action, outcome, status. */
    private static String audited(String resource) {
        long deadline = System.nanoTime() + SHORT.toNanos();
        String entry = null;
        while (System.nanoTime() < deadline) {
            entry = ownerQuery("SELECT action || ' ' || outcome || ' ' || status FROM audit_log WHERE resource = ? "
                    + "AND status IS NOT NULL ORDER BY seq DESC LIMIT 1", resource);
            if (entry != null) {
                return entry;
            }
            sleep(50);
        }
        return entry;
    }

    @Test
    void anUpgradeIsRefusedWhenACompletedTaskHasNoPlaceOrTheCheckFails() throws Exception {
        String a = unique("refuse_a");
        String b = unique("refuse_b");
        String other = unique("refuse_other");
        registerTask(a, "");
        registerTask(b, "");
        registerTask(other, "");
        String flow = unique("refuse_flow");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[{"name":"%s","taskReferenceName":"a"},
                  {"name":"%s","taskReferenceName":"b"}]}""".formatted(flow, a, b));
        registerWorkflow("""
                {"name":"%s","version":2,"tasks":[{"name":"%s","taskReferenceName":"renamed"},
                  {"name":"%s","taskReferenceName":"b"}]}""".formatted(flow, a, b));
        registerWorkflow("""
                {"name":"%s","version":3,"tasks":[{"name":"%s","taskReferenceName":"a"},
                  {"name":"%s","taskReferenceName":"b"}]}""".formatted(flow, other, b));
        registerWorkflow("""
                {"name":"%s","version":4,"tasks":[{"name":"%s","taskReferenceName":"a"},
                  {"name":"%s","taskReferenceName":"b"},
                  {"name":"bad","taskReferenceName":"bad","type":"SET_VARIABLE",
                   "inputParameters":{"v":"${workflow.input.text.avg()}"}}]}""".formatted(flow, a, b));
        UUID id = workflows.start(TENANT, StartWorkflowRequest.of(flow, 1, Map.of("text", "words")));
        complete(poll(a), Map.of());
        String admin = adminToken();

        JsonNode noPlace = upgrade(admin, id, Map.of("version", 2), 409);
        assertThat(noPlace.get("field").asString()).isEqualTo("taskMapping.a");
        assertThat(noPlace.get("violations").get(0).get("reason").asString()).isEqualTo(
                "task 'a' (COMPLETED) has no place in version 2: it has no task 'a'");
        JsonNode otherWorker = upgrade(admin, id, Map.of("version", 3), 409);
        assertThat(otherWorker.get("violations").get(0).get("reason").asString()).isEqualTo(
                "task 'a' (COMPLETED) is a SIMPLE task named '" + a + "'; 'a' in version 3 is a SIMPLE task named '"
                        + other + "'");
        JsonNode checkFails = upgrade(admin, id, Map.of("version", 4), 409);
        assertThat(checkFails.get("field").asString()).isEqualTo("check");
        assertThat(checkFails.get("violations").get(0).get("reason").asString())
                .startsWith("the upgraded execution would end FAILED at task 'bad': cannot evaluate");
        assertProblem(call("POST", "/api/workflow/" + id + "/upgrade", admin, "{\"version\":1}"), 400, "version");
        assertProblem(call("POST", "/api/workflow/" + id + "/upgrade", admin, "{\"version\":9}"), 400, "version");
        assertProblem(call("POST", "/api/workflow/" + id + "/upgrade", admin,
                "{\"version\":2,\"taskMapping\":{\"nope\":\"a\"}}"), 409, "taskMapping.nope");
        java.util.Map<String, String> huge = new java.util.HashMap<>();
        for (int i = 0; i <= 1000; i++) {
            huge.put("t" + i, "a");
        }
        assertProblem(call("POST", "/api/workflow/" + id + "/upgrade", admin, JSON.writeValueAsString(Map.of(
                "version", 2, "taskMapping", huge))), 400, "taskMapping");

        Workflow unchanged = workflow(id);
        assertThat(unchanged.getWorkflowVersion()).isEqualTo(1);
        assertThat(unchanged.getTasks()).extracting(Task::getReferenceTaskName).containsExactly("a", "b");
        JsonNode mapped = upgrade(admin, id, Map.of("version", 2, "taskMapping", Map.of("a", "renamed")), 200);
        assertThat(mapped.get("applied").asBoolean()).isTrue();
        complete(poll(b), Map.of());
        awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        assertProblem(call("POST", "/api/workflow/" + id + "/upgrade", admin, "{\"version\":3}"), 409, null);
    }

    private JsonNode upgrade(String token, UUID id, Map<String, Object> request, int status) throws Exception {
        HttpResponse<String> response = call("POST", "/api/workflow/" + id + "/upgrade", token,
                JSON.writeValueAsString(request));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }
}
