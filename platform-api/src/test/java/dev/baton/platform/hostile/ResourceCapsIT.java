package dev.baton.platform.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowSummary;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.platform.PlatformIT;
import java.net.http.HttpResponse;
import java.time.Duration;
import dev.baton.engine.api.ExecutionQuery;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every cap on what one request or definition may make the engine do holds: each refusal is a 4xx naming the limit,
 * and each run-time cap fails the workflow with the reason instead of holding a transaction or the stack.
 */
class ResourceCapsIT extends PlatformIT {

    @Test
    void tooManyDefinitionsInOneCallAre400NamingTheLimit() throws Exception {
        String defs = IntStream.range(0, 1001).mapToObj(i -> "{\"name\":\"" + unique("many") + "\"}")
                .collect(Collectors.joining(",", "[", "]"));
        JsonNode problem = expect(400, send("POST", "/api/metadata/taskdefs", defs));
        assertThat(problem.get("detail").asString())
                .contains("1001 definitions in one call; at most 1000 are allowed");
    }

    @Test
    void aDefinitionWithTooManyTasksIs400() throws Exception {
        String tasks = IntStream.range(0, 1001).mapToObj(i -> "{\"name\":\"s" + i + "\",\"taskReferenceName\":\"s" + i
                + "\",\"type\":\"SET_VARIABLE\",\"inputParameters\":{\"x\":1}}").collect(Collectors.joining(","));
        JsonNode problem = expect(400, send("POST", "/api/metadata/workflow",
                "{\"name\":\"" + unique("huge") + "\",\"version\":1,\"tasks\":[" + tasks + "]}"));
        assertThat(problem.get("field").asString()).isEqualTo("tasks");
        assertThat(problem.get("detail").asString()).contains("has 1001 tasks; at most 1000 are allowed");
    }

    @Test
    void longDescriptionsAndLargeBodiesAreRefused() throws Exception {
        JsonNode problem = expect(400, send("POST", "/api/metadata/taskdefs",
                "[{\"name\":\"" + unique("wordy") + "\",\"description\":\"" + "d".repeat(4097) + "\"}]"));
        assertThat(problem.get("field").asString()).isEqualTo("[0].description");
        JsonNode tooLarge = expect(413, send("POST", "/api/metadata/taskdefs",
                "[{\"name\":\"" + unique("big") + "\",\"description\":\"" + "d".repeat(5 * 1024 * 1024) + "\"}]"));
        assertThat(tooLarge.get("detail").asString()).isEqualTo("the request body is larger than 2097152 bytes "
                + "(baton.api.max-body-bytes)");
    }

    @Test
    void namesThatCouldNotBeAddressedAgainAreRefused() throws Exception {
        for (String name : new String[] {"../../etc/passwd", "two\\nlines", "<script>alert(1)</script>", "a#b",
                " leading", "x".repeat(256)}) {
            JsonNode task = expect(400, send("POST", "/api/metadata/taskdefs", "[{\"name\":\"" + name + "\"}]"));
            assertThat(task.get("field").asString()).isEqualTo("[0].name");
            JsonNode flow = expect(400, send("POST", "/api/metadata/workflow", "{\"name\":\"" + name
                    + "\",\"tasks\":[{\"name\":\"s\",\"taskReferenceName\":\"s\",\"type\":\"SET_VARIABLE\"}]}"));
            assertThat(flow.get("field").asString()).isEqualTo("name");
            assertThat(flow.get("detail").asString()).contains("may use only letters, digits");
        }
        assertThat(send("POST", "/api/metadata/taskdefs", "[{\"name\":\"with spaces and-dashes_1\"}]").statusCode())
                .isEqualTo(200);
    }

