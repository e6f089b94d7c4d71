package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskResult;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Conductor's workflow operations and lookups, with Conductor's answers. */
class WorkflowOperationsConductorIT extends PlatformIT {

    @Test
    void resetCallbacksMakesATaskWaitingOutItsCallbackPollableAtOnce() throws Exception {
        String worker = unique("called_back");
        UUID id = start(oneTaskWorkflow(worker, "\"retryCount\":0"), Map.of());
        Task task = poll(worker);
        tasks.update(TENANT, new TaskResult(id.toString(), task.getTaskId().toString(), null, 3600L,
                task.getWorkerId(), TaskResult.Status.IN_PROGRESS, Map.of(), null, null, null));
        assertThat(tasks.poll(TENANT, worker, "w", null, 1, Duration.ZERO)).as("waits out its hour").isEmpty();

        HttpResponse<String> reset = call("POST", "/api/workflow/" + id + "/resetcallbacks", adminToken(), null);
        assertThat(reset.statusCode()).isEqualTo(204);
        Task again = tasks.poll(TENANT, worker, "w", null, 1, Duration.ZERO).get(0);
        assertThat(again.getTaskId()).isEqualTo(task.getTaskId());
        assertThat(again.getCallbackAfterSeconds()).isZero();

        complete(again, Map.of());
        awaitStatus(id, WorkflowStatus.COMPLETED, Duration.ofSeconds(5));
        HttpResponse<String> ended = call("POST", "/api/workflow/" + id + "/resetcallbacks", adminToken(), null);
        assertThat(ended.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(ended.body()).get("message").asString())
                .isEqualTo("Workflow is in terminal state. Status = COMPLETED");
        assertThat(call("POST", "/api/workflow/" + id + "/restart", adminToken(), null).statusCode())
                .as("restart answers 204, as Conductor does").isEqualTo(204);
        workflows.terminate(TENANT, id, "to retry");
        assertThat(call("POST", "/api/workflow/" + id + "/retry", adminToken(), null).statusCode()).isEqualTo(204);
    }

    @Test
    void manyCorrelationIdsAreLookedUpInOneCallEachWithItsOwnExecutions() throws Exception {
        String worker = unique("correlated");
        String name = oneTaskWorkflow(worker, "\"retryCount\":0");
        String one = unique("order");
        String two = unique("order");
        UUID first = startCorrelated(name, one);
        UUID second = startCorrelated(name, two);
        UUID third = startCorrelated(name, two);
        workflows.terminate(TENANT, third, "closed");

        String body = JSON.writeValueAsString(List.of(one, two, "nobody"));
        JsonNode open = JSON.readTree(call("POST", "/api/workflow/" + name + "/correlated", adminToken(), body).body());
        assertThat(open.get(one).size()).isEqualTo(1);
        assertThat(open.get(one).get(0).get("workflowId").asString()).isEqualTo(first.toString());
        assertThat(open.get(two).size()).as("the terminated one is left out").isEqualTo(1);
        assertThat(open.get(two).get(0).get("workflowId").asString()).isEqualTo(second.toString());
        assertThat(open.get("nobody").size()).isZero();

        JsonNode all = JSON.readTree(call("POST", "/api/workflow/" + name + "/correlated?includeClosed=true"
                + "&includeTasks=true", adminToken(), body).body());
        assertThat(all.get(two).size()).isEqualTo(2);
        assertThat(all.get(two).get(0).get("tasks").size()).isEqualTo(1);

        String tooMany = JSON.writeValueAsString(java.util.Collections.nCopies(1001, "x"));
        assertThat(call("POST", "/api/workflow/" + name + "/correlated", adminToken(), tooMany).statusCode())
                .isEqualTo(400);
    }

