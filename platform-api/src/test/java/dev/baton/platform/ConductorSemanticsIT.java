package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Conductor's semantics, each written from its documentation and source, against the running engine. */
class ConductorSemanticsIT extends PlatformIT {

    private static final Duration SHORT = Duration.ofSeconds(10);

    private String noopFlow(String output) {
        String name = unique("child");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[{"name":"n","taskReferenceName":"n","type":"SET_VARIABLE",
                  "inputParameters":{"x":1}}],"outputParameters":{"from":"%s"}}""".formatted(name, output));
        return name;
    }

    @Test
    void aSubWorkflowsNameAndVersionAreResolvedAtRunTime() {
        String child = noopFlow("child");
        String parent = unique("parent");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"sub","taskReferenceName":"sub","type":"SUB_WORKFLOW",
                  "subWorkflowParam":{"name":"${workflow.input.child}","version":"${workflow.input.v}"}}],
                 "outputParameters":{"from":"${sub.output.from}"}}""".formatted(parent));
        Workflow done = awaitStatus(start(parent, Map.of("child", child, "v", 1)), WorkflowStatus.COMPLETED, SHORT);
        assertThat(done.getOutput()).containsEntry("from", "child");
    }

    @Test
    void aStartWorkflowsNameIsResolvedAtRunTime() {
        String child = noopFlow("started");
        String parent = unique("starter");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"s","taskReferenceName":"s","type":"START_WORKFLOW",
                  "inputParameters":{"startWorkflow":{"name":"${workflow.input.which}","version":1}}}]}"""
                .formatted(parent));
        Workflow done = awaitStatus(start(parent, Map.of("which", child)), WorkflowStatus.COMPLETED, SHORT);
        UUID childId = UUID.fromString((String) taskByRef(done, "s").getOutputData().get("workflowId"));
        assertThat(awaitStatus(childId, WorkflowStatus.COMPLETED, SHORT).getWorkflowName()).isEqualTo(child);
    }

    @Test
    void theFailureWorkflowNameIsResolvedIncludingConductorsLegacyForm() {
        for (String form : List.of("${workflow.input.onFailure}", "$workflow.input.onFailure")) {
            String handler = noopFlow("handled");
            String worker = unique("fails");
            registerTask(worker, "\"retryCount\":0");
            String flow = unique("with_failure_flow");
            registerWorkflow("""
                    {"name":"%s","failureWorkflow":"%s","tasks":[{"name":"%s","taskReferenceName":"w"}]}"""
                    .formatted(flow, form, worker));
            UUID id = start(flow, Map.of("onFailure", handler));
            fail(poll(worker), "boom");
            awaitStatus(id, WorkflowStatus.FAILED, SHORT);
            long deadline = System.nanoTime() + SHORT.toNanos();
            long started = 0;
            while (started == 0 && System.nanoTime() < deadline) {
                started = workflows.search(TENANT, new dev.baton.engine.api.ExecutionQuery(List.of(handler), null,
                        null, null, null, null, null, null, false, 0, 10)).totalHits();
                sleep(50);
            }
            assertThat(started).as(form).isEqualTo(1);
        }
    }

    @Test
    void aFailureWorkflowThatCannotStartNeverUndoesTheUpdateThatFailedTheWorkflow() throws Exception {
        String worker = unique("fails_too");
        registerTask(worker, "\"retryCount\":0");
        String flow = unique("missing_failure_flow");
        registerWorkflow("""
                {"name":"%s","failureWorkflow":"%s","tasks":[{"name":"%s","taskReferenceName":"w"}]}"""
                .formatted(flow, unique("never_defined"), worker));
        UUID id = start(flow, Map.of());
        Task task = poll(worker);
        HttpResponse<String> r = call("POST", "/api/tasks", adminToken(), JSON.writeValueAsString(Map.of(
                "workflowInstanceId", id.toString(), "taskId", task.getTaskId().toString(), "status", "FAILED",
                "reasonForIncompletion", "boom", "workerId", task.getWorkerId())));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Workflow failed = awaitStatus(id, WorkflowStatus.FAILED, SHORT);
        assertThat(taskByRef(failed, "w").getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(failed.getReasonForIncompletion()).contains("boom").contains("could not start");
    }

    @Test
    void cpewfTaskIdIsTheTasksOwnId() {
        String worker = unique("own_id");
        registerTask(worker, "\"retryCount\":0");
        String flow = unique("cpewf");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"%s","taskReferenceName":"w",
                  "inputParameters":{"me":"${CPEWF_TASK_ID}","wf":"${workflow.workflowId}"}}]}"""
                .formatted(flow, worker));
        UUID id = start(flow, Map.of());
        Task task = poll(worker);
        assertThat(task.getInputData()).containsEntry("me", task.getTaskId().toString())
                .containsEntry("wf", id.toString());
    }

    @Test
    void anInlineTaskDefinitionGovernsItsTasksRetries() {
        String worker = unique("inline_def");
        String flow = unique("inline_def_flow");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"%s","taskReferenceName":"w",
                  "taskDefinition":{"name":"%s","retryCount":1,"retryLogic":"FIXED","retryDelaySeconds":0,
                    "responseTimeoutSeconds":60}}]}""".formatted(flow, worker, worker));
        UUID id = start(flow, Map.of());
        fail(poll(worker), "first");
        complete(poll(worker), Map.of());
        Workflow done = awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        assertThat(done.getTasks()).extracting(Task::getStatus).containsExactly(TaskStatus.FAILED,
                TaskStatus.COMPLETED);
    }

    @Test
    void aLoopWhoseBodyHoldsAForkAJoinAndASubWorkflowRunsEveryIteration() {
        String child = noopFlow("looped");
        String flow = unique("loop_fork_sub");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"loop","taskReferenceName":"loop","type":"DO_WHILE",
                  "loopCondition":"$.loop['iteration'] < 2","loopOver":[
                    {"name":"fork","taskReferenceName":"fork","type":"FORK_JOIN","forkTasks":[
                      [{"name":"a","taskReferenceName":"a","type":"SET_VARIABLE","inputParameters":{"a":1}}],
                      [{"name":"sub","taskReferenceName":"sub","type":"SUB_WORKFLOW",
                        "subWorkflowParam":{"name":"%s","version":1}}]]},
                    {"name":"join","taskReferenceName":"join","type":"JOIN","joinOn":["a","sub"]}]}]}"""
                .formatted(flow, child));
        Workflow done = awaitStatus(start(flow, Map.of()), WorkflowStatus.COMPLETED, SHORT);
        assertThat(done.getTasks().stream().filter(t -> t.getReferenceTaskName().startsWith("sub")).count())
                .isEqualTo(2);
        assertThat(done.getTasks()).allSatisfy(t -> assertThat(t.getStatus()).isEqualTo(TaskStatus.COMPLETED));
    }

    @Test
    void aSubWorkflowTaskIsRetriedByItsTaskDefinition() {
        String worker = unique("flaky");
        registerTask(worker, "\"retryCount\":0");
        String child = unique("flaky_child");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[{"name":"%s","taskReferenceName":"w"}]}"""
                .formatted(child, worker));
        String subTask = unique("retried_sub");
        registerTask(subTask, "\"retryCount\":1,\"retryLogic\":\"FIXED\",\"retryDelaySeconds\":0");
        String parent = unique("retrying_parent");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"%s","taskReferenceName":"sub","type":"SUB_WORKFLOW",
                  "subWorkflowParam":{"name":"%s","version":1}}]}""".formatted(parent, subTask, child));
        UUID id = start(parent, Map.of());
        fail(poll(worker), "first child fails");
        complete(poll(worker), Map.of());
        Workflow done = awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        assertThat(done.getTasks()).extracting(Task::getStatus).containsExactly(TaskStatus.FAILED,
                TaskStatus.COMPLETED);
    }

    @Test
    void aChildTerminatedByAUserTerminatesItsParentWithTheTaskCanceled() {
        String child = unique("held_child");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[{"name":"h","taskReferenceName":"h","type":"WAIT"}]}"""
                .formatted(child));
        String parent = unique("held_parent");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"sub","taskReferenceName":"sub","type":"SUB_WORKFLOW",
                  "subWorkflowParam":{"name":"%s","version":1}}]}""".formatted(parent, child));
        UUID id = start(parent, Map.of());
        long deadline = System.nanoTime() + SHORT.toNanos();
        while (taskByRef(workflow(id), "sub").getSubWorkflowId() == null && System.nanoTime() < deadline) {
            sleep(20);
        }
        workflows.terminate(TENANT, taskByRef(workflow(id), "sub").getSubWorkflowId(), "stopped by hand");
        Workflow p = awaitStatus(id, WorkflowStatus.TERMINATED, SHORT);
        assertThat(taskByRef(p, "sub").getStatus()).isEqualTo(TaskStatus.CANCELED);
    }

    @Test
    void terminateSetsTheWorkflowsOutputFromWorkflowOutput() {
        String flow = unique("terminated_with_output");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"t","taskReferenceName":"t","type":"TERMINATE",
                  "inputParameters":{"terminationStatus":"COMPLETED","terminationReason":"done early",
                    "workflowOutput":{"answer":"${workflow.input.x}"}}}],
                 "outputParameters":{"answer":"not this"}}""".formatted(flow));
        Workflow done = awaitStatus(start(flow, Map.of("x", 42)), WorkflowStatus.COMPLETED, SHORT);
        assertThat(done.getOutput()).isEqualTo(Map.of("answer", 42));
    }

    @Test
    void aJoinOverAFailedOptionalBranchCompletesWithErrors() {
        String worker = unique("optional_fails");
        registerTask(worker, "\"retryCount\":0");
        String flow = unique("join_with_errors");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"fork","taskReferenceName":"fork","type":"FORK_JOIN","forkTasks":[
                   [{"name":"%s","taskReferenceName":"opt","optional":true}],
                   [{"name":"ok","taskReferenceName":"ok","type":"SET_VARIABLE","inputParameters":{"x":1}}]]},
                  {"name":"join","taskReferenceName":"join","type":"JOIN","joinOn":["opt","ok"]}]}"""
                .formatted(flow, worker));
        UUID id = start(flow, Map.of());
        fail(poll(worker), "optional failure");
        Workflow done = awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        assertThat(taskByRef(done, "opt").getStatus()).isEqualTo(TaskStatus.COMPLETED_WITH_ERRORS);
        assertThat(taskByRef(done, "join").getStatus()).isEqualTo(TaskStatus.COMPLETED_WITH_ERRORS);
    }

    @Test
    void environmentVariablesAreKeptThroughTheApiAndReadByWorkflowsAsEnv() throws Exception {
        String admin = adminToken();
        String name = "REGION_" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        assertThat(call("PUT", "/api/environment/" + name, admin, "\"eu-west\"").statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/environment/" + name, admin, null).body()).isEqualTo("eu-west");
        assertThat(call("GET", "/api/environment", admin, null).body()).contains("{\"name\":\"" + name
                + "\",\"value\":\"eu-west\"}");
        String flow = unique("reads_env");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"v","taskReferenceName":"v","type":"SET_VARIABLE",
                  "inputParameters":{"region":"${env.%s}"}}],"outputParameters":{"region":"${env.%s}"}}"""
                .formatted(flow, name, name));
        Workflow done = awaitStatus(start(flow, Map.of()), WorkflowStatus.COMPLETED, SHORT);
        assertThat(done.getOutput()).containsEntry("region", "eu-west");
        assertThat(call("DELETE", "/api/environment/" + name, admin, null).body()).isEqualTo("eu-west");
        assertThat(call("GET", "/api/environment/" + name, admin, null).statusCode()).isEqualTo(404);
        HttpResponse<String> bad = call("PUT", "/api/environment/not-a-name!", admin, "x");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("field").asString()).isEqualTo("name");
    }

    @Test
    void removingKeepsAnEndedWorkflowArchivedAndReadableUnlessArchiveWorkflowIsFalse() throws Exception {
        String admin = adminToken();
        String flow = unique("archived");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[{"name":"h","taskReferenceName":"h","type":"HUMAN"}]}"""
                .formatted(flow));
        UUID kept = start(flow, Map.of("n", 1));
        UUID dropped = start(flow, Map.of("n", 2));

        HttpResponse<String> running = call("DELETE", "/api/workflow/" + kept + "/remove", admin, null);
        assertThat(running.statusCode()).as("archiving is the default, and a running workflow cannot be archived")
                .isEqualTo(409);
        assertThat(workflow(kept).getStatus()).as("nothing was removed").isEqualTo(WorkflowStatus.RUNNING);

        assertThat(call("DELETE", "/api/workflow/" + kept + "/terminate-remove?reason=done", admin, null)
                .statusCode()).isEqualTo(200);
        assertThat(ownerQuery("SELECT count(*)::text FROM workflows WHERE id = ?", kept)).isEqualTo("0");
        HttpResponse<String> archived = call("GET", "/api/workflow/" + kept, admin, null);
        assertThat(archived.statusCode()).isEqualTo(200);
        var body = JSON.readTree(archived.body());
        assertThat(body.get("status").asString()).isEqualTo("TERMINATED");
        assertThat(body.get("reasonForIncompletion").asString()).isEqualTo("done");
        assertThat(body.get("input").get("n").asInt()).isEqualTo(1);
        assertThat(body.get("tasks").get(0).get("status").asString()).isEqualTo("CANCELED");
        assertThat(JSON.readTree(call("GET", "/api/workflow/" + kept + "?includeTasks=false", admin, null).body())
                .get("tasks").size()).isZero();
        assertThat(workflows.running(TENANT, flow, null)).containsExactly(dropped);

        assertThat(call("DELETE", "/api/workflow/" + kept + "/remove?archiveWorkflow=false", admin, null)
                .statusCode()).as("removing an archived one without archiving removes it for good").isEqualTo(200);
        assertThat(call("GET", "/api/workflow/" + kept, admin, null).statusCode()).isEqualTo(404);

        assertThat(call("DELETE", "/api/workflow/" + dropped + "/remove?archiveWorkflow=false", admin, null)
                .statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/workflow/" + dropped, admin, null).statusCode()).isEqualTo(404);
    }

    @Test
    void aFailedPermissiveTaskLetsTheFlowRunOnAndFailsTheWorkflowAtItsEnd() {
        String first = unique("permissive_first");
        String second = unique("permissive_second");
        registerTask(first, "\"retryCount\":0");
        registerTask(second, "\"retryCount\":0");
        String flow = unique("permissive_flow");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[{"name":"%s","taskReferenceName":"a","permissive":true},
                  {"name":"%s","taskReferenceName":"b"}]}""".formatted(flow, first, second));
        UUID id = start(flow, Map.of());
        fail(poll(first), "bad input");
        Workflow running = workflow(id);
        assertThat(running.getStatus()).as("the flow runs on").isEqualTo(WorkflowStatus.RUNNING);
        assertThat(taskByRef(running, "a").getStatus()).isEqualTo(TaskStatus.FAILED);
        complete(poll(second), Map.of());
        Workflow ended = awaitStatus(id, WorkflowStatus.FAILED, Duration.ofSeconds(5));
        assertThat(ended.getReasonForIncompletion()).contains("permissive task 'a'").contains("bad input");
        assertThat(taskByRef(ended, "b").getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void aFailedPermissiveOptionalTaskFailsNothing() {
        String worker = unique("permissive_optional");
        registerTask(worker, "\"retryCount\":0");
        String flow = unique("permissive_optional_flow");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[{"name":"%s","taskReferenceName":"a","permissive":true,
                  "optional":true}]}""".formatted(flow, worker));
        UUID id = start(flow, Map.of());
        fail(poll(worker), "ignored");
        Workflow ended = awaitStatus(id, WorkflowStatus.COMPLETED, Duration.ofSeconds(5));
        assertThat(taskByRef(ended, "a").getStatus()).isEqualTo(TaskStatus.COMPLETED_WITH_ERRORS);
    }

    @Test
    void aForkedPermissiveTaskLetsTheOtherBranchesFinishThenFailsTheJoin() {
        String left = unique("permissive_left");
        String right = unique("permissive_right");
        registerTask(left, "\"retryCount\":0");
        registerTask(right, "\"retryCount\":0");
        String flow = unique("permissive_fork");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[
                  {"name":"fork","taskReferenceName":"fork","type":"FORK_JOIN","forkTasks":[
                    [{"name":"%s","taskReferenceName":"l","permissive":true}],
                    [{"name":"%s","taskReferenceName":"r"}]]},
                  {"name":"join","taskReferenceName":"join","type":"JOIN","joinOn":["l","r"]}]}"""
                .formatted(flow, left, right));
        UUID id = start(flow, Map.of());
        fail(poll(left), "left broke");
        Workflow waiting = workflow(id);
        assertThat(waiting.getStatus()).isEqualTo(WorkflowStatus.RUNNING);
        assertThat(taskByRef(waiting, "join").getStatus()).as("the join waits for every branch")
                .isEqualTo(TaskStatus.IN_PROGRESS);
        complete(poll(right), Map.of("done", true));
        Workflow ended = awaitStatus(id, WorkflowStatus.FAILED, Duration.ofSeconds(5));
        assertThat(taskByRef(ended, "join").getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(taskByRef(ended, "join").getReasonForIncompletion()).contains("[l]");
        assertThat(taskByRef(ended, "r").getStatus()).isEqualTo(TaskStatus.COMPLETED);
    }
}
