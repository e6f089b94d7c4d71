package dev.baton.platform.debugging;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.baton.platform.PlatformIT;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Dry runs end to end: a definition's whole path (switch, fork, retries, loop, sub-workflow, HTTP, a started
 * workflow) evaluated with resolved inputs and assumed outcomes, and nothing written, queued or sent; the first
 * error named by task and field; bad requests refused naming the field; and every dry run bounded.
 */
class DryRunIT extends PlatformIT {

    @Test
    void wholePathIsEvaluatedWithResolvedInputsAndNothingHappens() throws Exception {
        HttpServer peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger hits = new AtomicInteger();
        peer.createContext("/", exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        peer.start();
        try {
            String fetcher = unique("fetcher");
            String branch = unique("branch");
            String inChild = unique("in_child");
            registerTask(fetcher, "");
            registerTask(branch, "\"retryCount\":2,\"retryDelaySeconds\":60");
            registerTask(inChild, "");
            String child = unique("dry_child");
            registerWorkflow("""
                    {"name":"%s","version":1,"tasks":[{"name":"%s","taskReferenceName":"c1",
                      "inputParameters":{"from":"${workflow.input.v}"}}],
                     "outputParameters":{"y":"${c1.output.y}"}}""".formatted(child, inChild));
            String spawned = unique("dry_spawned");
            registerWorkflow("""
                    {"name":"%s","version":1,"tasks":[{"name":"s","taskReferenceName":"s","type":"NOOP"}]}"""
                    .formatted(spawned));
            String flow = unique("dry_flow");
            registerWorkflow("""
                    {"name":"%s","version":1,"tasks":[
                      {"name":"%s","taskReferenceName":"fetch","inputParameters":{"id":"${workflow.input.id}"}},
                      {"name":"route","taskReferenceName":"route","type":"SWITCH","evaluatorType":"value-param",
                       "expression":"kind","inputParameters":{"kind":"${fetch.output.kind}"},
                       "decisionCases":{"big":[{"name":"size","taskReferenceName":"size","type":"INLINE",
                         "inputParameters":{"evaluatorType":"graaljs","expression":"$.n * 2",
                           "n":"${fetch.output.n}"}}]},
                       "defaultCase":[{"name":"small","taskReferenceName":"small","type":"SET_VARIABLE",
                         "inputParameters":{"small":true}}]},
                      {"name":"par","taskReferenceName":"par","type":"FORK_JOIN","forkTasks":[
                        [{"name":"%s","taskReferenceName":"a","inputParameters":{"doubled":"${size.output.result}"}}],
                        [{"name":"call","taskReferenceName":"call","type":"HTTP","inputParameters":{
                          "http_request":{"uri":"http://127.0.0.1:%d/hit","method":"GET"}}}]]},
                      {"name":"join","taskReferenceName":"join","type":"JOIN","joinOn":["a","call"]},
                      {"name":"loop","taskReferenceName":"loop","type":"DO_WHILE",
                       "loopCondition":"$.loop['iteration'] < 2","loopOver":[
                         {"name":"step","taskReferenceName":"step","type":"SET_VARIABLE",
                          "inputParameters":{"at":"${loop.output.iteration}"}}]},
                      {"name":"child","taskReferenceName":"child","type":"SUB_WORKFLOW",
                       "subWorkflowParam":{"name":"%s","version":1},"inputParameters":{"v":"${a.output.x}"}},
                      {"name":"spawn","taskReferenceName":"spawn","type":"START_WORKFLOW","inputParameters":{
                        "startWorkflow":{"name":"%s","input":{"from":"${child.output.y}"}}}}],
                     "outputParameters":{"y":"${child.output.y}","status":"${call.output.response.statusCode}"}}"""
                    .formatted(flow, fetcher, branch, peer.getAddress().getPort(), child, spawned));

            JsonNode result = dryRun(adminToken(), Map.of("name", flow, "input", Map.of("id", "order-7"),
                    "taskOutputs", Map.of(
                            "fetch", Map.of("output", Map.of("kind", "big", "n", 21)),
                            "a", List.of(Map.of("status", "FAILED", "reasonForIncompletion", "flaky"),
                                    Map.of("output", Map.of("x", "ex"))),
                            "call", Map.of("output", Map.of("response", Map.of("statusCode", 200))),
                            "child/c1", Map.of("output", Map.of("y", "why")))));

            assertThat(result.get("status").asString()).isEqualTo("COMPLETED");
            assertThat(result.has("error")).isFalse();
            assertThat(result.get("output").toString()).isEqualTo("{\"y\":\"why\",\"status\":200}");
            assertThat(refs(result)).containsExactly("fetch", "route", "size", "par", "a", "call", "join", "a",
                    "loop", "step__1", "step__2", "child", "spawn");
            JsonNode fetch = task(result, "fetch", 0);
            assertThat(fetch.get("inputData").toString()).isEqualTo("{\"id\":\"order-7\"}");
            assertThat(fetch.get("source").asString()).isEqualTo("CANNED");
            assertThat(task(result, "size", 0).get("outputData").get("result").asInt()).isEqualTo(42);
            assertThat(task(result, "size", 0).get("source").asString()).isEqualTo("EVALUATED");
            JsonNode firstA = task(result, "a", 0);
            JsonNode secondA = task(result, "a", 1);
            assertThat(firstA.get("inputData").get("doubled").asInt()).isEqualTo(42);
            assertThat(firstA.get("status").asString()).isEqualTo("FAILED");
            assertThat(firstA.get("reasonForIncompletion").asString()).isEqualTo("flaky");
            assertThat(secondA.get("retryCount").asInt()).isEqualTo(1);
            assertThat(secondA.get("status").asString()).isEqualTo("COMPLETED");
            assertThat(task(result, "call", 0).get("taskType").asString()).isEqualTo("HTTP");
            assertThat(task(result, "call", 0).get("source").asString()).isEqualTo("CANNED");
            assertThat(task(result, "step__2", 0).get("inputData").get("at").asInt()).isEqualTo(2);
            JsonNode sub = task(result, "child", 0).get("subWorkflow");
            assertThat(sub.get("workflowName").asString()).isEqualTo(child);
            assertThat(sub.get("status").asString()).isEqualTo("COMPLETED");
            assertThat(task(sub, "c1", 0).get("inputData").toString()).isEqualTo("{\"from\":\"ex\"}");
            assertThat(task(sub, "c1", 0).get("source").asString()).isEqualTo("CANNED");
            assertThat(result.get("workflowsStarted").toString()).isEqualTo("[{\"name\":\"" + spawned
                    + "\",\"input\":{\"from\":\"why\"}}]");

            assertThat(hits.get()).as("requests the HTTP task sent").isZero();
            for (String name : List.of(flow, child, spawned)) {
                assertThat(ownerQuery("SELECT count(*)::text FROM workflows WHERE name = ?", name)).isEqualTo("0");
            }
            assertThat(ownerQuery("SELECT count(*)::text FROM tasks WHERE task_def_name IN (?, ?, ?)", fetcher,
                    branch, inChild)).isEqualTo("0");
        } finally {
            peer.stop(0);
        }
    }

    @Test
    void tasksWithoutGivenOutcomesAreAssumedToCompleteAndTheDefaultCaseRuns() throws Exception {
        String worker = unique("plain");
        String flow = oneTaskWorkflow(worker, "");
        JsonNode result = dryRun(adminToken(), Map.of("name", flow, "input", Map.of("n", 1)));
        assertThat(result.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(task(result, "w", 0).get("source").asString()).isEqualTo("ASSUMED");
        assertThat(task(result, "w", 0).get("outputData").toString()).isEqualTo("{}");
    }

    @Test
    void theFirstErrorIsNamedByTaskAndField() throws Exception {
        String worker = unique("late");
        registerTask(worker, "");
        Map<String, Object> inline = JSON.readValue("""
                {"name":"%s","version":1,"tasks":[
                  {"name":"first","taskReferenceName":"first","type":"SET_VARIABLE","inputParameters":{"k":1}},
                  {"name":"%s","taskReferenceName":"broken","inputParameters":{
                     "fine":"${workflow.input.n}","bad":"${workflow.input.n.avg()}"}},
                  {"name":"never","taskReferenceName":"never","type":"NOOP"}]}"""
                .formatted(unique("dry_inline"), worker), Map.class);
        JsonNode result = dryRun(adminToken(), Map.of("workflowDef", inline, "input", Map.of("n", "text")));
        assertThat(result.get("status").asString()).isEqualTo("FAILED");
        assertThat(refs(result)).containsExactly("first", "broken");
        assertThat(result.get("error").get("taskReferenceName").asString()).isEqualTo("broken");
        assertThat(result.get("error").get("field").asString()).isEqualTo("inputParameters.bad");
        assertThat(result.get("error").get("reason").asString())
                .startsWith("cannot evaluate ${workflow.input.n.avg()}");
    }

    @Test
    void badRequestsAreRefusedNamingTheField() throws Exception {
        String admin = adminToken();
        String flow = oneTaskWorkflow(unique("refused"), "");
        assertProblem(call("POST", "/api/dry-runs", admin, "{}"), 400, "name");
        assertProblem(call("POST", "/api/dry-runs", admin, JSON.writeValueAsString(Map.of("name", flow,
                "taskOutputs", Map.of("w", Map.of("status", "IN_PROGRESS"))))), 400, "taskOutputs.w.status");
        assertProblem(call("POST", "/api/dry-runs", admin, JSON.writeValueAsString(Map.of("name", flow,
                "taskOutputs", Map.of("w", List.of(Map.of(), "done"))))), 400, "taskOutputs.w[1]");
        assertProblem(call("POST", "/api/dry-runs", admin, JSON.writeValueAsString(Map.of("name", flow,
                "taskOutputs", Map.of("w", List.of())))), 400, "taskOutputs.w");
        assertThat(call("POST", "/api/dry-runs", admin, JSON.writeValueAsString(Map.of("name",
                unique("nobody_defined")))).statusCode()).isEqualTo(404);
        String other = token(adminKey(createTenant("dry-" + java.util.UUID.randomUUID().toString().substring(0, 8))));
        assertThat(call("POST", "/api/dry-runs", other, JSON.writeValueAsString(Map.of("name", flow)))
                .statusCode()).as("another tenant's definition").isEqualTo(404);
    }

    @Test
    void aLoopThatNeverEndsStopsAtTheBoundWithAnError() throws Exception {
        String worker = unique("forever");
        registerTask(worker, "");
        String flow = unique("dry_forever");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[{"name":"loop","taskReferenceName":"loop","type":"DO_WHILE",
                  "loopCondition":"true","loopOver":[
                    {"name":"%s","taskReferenceName":"w"},
                    {"name":"%s","taskReferenceName":"w2"},
                    {"name":"%s","taskReferenceName":"w3"}]}]}""".formatted(flow, worker, worker, worker));
        JsonNode result = dryRun(adminToken(), Map.of("name", flow));
        // three tasks an iteration reach the dry run's 2,000 tasks well before the loop's 1,000 iterations
        assertThat(result.get("status").asString()).isEqualTo("RUNNING");
        assertThat(result.get("tasks").size()).as("the loop and 1,999 attempts").isEqualTo(2_000);
        assertThat(result.get("error").get("reason").asString()).isEqualTo("the dry run stopped after 2000 tasks");
    }

    @Test
    void tasksTheDryRunEvaluatesItselfCountAgainstTheBoundToo() throws Exception {
        String flow = unique("dry_busy");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[{"name":"loop","taskReferenceName":"loop","type":"DO_WHILE",
                  "loopCondition":"$.loop['iteration'] < 1000","loopOver":[
                    {"name":"a","taskReferenceName":"a","type":"SET_VARIABLE","inputParameters":{"a":1}},
                    {"name":"b","taskReferenceName":"b","type":"SET_VARIABLE","inputParameters":{"b":1}},
                    {"name":"c","taskReferenceName":"c","type":"SET_VARIABLE","inputParameters":{"c":1}}]}]}"""
                .formatted(flow));
        JsonNode result = dryRun(adminToken(), Map.of("name", flow));
        assertThat(result.get("status").asString()).isEqualTo("RUNNING");
        assertThat(result.get("tasks").size()).isEqualTo(2_000);
        assertThat(result.get("error").get("reason").asString()).isEqualTo("the dry run stopped after 2000 tasks");
    }