    @Test
    void pollDataTellsTheLastPollOfATaskTypePerDomain() throws Exception {
        String worker = unique("polled");
        registerTask(worker, "\"retryCount\":0");
        long before = System.currentTimeMillis();
        tasks.poll(TENANT, worker, "worker-a", null, 1, Duration.ZERO);
        tasks.poll(TENANT, worker, "worker-b", "blue", 1, Duration.ZERO);
        JsonNode data = JSON.readTree(call("GET", "/api/tasks/queue/polldata?taskType=" + worker, adminToken(), null)
                .body());
        assertThat(data.size()).isEqualTo(2);
        assertThat(data.get(0).get("queueName").asString()).isEqualTo(worker);
        assertThat(data.get(0).get("workerId").asString()).isEqualTo("worker-a");
        assertThat(data.get(0).get("lastPollTime").asLong()).isGreaterThanOrEqualTo(before);
        assertThat(data.get(1).get("domain").asString()).isEqualTo("blue");
        assertThat(data.get(1).get("workerId").asString()).isEqualTo("worker-b");
        JsonNode all = JSON.readTree(call("GET", "/api/tasks/queue/polldata/all", adminToken(), null).body());
        assertThat(all.findValuesAsString("queueName")).contains(worker);
    }

    @Test
    void theRunningListIsOfVersionOneUnlessAskedAndATimeRangeListsEveryStatus() throws Exception {
        String name = unique("versions");
        for (int version = 1; version <= 2; version++) {
            registerWorkflow("""
                    {"name":"%s","version":%d,"tasks":[{"name":"h","taskReferenceName":"h","type":"HUMAN"}]}"""
                    .formatted(name, version));
        }
        long before = System.currentTimeMillis() - 1_000;
        UUID first = workflows.start(TENANT, StartWorkflowRequest.of(name, 1, Map.of()));
        UUID ended = workflows.start(TENANT, StartWorkflowRequest.of(name, 1, Map.of()));
        UUID second = workflows.start(TENANT, StartWorkflowRequest.of(name, 2, Map.of()));
        workflows.terminate(TENANT, ended, "done");
        String token = adminToken();
        assertThat(ids(call("GET", "/api/workflow/running/" + name, token, null))).containsExactly(first.toString());
        assertThat(ids(call("GET", "/api/workflow/running/" + name + "?version=2", token, null)))
                .containsExactly(second.toString());
        long after = System.currentTimeMillis() + 1_000;
        assertThat(ids(call("GET", "/api/workflow/running/" + name + "?startTime=" + before + "&endTime=" + after,
                token, null))).containsExactly(ended.toString(), first.toString());
    }