    @Test
    void aLoopThatNeverEndsStopsAtTheIterationCap() {
        String flow = unique("endless");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"loop","taskReferenceName":"loop","type":"DO_WHILE",
                  "loopCondition":"true","loopOver":[
                    {"name":"tick","taskReferenceName":"tick","type":"SET_VARIABLE","inputParameters":{"x":1}}]}]}"""
                .formatted(flow));
        Workflow w = awaitStatus(start(flow, Map.of()), WorkflowStatus.FAILED, Duration.ofSeconds(60));
        assertThat(w.getReasonForIncompletion()).contains("the loop ran 1000 iterations, the most allowed");
    }

    @Test
    void aDynamicForkWiderThanTheCapFails() {
        String flow = unique("wide");
        registerWorkflow("""
                {"name":"%s","tasks":[
                  {"name":"fan","taskReferenceName":"fan","type":"FORK_JOIN_DYNAMIC",
                   "inputParameters":{"forkTaskName":"set","forkTaskInputs":"${workflow.input.items}","x":[],"y":{}},
                   "dynamicForkTasksParam":"x","dynamicForkTasksInputParamName":"y"},
                  {"name":"join","taskReferenceName":"join","type":"JOIN"}]}""".formatted(flow));
        UUID id = start(flow, Map.of("items", IntStream.range(0, 1001).boxed().toList()));
        Workflow w = awaitStatus(id, WorkflowStatus.FAILED, Duration.ofSeconds(30));
        assertThat(w.getReasonForIncompletion()).contains("1001 branches; at most 1000 are allowed");
    }

    @Test
    void aWorkflowThatStartsItselfStopsAtTheNestingCap() {
        String flow = unique("ouroboros");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"again","taskReferenceName":"again","type":"SUB_WORKFLOW",
                  "subWorkflowParam":{"name":"%s"}}]}""".formatted(flow, flow));
        Workflow w = awaitStatus(start(flow, Map.of()), WorkflowStatus.FAILED, Duration.ofSeconds(30));
        assertThat(w.getReasonForIncompletion()).contains("more than 10 levels deep");

        String starter = unique("starter");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"again","taskReferenceName":"again","type":"START_WORKFLOW",
                  "inputParameters":{"startWorkflow":{"name":"%s"}}}]}""".formatted(starter, starter));
        Workflow s = awaitStatus(start(starter, Map.of()), WorkflowStatus.COMPLETED, Duration.ofSeconds(30));
        assertThat(s.getStatus()).isEqualTo(WorkflowStatus.COMPLETED);
        assertThat(workflows.running(TENANT, starter, null)).isEmpty();
        // the chain stopped where it reached the cap: the deepest start failed its task, with the reason
        List<WorkflowSummary> chain = workflows.search(TENANT, new ExecutionQuery(List.of(starter), null, null, null,
                null, null, null, null, true, 0, 100)).results();
        assertThat(chain).hasSize(10);
        assertThat(chain).filteredOn(c -> c.status() == WorkflowStatus.FAILED).singleElement()
                .extracting(WorkflowSummary::reasonForIncompletion).asString().contains("more than 10 levels deep");
    }

    @Test
    void longStringsThatWouldBeIndexedAreRefusedNotFailedInTheDatabase() throws Exception {
        String flow = unique("indexed");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"fan","taskReferenceName":"fan","type":"FORK_JOIN_DYNAMIC",
                  "inputParameters":{"forkTaskName":"${workflow.input.type}","forkTaskInputs":[{"x":1}],"x":[],"y":{}},
                  "dynamicForkTasksParam":"x","dynamicForkTasksInputParamName":"y"},
                  {"name":"join","taskReferenceName":"join","type":"JOIN"}]}""".formatted(flow));
        String noise = randomText(6000);
        JsonNode correlation = expect(400, send("POST", "/api/workflow", "{\"name\":\"" + flow
                + "\",\"correlationId\":\"" + noise + "\"}"));
        assertThat(correlation.get("field").asString()).isEqualTo("correlationId");
        JsonNode idempotency = expect(400, send("POST", "/api/workflow", "{\"name\":\"" + flow
                + "\",\"idempotencyKey\":\"" + noise + "\"}"));
        assertThat(idempotency.get("field").asString()).isEqualTo("idempotencyKey");
        JsonNode domain = expect(400, send("POST", "/api/workflow", "{\"name\":\"" + flow
                + "\",\"taskToDomain\":{\"*\":\"" + noise + "\"}}"));
        assertThat(domain.get("field").asString()).isEqualTo("taskToDomain");
        String started = send("POST", "/api/workflow/" + flow, "{\"type\":\"" + noise + "\"}").body();
        Workflow w = awaitStatus(UUID.fromString(started), WorkflowStatus.FAILED, Duration.ofSeconds(10));
        assertThat(w.getReasonForIncompletion()).contains("no task definition named");
    }

    private static String randomText(int length) {
        java.util.Random random = new java.util.Random(7);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    private JsonNode expect(int status, HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    private String token;

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        if (token == null) {
            token = adminToken();
        }
        return call(method, path, token, body);
    }
}
