package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskResult;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.tenancy.Tenant;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.Tenants;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Large payloads: values over the offload size kept out of the execution rows and brought back whole, and Conductor's
 * external payload storage protocol as its official clients speak it, bounded and confined to the caller's tenant.
 */
// a second application in the test JVM would take timers and queued tasks from the shared one's waiting
// pollers, so it closes after its class
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(properties = {"baton.engine.payloads.offload-bytes=4096",
        "baton.engine.payloads.max-upload-bytes=200000", "baton.engine.messages.max-queue-size=3",
        "baton.engine.messages.max-batch-size=2"})
class LargePayloadsIT extends PlatformIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Autowired Tenants tenants;

    @Test
    void aLargeOutputIsKeptOutOfTheRowsStoredOnceAndReadBackWhole() throws Exception {
        String worker = unique("big_producer");
        String consumer = unique("big_consumer");
        registerTask(worker, "");
        registerTask(consumer, "");
        String flow = unique("big_flow");
        registerWorkflow("""
                {"name":"%s","version":1,"outputParameters":{"blob":"${p.output.blob}"},"tasks":[
                  {"name":"%s","taskReferenceName":"p"},
                  {"name":"%s","taskReferenceName":"c","inputParameters":{"blob":"${p.output.blob}"}}]}"""
                .formatted(flow, worker, consumer));
        UUID id = start(flow, Map.of("small", "input"));
        String blob = "é".repeat(3000) + "x".repeat(10_000);
        complete(poll(worker), Map.of("blob", blob));
        Task next = poll(consumer);
        assertThat(next.getInputData()).as("the next task's input, read back in its poll").isEqualTo(Map.of("blob",
                blob));
        complete(next, Map.of("done", true));
        Workflow done = awaitStatus(id, WorkflowStatus.COMPLETED, Duration.ofSeconds(10));
        assertThat(done.getOutput()).isEqualTo(Map.of("blob", blob));

        JsonNode viaApi = JSON.readTree(call("GET", "/api/workflow/" + id, adminToken(), null).body());
        assertThat(viaApi.get("output").get("blob").asString()).isEqualTo(blob);
        assertThat(viaApi.get("tasks").get(0).get("outputData").get("blob").asString()).isEqualTo(blob);

        assertThat(ownerQuery("SELECT output::text FROM tasks WHERE workflow_id = ? AND ref_name = 'p'", id))
                .as("the row holds an empty object").isEqualTo("{}");
        assertThat(ownerQuery("SELECT output::text FROM workflows WHERE id = ?", id)).isEqualTo("{}");
        assertThat(ownerQuery("SELECT offloaded ->> 'output' FROM tasks WHERE workflow_id = ? AND ref_name = 'p'",
                id)).hasSize(64);
        assertThat(ownerQuery("SELECT count(*)::text FROM execution_payloads WHERE workflow_id = ?", id))
                .as("one output, passed on as an input and a workflow output, is stored once").isEqualTo("1");
        assertThat(ownerQuery("SELECT input::text FROM workflows WHERE id = ?", id))
                .as("small values stay in the row").contains("\"small\"");

        assertThat(call("DELETE", "/api/workflow/" + id + "/remove", adminToken(), null).statusCode())
                .isEqualTo(200);
        assertThat(ownerQuery("SELECT count(*)::text FROM execution_payloads WHERE workflow_id = ?", id))
                .as("a removed workflow's payloads go with it").isEqualTo("0");
    }

    @Test
    void aWorkerReportingEverNewLargeOutputsLeavesOnlyTheLatestStored() throws Exception {
        String worker = unique("chatty_worker");
        String flow = oneTaskWorkflow(worker, "");
        UUID id = start(flow, Map.of());
        Task task = poll(worker);
        for (int i = 0; i < 3; i++) {
            report(task, TaskResult.Status.IN_PROGRESS, Map.of("progress", i + "y".repeat(8000)), null);
        }
        assertThat(ownerQuery("SELECT count(*)::text FROM execution_payloads WHERE workflow_id = ?", id))
                .isEqualTo("1");
        assertThat(workflow(id).getTasks().get(0).getOutputData().get("progress").toString()).startsWith("2y");
    }

    @Test
    void theOfficialClientsExternalStorageProtocolCarriesATaskOutputAndAWorkflowInput() throws Exception {
        String admin = adminToken();
        String worker = unique("uploading_worker");
        String flow = oneTaskWorkflow(worker, "");
        Map<String, Object> big = Map.of("rows", "r".repeat(50_000));

        JsonNode inputPlace = location(admin, "workflow", "WRITE", "WORKFLOW_INPUT", "");
        assertThat(inputPlace.get("path").asString()).startsWith("workflow/input/").endsWith(".json");
        assertThat(upload(inputPlace.get("uri").asString(), JSON.writeValueAsString(big)).statusCode())
                .isEqualTo(201);
        HttpResponse<String> started = call("POST", "/api/workflow", admin, JSON.writeValueAsString(Map.of(
                "name", flow, "input", Map.of("inline", 1),
                "externalInputPayloadStoragePath", inputPlace.get("path").asString())));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        UUID id = UUID.fromString(started.body());
        Map<String, Object> expectedInput = new LinkedHashMap<>(big);
        expectedInput.put("inline", 1);
        assertThat(workflow(id).getInput()).isEqualTo(expectedInput);

        Task task = poll(worker);
        JsonNode outputPlace = location(admin, "tasks", "WRITE", "TASK_OUTPUT", "");
        assertThat(outputPlace.get("path").asString()).startsWith("task/output/");
        String uri = outputPlace.get("uri").asString();
        assertThat(URI.create(uri).getPath()).startsWith("/api/payloads/");
        assertThat(upload(uri, JSON.writeValueAsString(big)).statusCode()).isEqualTo(201);
        HttpResponse<String> again = upload(uri, "{\"other\":1}");
        assertThat(again.statusCode()).as("a place is written once").isEqualTo(409);

        HttpResponse<String> updated = call("POST", "/api/tasks", admin, JSON.writeValueAsString(Map.of(
                "workflowInstanceId", id.toString(), "taskId", task.getTaskId().toString(), "status", "COMPLETED",
                "workerId", "worker-1", "externalOutputPayloadStoragePath", outputPlace.get("path").asString())));
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        Workflow done = awaitStatus(id, WorkflowStatus.COMPLETED, Duration.ofSeconds(10));
        assertThat(done.getTasks().get(0).getOutputData()).isEqualTo(big);

        JsonNode readPlace = location(admin, "tasks", "READ", "TASK_OUTPUT", outputPlace.get("path").asString());
        HttpResponse<String> read = HTTP.send(HttpRequest.newBuilder(URI.create(readPlace.get("uri").asString()))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(JSON.readValue(read.body(), Map.class)).isEqualTo(big);
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(uri)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).as("a WRITE capability does not read")
                .isEqualTo(404);
    }

    @Test
    void placesAreBoundedValidatedAndConfinedToTheirTenant() throws Exception {
        String admin = adminToken();
        String worker = unique("guarded_uploader");
        String flow = oneTaskWorkflow(worker, "");
        UUID id = start(flow, Map.of());
        Task task = poll(worker);
        JsonNode place = location(admin, "tasks", "WRITE", "TASK_OUTPUT", "");
        assertThat(upload(place.get("uri").asString(), "{\"mine\":true}").statusCode()).isEqualTo(201);

        TenantId other = TenantId.of("payloads-" + UUID.randomUUID().toString().substring(0, 8));
        tenants.create(other, "Other", new Tenant.Quotas(null, null, 1000, null, null));
        String intruder = token(adminKey(other));
        HttpResponse<String> borrowed = call("POST", "/api/tasks", intruder, JSON.writeValueAsString(Map.of(
                "workflowInstanceId", id.toString(), "taskId", task.getTaskId().toString(), "status", "COMPLETED",
                "externalOutputPayloadStoragePath", place.get("path").asString())));
        assertThat(borrowed.statusCode()).as("another tenant's task is not found").isEqualTo(404);
        HttpResponse<String> peek = call("GET", "/api/tasks/externalstoragelocation?operation=READ"
                + "&payloadType=TASK_OUTPUT&path=" + place.get("path").asString(), intruder, null);
        assertThat(peek.statusCode()).as("another tenant's path is not found").isEqualTo(404);

        String otherWorker = unique("other_worker");
        HttpResponse<String> registered = call("POST", "/api/metadata/taskdefs", intruder,
                "[{\"name\":\"" + otherWorker + "\"}]");
        assertThat(registered.statusCode()).isEqualTo(200);
        assertThat(call("POST", "/api/metadata/workflow", intruder, """
                {"name":"%s","tasks":[{"name":"%s","taskReferenceName":"w"}]}""".formatted(otherWorker + "_wf",
                otherWorker)).statusCode()).isEqualTo(200);
        String otherId = call("POST", "/api/workflow/" + otherWorker + "_wf", intruder, "{}").body();
        Task otherTask = tasks.poll(other, otherWorker, "w-1", null, 1, Duration.ofSeconds(5)).get(0);
        HttpResponse<String> foreignPath = call("POST", "/api/tasks", intruder, JSON.writeValueAsString(Map.of(
                "workflowInstanceId", otherId, "taskId", otherTask.getTaskId().toString(), "status", "COMPLETED",
                "externalOutputPayloadStoragePath", place.get("path").asString())));
        assertThat(foreignPath.statusCode()).as("a path of another tenant names nothing").isEqualTo(400);
        assertThat(JSON.readTree(foreignPath.body()).get("field").asString())
                .isEqualTo("externalOutputPayloadStoragePath");

        JsonNode small = location(intruder, "tasks", "WRITE", "TASK_OUTPUT", "");
        HttpResponse<String> overQuota = upload(small.get("uri").asString(),
                JSON.writeValueAsString(Map.of("x", "z".repeat(2000))));
        assertThat(overQuota.statusCode()).as("the tenant's payload quota holds for uploads").isEqualTo(413);
        assertThat(JSON.readTree(overQuota.body()).get("limit").asString()).isEqualTo("maxPayloadBytes");
        assertThat(JSON.readTree(overQuota.body()).get("value").asInt()).isEqualTo(1000);

        JsonNode another = location(admin, "tasks", "WRITE", "TASK_OUTPUT", "");
        HttpResponse<String> overCap = upload(another.get("uri").asString(),
                JSON.writeValueAsString(Map.of("x", "z".repeat(250_000))));
        assertThat(overCap.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(overCap.body()).get("limit").asLong()).isEqualTo(200_000);
        HttpResponse<String> notAnObject = upload(another.get("uri").asString(), "[1,2,3]");
        assertThat(notAnObject.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(notAnObject.body()).get("field").asString()).isEqualTo("body");

        HttpResponse<String> forged = upload("http://localhost:" + port + "/api/payloads/"
                + "A".repeat(43), "{}");
        assertThat(forged.statusCode()).isEqualTo(404);
        HttpResponse<String> wrongType = call("GET", "/api/tasks/externalstoragelocation?operation=WRITE"
                + "&payloadType=WORKFLOW_INPUT", admin, null);
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(wrongType.body()).get("field").asString()).isEqualTo("payloadType");
        HttpResponse<String> badOperation = call("GET", "/api/tasks/externalstoragelocation?operation=DELETE"
                + "&payloadType=TASK_OUTPUT", admin, null);
        assertThat(badOperation.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badOperation.body()).get("field").asString()).isEqualTo("operation");
    }

    private JsonNode location(String token, String resource, String operation, String type, String path)
            throws Exception {
        HttpResponse<String> r = call("GET", "/api/" + resource + "/externalstoragelocation?operation=" + operation
                + "&payloadType=" + type + "&path=" + path, token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** An upload as the official client makes it: a PUT of the JSON to the URI, with no credentials. */
    private static HttpResponse<String> upload(String uri, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(uri)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
