package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** Conductor's workflow message queue: POST /api/workflow/{id}/messages and the PULL_WORKFLOW_MESSAGES task. */
// a second application in the test JVM would take timers and queued tasks from the shared one's waiting
// pollers, so it closes after its class
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(properties = {"baton.engine.payloads.offload-bytes=4096",
        "baton.engine.payloads.max-upload-bytes=200000", "baton.engine.messages.max-queue-size=3",
        "baton.engine.messages.max-batch-size=2"})
class WorkflowMessagesIT extends PlatformIT {

    @Test
    void pushedMessagesAreTakenInOrderInBatchesInConductorsShape() throws Exception {
        String admin = adminToken();
        String flow = unique("message_loop");
        registerWorkflow("""
                {"name":"%s","version":1,"outputParameters":{"first":"${first.output.messages}",
                  "batch":"${batch.output.messages}","count":"${batch.output.count}",
                  "last":"${last.output.messages}"},"tasks":[
                  {"name":"first","taskReferenceName":"first","type":"PULL_WORKFLOW_MESSAGES"},
                  {"name":"h","taskReferenceName":"h","type":"HUMAN"},
                  {"name":"batch","taskReferenceName":"batch","type":"PULL_WORKFLOW_MESSAGES",
                   "inputParameters":{"batchSize":10}},
                  {"name":"last","taskReferenceName":"last","type":"PULL_WORKFLOW_MESSAGES"}]}""".formatted(flow));
        UUID id = start(flow, Map.of());
        Task waiting = workflow(id).getTasks().get(0);
        assertThat(waiting.getTaskType()).isEqualTo("PULL_WORKFLOW_MESSAGES");
        assertThat(waiting.getStatus().name()).as("it waits for a message").isEqualTo("IN_PROGRESS");

        HttpResponse<String> pushed = call("POST", "/api/workflow/" + id + "/messages", admin, "{\"text\":\"a\"}");
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(200);
        assertThat(pushed.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        String firstId = pushed.body();
        assertThat(workflow(id).getTasks().get(0).getStatus().name()).as("taken in the push's own decision")
                .isEqualTo("COMPLETED");
        for (String text : List.of("b", "c", "d")) {
            assertThat(call("POST", "/api/workflow/" + id + "/messages", admin, "{\"text\":\"" + text + "\"}")
                    .statusCode()).isEqualTo(200);
        }
        assertThat(call("POST", "/api/tasks/" + id + "/h/COMPLETED", admin, "{}").statusCode()).isEqualTo(200);
        Workflow done = awaitStatus(id, WorkflowStatus.COMPLETED, Duration.ofSeconds(5));
        assertThat(messages(done, "first")).singleElement().satisfies(m -> {
            assertThat(m.get("id")).isEqualTo(firstId);
            assertThat(m.get("workflowId")).isEqualTo(id.toString());
            assertThat(m.get("payload")).isEqualTo(Map.of("text", "a"));
            assertThat(Instant.parse((String) m.get("receivedAt"))).isBefore(Instant.now());
        });
        assertThat(messages(done, "batch")).as("batchSize 10 is capped at max-batch-size 2, oldest first")
                .extracting(m -> m.get("payload")).containsExactly(Map.of("text", "b"), Map.of("text", "c"));
        assertThat(done.getOutput().get("count")).isEqualTo(2);
        assertThat(messages(done, "last")).extracting(m -> m.get("payload")).containsExactly(Map.of("text", "d"));

        HttpResponse<String> late = call("POST", "/api/workflow/" + id + "/messages", admin, "{\"text\":\"e\"}");
        assertThat(late.statusCode()).as("only running workflows take messages").isEqualTo(409);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> messages(Workflow w, String output) {
        return (List<Map<String, Object>>) w.getOutput().get(output);
    }

    @Test
    void aFullQueueAnswers429AndBadPushesAnswer4xx() throws Exception {
        String admin = adminToken();
        String flow = unique("no_reader");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[{"name":"h","taskReferenceName":"h","type":"HUMAN"}]}"""
                .formatted(flow));
        UUID id = start(flow, Map.of());
        for (int i = 0; i < 3; i++) {
            assertThat(call("POST", "/api/workflow/" + id + "/messages", admin, "{\"n\":" + i + "}").statusCode())
                    .isEqualTo(200);
        }
        HttpResponse<String> full = call("POST", "/api/workflow/" + id + "/messages", admin, "{\"n\":3}");
        assertThat(full.statusCode()).isEqualTo(429);
        JsonNode problem = JSON.readTree(full.body());
        assertThat(problem.get("limit").asString()).isEqualTo("maxQueueSize");
        assertThat(problem.get("value").asInt()).isEqualTo(3);

        assertThat(call("POST", "/api/workflow/" + UUID.randomUUID() + "/messages", admin, "{}").statusCode())
                .isEqualTo(404);
        HttpResponse<String> notAnObject = call("POST", "/api/workflow/" + id + "/messages", admin, "[1]");
        assertThat(notAnObject.statusCode()).isEqualTo(400);
        String intruder = token(adminKey(createTenant("wmq-" + UUID.randomUUID().toString().substring(0, 8))));
        assertThat(call("POST", "/api/workflow/" + id + "/messages", intruder, "{}").statusCode())
                .as("another tenant's workflow is not found").isEqualTo(404);
        assertThat(ownerQuery("SELECT count(*)::text FROM workflow_messages WHERE workflow_id = ?", id))
                .isEqualTo("3");
    }

    @Test
    void aBatchSizeThatIsNotAWholeNumberIsRefusedAtRegistration() throws Exception {
        HttpResponse<String> r = call("POST", "/api/metadata/workflow", adminToken(), """
                {"name":"%s","version":1,"tasks":[{"name":"p","taskReferenceName":"p",
                  "type":"PULL_WORKFLOW_MESSAGES","inputParameters":{"batchSize":0}}]}""".formatted(unique("bad")));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("field").asString()).isEqualTo("tasks[0].inputParameters.batchSize");
    }
}
