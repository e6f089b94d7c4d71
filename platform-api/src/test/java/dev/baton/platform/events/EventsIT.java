package dev.baton.platform.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.platform.PlatformIT;
import dev.baton.platform.TestDatabase;
import dev.baton.platform.tasks.TeamWorld;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Conductor's events: an EVENT task publishes to the internal queue, event handlers whose condition holds act on
 * the message (start a workflow, complete or fail a task, terminate, update variables), exactly once, for their
 * own tenant and within their team's rights; and the event and queue admin APIs answer in Conductor's shapes.
 */
class EventsIT extends PlatformIT {

    private static final Duration SHORT = Duration.ofSeconds(10);

    private HttpResponse<String> send(String method, String path, String token, Object body) throws Exception {
        return call(method, path, token, body == null ? null : JSON.writeValueAsString(body));
    }

    /** A workflow that publishes its input to the conductor queue with an EVENT task, then ends. */
    private String publisher(String sink) {
        String name = unique("publisher");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"publish","taskReferenceName":"publish","type":"EVENT",
                  "inputParameters":{"sink":"%s","status":"${workflow.input.status}",
                    "orderId":"${workflow.input.orderId}","waiting":"${workflow.input.waiting}"}}]}"""
                .formatted(name, sink));
        return name;
    }

    private String waiter() {
        String name = unique("waiter");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"hold","taskReferenceName":"hold","type":"WAIT"}]}""".formatted(name));
        return name;
    }

    private String noop() {
        String name = unique("started");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"n","taskReferenceName":"n","type":"SET_VARIABLE",
                  "inputParameters":{"seen":"${workflow.input.orderId}"}}],
                 "outputParameters":{"orderId":"${workflow.input.orderId}"}}""".formatted(name));
        return name;
    }

    private List<UUID> executionsOf(String name) {
        return workflows.search(TENANT, new dev.baton.engine.api.ExecutionQuery(List.of(name), null, null, null,
                null, null, null, null, false, 0, 100)).results().stream()
                .map(s -> UUID.fromString(s.workflowId())).toList();
    }

    private List<UUID> awaitExecutions(String name, int count) {
        long deadline = System.nanoTime() + SHORT.toNanos();
        List<UUID> found = executionsOf(name);
        while (found.size() < count && System.nanoTime() < deadline) {
            sleep(50);
            found = executionsOf(name);
        }
        return found;
    }

    private Workflow awaitTask(UUID workflowId, String ref, TaskStatus status) {
        long deadline = System.nanoTime() + SHORT.toNanos();
        Workflow w = workflow(workflowId);
        while (taskByRef(w, ref).getStatus() != status && System.nanoTime() < deadline) {
            sleep(50);
            w = workflow(workflowId);
        }
        assertThat(taskByRef(w, ref).getStatus()).as(ref).isEqualTo(status);
        return w;
    }

    /** The executions recorded for the messages of {@code event}: handler, action index, status. */
    private List<String> executions(String event) throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword())) {
            var st = c.prepareStatement("SELECT handler, action_index, status, output::text FROM event_executions "
                    + "WHERE event = ? ORDER BY created_at, action_index");
            st.setString(1, event);
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + "#" + rs.getInt(2) + " " + rs.getString(3) + " " + rs.getString(4));
                }
            }
            return rows;
        }
    }

    private int sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword())) {
            return c.createStatement().executeUpdate(statement);
        }
    }

    @Test
    void anEventTaskTriggersTheHandlersWhoseConditionHoldsStartingAWorkflowAndCompletingAWaitingTask()
            throws Exception {
        String source = publisher("conductor");
        String started = noop();
        String held = waiter();
        UUID waiting = start(held, Map.of());
        String event = "conductor:" + source + ":publish";
        HttpResponse<String> added = send("POST", "/api/event", adminToken(), Map.of(
                "name", unique("on_order"), "event", event, "active", true,
                "condition", "$.status == 'go'",
                "actions", List.of(
                        Map.of("action", "start_workflow", "start_workflow", Map.of("name", started,
                                "correlationId", "${orderId}", "input", Map.of("orderId", "${orderId}"))),
                        Map.of("action", "complete_task", "complete_task", Map.of("workflowId", "${waiting}",
                                "taskRefName", "hold", "output", Map.of("order", "${orderId}"))))));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);

        UUID skipped = start(source, Map.of("status", "wait", "orderId", "o-0", "waiting", waiting.toString()));
        Workflow published = awaitStatus(skipped, WorkflowStatus.COMPLETED, SHORT);
        Task event0 = taskByRef(published, "publish");
        assertThat(event0.getOutputData()).containsEntry("event_produced", event)
                .containsEntry("workflowInstanceId", skipped.toString()).containsEntry("workflowType", source)
                .containsEntry("orderId", "o-0").containsEntry("sink", "conductor");
        UUID go = start(source, Map.of("status", "go", "orderId", "o-1", "waiting", waiting.toString()));
        awaitStatus(go, WorkflowStatus.COMPLETED, SHORT);

        List<UUID> runs = awaitExecutions(started, 1);
        assertThat(runs).hasSize(1);
        Workflow child = awaitStatus(runs.get(0), WorkflowStatus.COMPLETED, SHORT);
        assertThat(child.getCorrelationId()).isEqualTo("o-1");
        assertThat(child.getInput()).containsEntry("orderId", "o-1").containsEntry("conductor.event.name", event)
                .containsKey("conductor.event.messageId");
        Workflow released = awaitStatus(waiting, WorkflowStatus.COMPLETED, SHORT);
        assertThat(taskByRef(released, "hold").getOutputData()).containsEntry("order", "o-1")
                .containsEntry("taskRefName", "hold").containsEntry("conductor.event.name", event);
        sleep(300);
        assertThat(executionsOf(started)).as("the message whose condition failed started nothing").hasSize(1);
        assertThat(executions(event)).anySatisfy(e -> assertThat(e).contains("#0 SKIPPED"));
    }

    @Test
    void aMessageHandledAgainActsOnlyOnce() throws Exception {
        String source = publisher("conductor:orders");
        String started = noop();
        String event = "conductor:" + source + ":orders";
        String handler = unique("once");
        assertThat(send("POST", "/api/event", adminToken(), Map.of("name", handler, "event", event, "active", true,
                "actions", List.of(Map.of("action", "start_workflow", "start_workflow", Map.of("name", started)))))
                .statusCode()).isEqualTo(200);
        UUID id = start(source, Map.of("orderId", "o-9"));
        awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        assertThat(awaitExecutions(started, 1)).hasSize(1);
        long deadline = System.nanoTime() + SHORT.toNanos();
        while (sql("UPDATE event_messages SET visible_at = visible_at WHERE event = '" + event
                + "' AND handled_at IS NOT NULL") == 0 && System.nanoTime() < deadline) {
            sleep(50);
        }

        // as if the node had died before marking it handled: the message is claimed and handled again
        assertThat(sql("UPDATE event_messages SET handled_at = NULL, visible_at = now() WHERE event = '" + event
                + "'")).isEqualTo(1);
        deadline = System.nanoTime() + SHORT.toNanos();
        while (sql("UPDATE event_messages SET visible_at = visible_at WHERE event = '" + event
                + "' AND handled_at IS NOT NULL") == 0 && System.nanoTime() < deadline) {
            sleep(50);
        }
        assertThat(executionsOf(started)).as("started once").hasSize(1);
        assertThat(executions(event)).singleElement().satisfies(e -> assertThat(e).startsWith(handler
                + "#0 COMPLETED {\"workflowId\": \""));
    }

    @Test
    void handlersTerminateAndUpdateVariablesAndARefusalIsRecordedNotRetried() throws Exception {
        String source = publisher("conductor");
        String held = waiter();
        UUID toUpdate = start(held, Map.of());
        UUID toTerminate = start(held, Map.of());
        String event = "conductor:" + source + ":publish";
        String handler = unique("admin_ops");
        assertThat(send("POST", "/api/event", adminToken(), Map.of("name", handler, "event", event, "active", true,
                "actions", List.of(
                        Map.of("action", "update_workflow_variables", "update_workflow_variables",
                                Map.of("workflowId", "${waiting}", "variables", Map.of("order", "${orderId}"))),
                        Map.of("action", "terminate_workflow", "terminate_workflow",
                                Map.of("workflowId", "${status}", "terminationReason", "cancelled by ${orderId}")),
                        Map.of("action", "fail_task", "fail_task",
                                Map.of("workflowId", UUID.randomUUID().toString(), "taskRefName", "hold")))))
                .statusCode()).isEqualTo(200);
        start(source, Map.of("status", toTerminate.toString(), "orderId", "o-5", "waiting", toUpdate.toString()));

        Workflow terminated = awaitStatus(toTerminate, WorkflowStatus.TERMINATED, SHORT);
        assertThat(terminated.getReasonForIncompletion()).isEqualTo("cancelled by o-5");
        long deadline = System.nanoTime() + SHORT.toNanos();
        while (!"o-5".equals(workflow(toUpdate).getVariables().get("order")) && System.nanoTime() < deadline) {
            sleep(50);
        }
        assertThat(workflow(toUpdate).getVariables()).containsEntry("order", "o-5");
        deadline = System.nanoTime() + SHORT.toNanos();
        while (executions(event).size() < 3 && System.nanoTime() < deadline) {
            sleep(50);
        }
        assertThat(executions(event)).hasSize(3).anySatisfy(e -> assertThat(e).startsWith(handler + "#2 FAILED")
                .contains("not found"));
    }

    @Test
    void theEventApiListsChangesAndRemovesHandlersInConductorsShape() throws Exception {
        String name = unique("crud");
        String event = "conductor:" + unique("flow") + ":done";
        Map<String, Object> def = Map.of("name", name, "event", event, "active", true, "condition", "true",
                "actions", List.of(Map.of("action", "complete_task", "complete_task",
                        Map.of("taskId", "${taskId}"), "expandInlineJSON", true)));
        assertThat(send("POST", "/api/event", adminToken(), def).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/event", adminToken(), def).statusCode()).as("exists").isEqualTo(409);

        JsonNode all = JSON.readTree(call("GET", "/api/event", adminToken(), null).body());
        JsonNode mine = null;
        for (JsonNode h : all) {
            if (h.get("name").asString().equals(name)) {
                mine = h;
            }
        }
        assertThat(mine).isNotNull();
        assertThat(mine.get("event").asString()).isEqualTo(event);
        assertThat(mine.get("active").asBoolean()).isTrue();
        assertThat(mine.get("actions").get(0).get("action").asString()).isEqualTo("complete_task");
        assertThat(mine.get("actions").get(0).get("complete_task").get("taskId").asString()).isEqualTo("${taskId}");
        assertThat(mine.get("actions").get(0).get("expandInlineJSON").asBoolean()).isTrue();

        Map<String, Object> inactive = new java.util.HashMap<>(def);
        inactive.put("active", false);
        assertThat(send("PUT", "/api/event", adminToken(), inactive).statusCode()).isEqualTo(200);
        String path = "/api/event/" + event;
        assertThat(JSON.readTree(call("GET", path, adminToken(), null).body()).size()).as("active only").isZero();
        assertThat(JSON.readTree(call("GET", path + "?activeOnly=false", adminToken(), null).body()).size())
                .isEqualTo(1);
        assertThat(JSON.readTree(call("GET", "/api/event/queues/providers", adminToken(), null).body()).toString())
                .contains("\"conductor\"");
        assertThat(JSON.readTree(call("GET", "/api/event/queues", adminToken(), null).body()).has(event)).isTrue();

        assertThat(call("DELETE", "/api/event/" + name, adminToken(), null).statusCode()).isEqualTo(200);
        assertThat(call("DELETE", "/api/event/" + name, adminToken(), null).statusCode()).isEqualTo(404);
        Map<String, Object> missing = new java.util.HashMap<>(def);
        missing.put("name", unique("nobody"));
        assertThat(send("PUT", "/api/event", adminToken(), missing).statusCode()).isEqualTo(404);
    }

    @Test
    void badHandlersAreRefusedNamingEachField() throws Exception {
        HttpResponse<String> r = send("POST", "/api/event", adminToken(), Map.of("name", "bad name!",
                "event", "sqs:orders", "condition", "$.a ==", "evaluatorType", "python",
                "actions", List.of(Map.of("action", "start_workflow", "start_workflow", Map.of()),
                        Map.of("action", "complete_task", "complete_task", Map.of("workflowId", "x")))));
        assertThat(r.statusCode()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        JSON.readTree(r.body()).get("validationErrors").forEach(v -> fields.add(v.get("path").asString()));
        assertThat(fields).containsExactlyInAnyOrder("name", "event", "condition", "evaluatorType",
                "actions[0].start_workflow.name", "actions[1].complete_task");
        HttpResponse<String> none = send("POST", "/api/event", adminToken(), Map.of("name", unique("empty"),
                "event", "conductor:a:b", "actions", List.of()));
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(none.body()).get("field").asString()).isEqualTo("actions");

        String flow = unique("bad_sink");
        HttpResponse<String> sink = call("POST", "/api/metadata/workflow", adminToken(), """
                {"name":"%s","tasks":[{"name":"e","taskReferenceName":"e","type":"EVENT",
                  "inputParameters":{"sink":"sqs:orders"}}]}""".formatted(flow));
        assertThat(sink.statusCode()).isEqualTo(400);
        assertThat(sink.body()).contains("no broker of type 'sqs' is configured");
    }

    @Test
    void aTeamsHandlerMayStartOnlyWhatTheTeamMayRunAndIsHeldToItWhenItActs() throws Exception {
        TeamWorld mine = TeamWorld.create(identities, this::token);
        TeamWorld theirs = TeamWorld.create(identities, this::token);
        String theirFlow = unique("theirs");
        assertThat(call("POST", "/api/metadata/workflow?team=" + theirs.team(), theirs.token(), """
                {"name":"%s","tasks":[{"name":"n","taskReferenceName":"n","type":"SET_VARIABLE",
                  "inputParameters":{"x":1}}]}""".formatted(theirFlow)).statusCode()).isEqualTo(200);
        String source = publisher("conductor");
        String event = "conductor:" + source + ":publish";

        HttpResponse<String> direct = send("POST", "/api/event?team=" + mine.team(), mine.token(), Map.of(
                "name", unique("grab"), "event", event, "active", true, "actions", List.of(Map.of(
                        "action", "start_workflow", "start_workflow", Map.of("name", theirFlow)))));
        assertThat(direct.statusCode()).isEqualTo(403);
        assertThat(direct.body()).contains("actions[0].start_workflow");

        String sneaky = unique("sneaky");
        assertThat(send("POST", "/api/event?team=" + mine.team(), mine.token(), Map.of(
                "name", sneaky, "event", event, "active", true, "actions", List.of(Map.of(
                        "action", "start_workflow", "start_workflow", Map.of("name", "${orderId}")))))
                .statusCode()).isEqualTo(200);
        UUID id = start(source, Map.of("orderId", theirFlow));
        awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        long deadline = System.nanoTime() + SHORT.toNanos();
        while (executions(event).isEmpty() && System.nanoTime() < deadline) {
            sleep(50);
        }
        assertThat(executions(event)).singleElement().satisfies(e -> assertThat(e).startsWith(sneaky + "#0 FAILED"));
        assertThat(executionsOf(theirFlow)).isEmpty();
        assertThat(call("DELETE", "/api/event/" + sneaky, theirs.token(), null).statusCode()).isEqualTo(403);
    }

    @Test
    void anotherTenantsHandlerOfTheSameEventNeverSeesTheMessage() throws Exception {
        String source = publisher("conductor");
        String event = "conductor:" + source + ":publish";
        dev.baton.tenancy.TenantId other = createTenant("ev-" + UUID.randomUUID().toString().substring(0, 8));
        String otherToken = token(adminKey(other));
        String flow = unique("other_flow");
        identities.createTeam(other, "ops", null);
        assertThat(call("POST", "/api/metadata/workflow?team=ops", otherToken, """
                {"name":"%s","tasks":[{"name":"n","taskReferenceName":"n","type":"SET_VARIABLE",
                  "inputParameters":{"x":1}}]}""".formatted(flow)).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/event?team=ops", otherToken, Map.of("name", unique("listener"), "event", event,
                "active", true, "actions", List.of(Map.of("action", "start_workflow",
                        "start_workflow", Map.of("name", flow))))).statusCode()).isEqualTo(200);
        UUID id = start(source, Map.of("orderId", "o-2"));
        awaitStatus(id, WorkflowStatus.COMPLETED, SHORT);
        sleep(500);
        assertThat(workflows.search(other, new dev.baton.engine.api.ExecutionQuery(List.of(flow), null, null, null,
                null, null, null, null, false, 0, 10)).totalHits()).isZero();
        assertThat(JSON.readTree(call("GET", "/api/event/" + event, adminToken(), null).body()).size()).isZero();
    }

    @Test
    void aTaskWaitsForAllOrAnyOfSeveralEventsMatchingItsFieldsAndGetsTheirPayloads() throws Exception {
        String paid = unique("paid");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"e","taskReferenceName":"e","type":"EVENT",
                  "inputParameters":{"sink":"conductor:paid","orderId":"${workflow.input.orderId}",
                    "amount":"${workflow.input.amount}"}}]}""".formatted(paid));
        String shipped = unique("shipped");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"e","taskReferenceName":"e","type":"EVENT",
                  "inputParameters":{"sink":"conductor:shipped","orderId":"${workflow.input.orderId}"}}]}"""
                .formatted(shipped));
        String paidEvent = "conductor:" + paid + ":paid";
        String shippedEvent = "conductor:" + shipped + ":shipped";
        String waiter = unique("waits_for_events");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"w","taskReferenceName":"w","type":"WAIT_FOR_EVENTS",
                  "inputParameters":{"events":["%s","%s"],"mode":"${workflow.input.mode}",
                    "match":{"orderId":"${workflow.input.orderId}"}}}],
                 "outputParameters":{"events":"${w.output.events}"}}""".formatted(waiter, paidEvent, shippedEvent));
        UUID all = start(waiter, Map.of("orderId", "o-1", "mode", "ALL"));
        UUID any = start(waiter, Map.of("orderId", "o-1", "mode", "ANY"));
        UUID other = start(waiter, Map.of("orderId", "o-2", "mode", "ANY"));
        awaitTask(all, "w", TaskStatus.IN_PROGRESS);

        start(paid, Map.of("orderId", "o-1", "amount", 30));
        Workflow first = awaitStatus(any, WorkflowStatus.COMPLETED, SHORT);
        List<Object> anyKeys = new ArrayList<>(((Map<?, ?>) first.getOutput().get("events")).keySet());
        assertThat(anyKeys).as("any: the first is enough").containsExactly(paidEvent);
        @SuppressWarnings("unchecked")
        Map<String, Object> paidPayload = (Map<String, Object>) ((Map<String, Object>) first.getOutput().get("events"))
                .get(paidEvent);
        assertThat(paidPayload).containsEntry("orderId", "o-1").containsEntry("amount", 30);
        assertThat(workflow(all).getStatus()).as("still waiting to be shipped").isEqualTo(WorkflowStatus.RUNNING);

        start(shipped, Map.of("orderId", "o-3"));
        sleep(300);
        assertThat(workflow(all).getStatus()).as("another order's shipping").isEqualTo(WorkflowStatus.RUNNING);
        start(shipped, Map.of("orderId", "o-1"));
        Workflow both = awaitStatus(all, WorkflowStatus.COMPLETED, SHORT);
        List<Object> allKeys = new ArrayList<>(((Map<?, ?>) both.getOutput().get("events")).keySet());
        assertThat(allKeys).containsExactlyInAnyOrder(paidEvent, shippedEvent);
        assertThat(workflow(other).getStatus()).isEqualTo(WorkflowStatus.RUNNING);
        workflows.terminate(TENANT, other, "no longer needed");

        HttpResponse<String> bad = call("POST", "/api/metadata/workflow", adminToken(), """
                {"name":"%s","tasks":[{"name":"w","taskReferenceName":"w","type":"WAIT_FOR_EVENTS",
                  "inputParameters":{"events":["sqs:x"],"mode":"SOME"}}]}""".formatted(unique("bad_wait")));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("field").asString()).isEqualTo("tasks[0].inputParameters.events[0]");
        assertThat(bad.body()).contains("no event source of type 'sqs'");
        HttpResponse<String> mode = call("POST", "/api/metadata/workflow", adminToken(), """
                {"name":"%s","tasks":[{"name":"w","taskReferenceName":"w","type":"WAIT_FOR_EVENTS",
                  "inputParameters":{"events":["conductor:a:b"],"mode":"SOME"}}]}""".formatted(unique("bad_mode")));
        assertThat(mode.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(mode.body()).get("field").asString()).isEqualTo("tasks[0].inputParameters.mode");
    }

    @Test
    void theQueueAdminApiCompletesOrFailsAWaitingTaskByReferenceOrId() throws Exception {
        String held = waiter();
        UUID byRef = start(held, Map.of());
        HttpResponse<String> done = send("POST", "/api/queue/update/" + byRef + "/hold/COMPLETED", adminToken(),
                Map.of("approved", true));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        Workflow w = awaitStatus(byRef, WorkflowStatus.COMPLETED, SHORT);
        assertThat(taskByRef(w, "hold").getOutputData()).containsEntry("approved", true)
                .containsEntry("externalId", "{\"workflowId\":\"" + byRef + "\",\"taskRefName\":\"hold\"}");

        UUID byId = start(held, Map.of());
        UUID taskId = taskByRef(workflow(byId), "hold").getTaskId();
        assertThat(send("POST", "/api/queue/update/" + byId + "/task/" + taskId + "/FAILED", adminToken(),
                Map.of("why", "no")).statusCode()).isEqualTo(200);
        assertThat(awaitStatus(byId, WorkflowStatus.FAILED, SHORT).getTasks().get(0).getStatus())
                .isEqualTo(TaskStatus.FAILED);
        assertThat(send("POST", "/api/queue/update/" + byId + "/hold/SKIPPED", adminToken(), Map.of())
                .statusCode()).isEqualTo(400);
        assertThat(send("POST", "/api/queue/update/" + UUID.randomUUID() + "/hold/COMPLETED", adminToken(),
                Map.of()).statusCode()).isEqualTo(404);
        JsonNode names = JSON.readTree(call("GET", "/api/queue/", adminToken(), null).body());
        assertThat(names.get("COMPLETED").asString()).isEqualTo("conductor_COMPLETED");
        assertThat(JSON.readTree(call("GET", "/api/queue/size", adminToken(), null).body()).get("conductor_FAILED")
                .asLong()).isZero();
    }
}