    @Test
    void theHealthCheckAnswersWithoutATokenInConductorsShape() throws Exception {
        for (String path : List.of("/health", "/api/health")) {
            HttpResponse<String> r = call("GET", path, null, null);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.get("healthy").asBoolean()).isTrue();
            assertThat(body.get("healthResults").isArray()).isTrue();
            assertThat(body.get("suppressedHealthResults").isArray()).isTrue();
        }
    }

    @Test
    void searchV2AnswersTheWorkflowsThemselvesWithoutTheirTasks() throws Exception {
        String worker = unique("searched");
        String name = oneTaskWorkflow(worker, "\"retryCount\":0");
        UUID older = start(name, Map.of("n", 1));
        UUID newer = start(name, Map.of("n", 2));
        String query = "?query=" + java.net.URLEncoder.encode("workflowType IN (" + name + ")",
                java.nio.charset.StandardCharsets.UTF_8) + "&sort=startTime:DESC";
        JsonNode summaries = JSON.readTree(call("GET", "/api/workflow/search" + query, adminToken(), null).body());
        JsonNode full = JSON.readTree(call("GET", "/api/workflow/search-v2" + query, adminToken(), null).body());
        assertThat(full.get("totalHits").asLong()).isEqualTo(summaries.get("totalHits").asLong()).isEqualTo(2);
        assertThat(full.get("results").get(0).get("workflowId").asString()).isEqualTo(newer.toString());
        assertThat(full.get("results").get(1).get("workflowId").asString()).isEqualTo(older.toString());
        assertThat(full.get("results").get(0).get("input").get("n").asInt()).isEqualTo(2);
        assertThat(full.get("results").get(0).get("workflowDefinition").get("name").asString()).isEqualTo(name);
        assertThat(full.get("results").get(0).get("tasks").size()).as("without their tasks").isZero();
    }

    @Test
    void tasksReportTheirTypeAsConductorDoesTheNameForAWorkerTaskAndForkForAFork() throws Exception {
        String worker = unique("typed");
        registerTask(worker, "\"retryCount\":0");
        String name = unique("typed_flow");
        registerWorkflow("""
                {"name":"%s","tasks":[
                  {"name":"fork","taskReferenceName":"fork","type":"FORK_JOIN","forkTasks":[
                    [{"name":"%s","taskReferenceName":"a"}],
                    [{"name":"h","taskReferenceName":"h","type":"HUMAN"}]]},
                  {"name":"join","taskReferenceName":"join","type":"JOIN","joinOn":["a","h"]}]}"""
                .formatted(name, worker));
        UUID id = start(name, Map.of());
        JsonNode tasks = JSON.readTree(call("GET", "/api/workflow/" + id, adminToken(), null).body()).get("tasks");
        Map<String, String> types = new java.util.HashMap<>();
        tasks.forEach(t -> types.put(t.get("referenceTaskName").asString(), t.get("taskType").asString()));
        assertThat(types).containsEntry("fork", "FORK").containsEntry("a", worker).containsEntry("h", "HUMAN")
                .containsEntry("join", "JOIN");
    }

    @Test
    void anUpdateByReferenceNameSyncAnswersTheWorkflowAsItStandsAfterIt() throws Exception {
        String name = unique("signalled");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"approve","taskReferenceName":"approve","type":"HUMAN"},
                  {"name":"note","taskReferenceName":"note","type":"SET_VARIABLE",
                   "inputParameters":{"by":"${approve.output.by}"}}]}"""
                .formatted(name));
        UUID id = start(name, Map.of());
        HttpResponse<String> r = call("POST", "/api/tasks/" + id + "/approve/COMPLETED/sync", adminToken(),
                "{\"by\":\"jane\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode workflow = JSON.readTree(r.body());
        assertThat(workflow.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(workflow.get("variables").get("by").asString()).isEqualTo("jane");
        assertThat(workflow.get("tasks").size()).isEqualTo(2);
    }

    @Test
    void executeStartsAndWaitsForTheEndOrTheNamedTaskAtMostAsLongAsAsked() throws Exception {
        String quick = unique("quick");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[{"name":"v","taskReferenceName":"v","type":"SET_VARIABLE",
                  "inputParameters":{"x":"${workflow.input.x}"}}],"outputParameters":{"x":"${workflow.variables.x}"}}"""
                .formatted(quick));
        HttpResponse<String> done = call("POST", "/api/workflow/execute/" + quick + "/1?requestId=r-1", adminToken(),
                "{\"input\":{\"x\":7}}");
        assertThat(done.statusCode()).isEqualTo(200);
        JsonNode run = JSON.readTree(done.body());
        assertThat(run.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(run.get("output").get("x").asInt()).isEqualTo(7);
        assertThat(run.get("requestId").asString()).isEqualTo("r-1");

        String waiting = unique("waiting");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[{"name":"h","taskReferenceName":"h","type":"HUMAN"}]}"""
                .formatted(waiting));
        JsonNode reached = JSON.readTree(call("POST", "/api/workflow/execute/" + waiting + "/1", adminToken(), "{}")
                .body());
        assertThat(reached.get("status").asString()).as("a WAIT for a signal blocks it").isEqualTo("RUNNING");
        assertThat(reached.get("responseType").asString()).isEqualTo("TARGET_WORKFLOW");
        assertThat(reached.get("signalTimeout").asBoolean()).isFalse();
        assertThat(reached.get("tasks").get(0).get("referenceTaskName").asString()).isEqualTo("h");
        JsonNode task = JSON.readTree(call("POST", "/api/workflow/execute/" + waiting + "/1?returnStrategy="
                + "BLOCKING_TASK", adminToken(), "{}").body());
        assertThat(task.get("responseType").asString()).isEqualTo("BLOCKING_TASK");
        assertThat(task.get("referenceTaskName").asString()).isEqualTo("h");
        assertThat(task.get("status").asString()).isEqualTo("IN_PROGRESS");

        String worker = unique("nobody_polls");
        String slow = oneTaskWorkflow(worker, "\"retryCount\":0");
        long started = System.nanoTime();
        JsonNode timedOut = JSON.readTree(call("POST", "/api/workflow/execute/" + slow + "/1?waitForSeconds=1",
                adminToken(), "{}").body());
        assertThat(timedOut.get("status").asString()).isEqualTo("RUNNING");
        assertThat(timedOut.get("signalTimeout").asBoolean()).isTrue();
        assertThat((System.nanoTime() - started) / 1_000_000).as("one wait of a second, not Conductor's 5 s")
                .isBetween(1_000L, 4_000L);
        assertThat(call("POST", "/api/workflow/execute/" + waiting + "/1?waitForSeconds=61", adminToken(), "{}")
                .statusCode()).isEqualTo(400);
    }

    @Test
    void aSignalCompletesTheTaskTheWorkflowWaitsOnEvenInASubWorkflowAndAnswersWhereItBlocksNext() throws Exception {
        String child = unique("signal_child");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[{"name":"inner","taskReferenceName":"inner","type":"WAIT"}],
                 "outputParameters":{"said":"${inner.output.said}"}}""".formatted(child));
        String parent = unique("signal_parent");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[
                  {"name":"first","taskReferenceName":"first","type":"HUMAN"},
                  {"name":"sub","taskReferenceName":"sub","type":"SUB_WORKFLOW",
                   "subWorkflowParam":{"name":"%s","version":1}}],
                 "outputParameters":{"approved":"${first.output.approved}","said":"${sub.output.said}"}}"""
                .formatted(parent, child));
        UUID id = start(parent, Map.of());
        String token = adminToken();

        HttpResponse<String> sync = call("POST", "/api/tasks/" + id + "/COMPLETED/signal/sync?returnStrategy="
                + "BLOCKING_WORKFLOW", token, "{\"approved\":true}");
        assertThat(sync.statusCode()).as(sync.body()).isEqualTo(200);
        JsonNode blocked = JSON.readTree(sync.body());
        assertThat(blocked.get("responseType").asString()).isEqualTo("BLOCKING_WORKFLOW");
        assertThat(blocked.get("targetWorkflowId").asString()).isEqualTo(id.toString());
        assertThat(blocked.get("workflowId").asString()).as("now blocked in the sub-workflow")
                .isNotEqualTo(id.toString());
        assertThat(blocked.get("tasks").get(0).get("referenceTaskName").asString()).isEqualTo("inner");

        assertThat(call("POST", "/api/tasks/" + id + "/COMPLETED/signal", token, "{\"said\":\"hello\"}")
                .statusCode()).isEqualTo(200);
        Workflow done = awaitStatus(id, WorkflowStatus.COMPLETED, Duration.ofSeconds(5));
        assertThat(done.getOutput()).containsEntry("approved", true).containsEntry("said", "hello");
        HttpResponse<String> nothing = call("POST", "/api/tasks/" + id + "/COMPLETED/signal", token, "{}");
        assertThat(nothing.statusCode()).isEqualTo(404);
        assertThat(call("POST", "/api/tasks/" + id + "/COMPLETED/signal/sync?returnStrategy=SIDEWAYS", token, "{}")
                .statusCode()).isEqualTo(400);
    }

    @Test
    void theStatusSummaryAndThePagedTaskListAnswerInConductorsShapes() throws Exception {
        String name = unique("paged");
        registerWorkflow("""
                {"name":"%s","tasks":[
                  {"name":"v","taskReferenceName":"v","type":"SET_VARIABLE","inputParameters":{"k":"set"}},
                  {"name":"h1","taskReferenceName":"h1","type":"HUMAN"}],"outputParameters":{"o":"x"}}"""
                .formatted(name));
        UUID id = start(name, Map.of());
        String token = adminToken();
        JsonNode bare = JSON.readTree(call("GET", "/api/workflow/" + id + "/status", token, null).body());
        assertThat(bare.get("workflowId").asString()).isEqualTo(id.toString());
        assertThat(bare.get("status").asString()).isEqualTo("RUNNING");
        assertThat(bare.has("variables")).isFalse();
        JsonNode full = JSON.readTree(call("GET", "/api/workflow/" + id + "/status?includeVariables=true"
                + "&includeOutput=true", token, null).body());
        assertThat(full.get("variables").get("k").asString()).isEqualTo("set");
        assertThat(full.has("output")).isTrue();

        JsonNode page = JSON.readTree(call("GET", "/api/workflow/" + id + "/tasks?start=1&count=5", token, null)
                .body());
        assertThat(page.get("totalHits").asLong()).isEqualTo(2);
        assertThat(page.get("results").size()).isEqualTo(1);
        assertThat(page.get("results").get(0).get("referenceTaskName").asString()).isEqualTo("h1");
        JsonNode done = JSON.readTree(call("GET", "/api/workflow/" + id + "/tasks?status=COMPLETED", token, null)
                .body());
        assertThat(done.get("totalHits").asLong()).isEqualTo(1);
        assertThat(done.get("results").get(0).get("referenceTaskName").asString()).isEqualTo("v");
        assertThat(call("GET", "/api/workflow/" + id + "/tasks?count=1001", token, null).statusCode()).isEqualTo(400);
    }

    @Test
    void terminateRemoveEndsARunningWorkflowAndDeletesItAloneOrInBulk() throws Exception {
        String name = unique("removed");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"h","taskReferenceName":"h","type":"HUMAN"}]}""".formatted(name));
        UUID one = start(name, Map.of());
        UUID two = start(name, Map.of());
        UUID three = start(name, Map.of());
        workflows.terminate(TENANT, three, "ended before");
        String token = adminToken();
        assertThat(call("DELETE", "/api/workflow/" + one + "/terminate-remove?reason=gone&archiveWorkflow=false",
                token, null).statusCode()).isEqualTo(200);
        JsonNode bulk = JSON.readTree(call("DELETE", "/api/workflow/bulk/terminate-remove?archiveWorkflow=false",
                token, JSON.writeValueAsString(List.of(two.toString(), three.toString(),
                        UUID.randomUUID().toString()))).body());
        assertThat(bulk.get("bulkSuccessfulResults").size()).isEqualTo(2);
        assertThat(bulk.get("bulkErrorResults").size()).as("the unknown id").isEqualTo(1);
        for (UUID id : List.of(one, two, three)) {
            assertThat(call("GET", "/api/workflow/" + id, token, null).statusCode()).as(id.toString()).isEqualTo(404);
        }
    }

    @Test
    void anUnknownTaskIsAnsweredWith204AsConductorDoes() throws Exception {
        HttpResponse<String> none = call("GET", "/api/tasks/" + UUID.randomUUID(), adminToken(), null);
        assertThat(none.statusCode()).isEqualTo(204);
        assertThat(none.body()).isEmpty();
        assertThat(call("GET", "/api/tasks/not-an-id", adminToken(), null).statusCode()).isEqualTo(400);
    }

    @Test
    void aDecisionShowsItsCaseAsConductorsDecisionDoesAndASwitchItsEvaluationResult() throws Exception {
        String name = unique("decided");
        registerWorkflow("""
                {"name":"%s","tasks":[
                  {"name":"d","taskReferenceName":"d","type":"DECISION","caseValueParam":"pick",
                   "inputParameters":{"pick":"${workflow.input.pick}"},
                   "decisionCases":{"b":[{"name":"v","taskReferenceName":"v","type":"SET_VARIABLE",
                                          "inputParameters":{"x":1}}]}},
                  {"name":"s","taskReferenceName":"s","type":"SWITCH","evaluatorType":"value-param","expression":"pick",
                   "inputParameters":{"pick":"${workflow.input.pick}"},"decisionCases":{}}]}""".formatted(name));
        UUID id = start(name, Map.of("pick", "b"));
        JsonNode tasks = JSON.readTree(call("GET", "/api/workflow/" + id, adminToken(), null).body()).get("tasks");
        JsonNode decision = tasks.get(0);
        assertThat(decision.get("inputData").get("case").asString()).isEqualTo("b");
        assertThat(decision.get("outputData").get("caseOutput").get(0).asString()).isEqualTo("b");
        assertThat(decision.get("outputData").has("evaluationResult")).isFalse();
        JsonNode theSwitch = tasks.get(2);
        assertThat(theSwitch.get("referenceTaskName").asString()).isEqualTo("s");
        assertThat(theSwitch.get("outputData").get("evaluationResult").get(0).asString()).isEqualTo("b");
    }

    private static List<String> ids(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> ids = new java.util.ArrayList<>();
        JSON.readTree(response.body()).forEach(n -> ids.add(n.asString()));
        return ids;
    }

    private UUID startCorrelated(String name, String correlationId) {
        return workflows.start(TENANT, new StartWorkflowRequest(name, null, correlationId, Map.of(), null, null,
                null, null, null, null));
    }
}