    @Test
    void aSubWorkflowGivenAnOutcomeIsNotExpanded() throws Exception {
        String child = oneTaskWorkflow(unique("hidden"), "");
        String flow = unique("dry_parent");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[{"name":"child","taskReferenceName":"child","type":"SUB_WORKFLOW",
                  "subWorkflowParam":{"name":"%s","version":1}}]}""".formatted(flow, child));
        JsonNode result = dryRun(adminToken(), Map.of("name", flow, "taskOutputs", Map.of("child",
                Map.of("status", "FAILED", "output", Map.of("why", "given")))));
        assertThat(result.get("status").asString()).isEqualTo("FAILED");
        JsonNode sub = task(result, "child", 0);
        assertThat(sub.get("source").asString()).isEqualTo("CANNED");
        assertThat(sub.has("subWorkflow")).isFalse();
        assertThat(sub.get("outputData").get("why").asString()).isEqualTo("given");
        assertThat(result.get("error").get("taskReferenceName").asString()).isEqualTo("child");
    }

    private JsonNode dryRun(String token, Map<String, Object> request) throws Exception {
        HttpResponse<String> response = call("POST", "/api/dry-runs", token, JSON.writeValueAsString(request));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<String> refs(JsonNode result) {
        List<String> refs = new ArrayList<>();
        result.get("tasks").forEach(t -> refs.add(t.get("referenceTaskName").asString()));
        return refs;
    }

    /** The {@code n}th attempt (from 0) of the task {@code ref} in a dry run's result. */
    private static JsonNode task(JsonNode result, String ref, int n) {
        List<JsonNode> found = new ArrayList<>();
        result.get("tasks").forEach(t -> {
            if (t.get("referenceTaskName").asString().equals(ref)) {
                found.add(t);
            }
        });
        assertThat(found).as("attempts of %s", ref).hasSizeGreaterThan(n);
        return found.get(n);
    }
}
