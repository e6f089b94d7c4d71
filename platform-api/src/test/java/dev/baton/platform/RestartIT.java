package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Kills the server with SIGKILL while workflows wait on timers and on workers, starts it again on the same
 * database, and proves every workflow then finishes exactly once: timers that fell due while it was down fire,
 * tasks a worker held when it died are handed out again after their response timeout, and nothing runs twice.
 */
class RestartIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int WORKFLOWS = 12;
    private static final Duration BOOT = Duration.ofSeconds(90);

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String taskA = "restart_a_" + suffix;
    private final String taskB = "restart_b_" + suffix;
    private final String flow = "restart_flow_" + suffix;
    private String base;
    private String token;

    @Test
    void workflowsWaitingOnTimersAndWorkersFinishExactlyOnceAfterTheServerIsKilled() throws Exception {
        Path credentials = Files.createTempDirectory("baton-restart-").resolve("initial-credentials");
        try (ServerProcess server = ServerProcess.onDatabase(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword(), "--baton.engine.timer-interval=PT0.1S",
                "--baton.auth.initial-credentials-file=" + credentials)) {
            server.start(BOOT);
            base = server.baseUrl();
            signIn(credentials);
            registerDefinitions();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < WORKFLOWS; i++) {
                ids.add(send("POST", "/api/workflow", Map.of("name", flow, "version", 1, "input", Map.of("i", i)))
                        .body());
            }
            // Half the workflows get their first task done and go to sleep on a 3-second WAIT timer; the other
            // half have their first task taken by a worker that will never answer (it dies with the server).
            for (JsonNode task : pollBatch(taskA, WORKFLOWS / 2)) {
                complete(task);
            }
            List<JsonNode> abandoned = pollBatch(taskA, WORKFLOWS / 2);
            assertThat(abandoned).hasSize(WORKFLOWS / 2);

            server.kill();
            // While the server is down every WAIT timer and every response timeout falls due.
            Thread.sleep(3_500);
            server.start(BOOT);

            Map<String, List<String>> deliveredB = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!allCompleted(ids) && System.nanoTime() < deadline) {
                for (JsonNode task : pollBatch(taskA, WORKFLOWS)) {
                    complete(task);
                }
                for (JsonNode task : pollBatch(taskB, WORKFLOWS)) {
                    deliveredB.computeIfAbsent(task.get("workflowInstanceId").asString(), k -> new ArrayList<>())
                            .add(task.get("taskId").asString());
                    complete(task);
                }
            }

            for (String id : ids) {
                JsonNode w = getJson("/api/workflow/" + id + "?includeTasks=true");
                assertThat(w.get("status").asString()).as("workflow %s", id).isEqualTo("COMPLETED");
                int i = w.get("input").get("i").asInt();
                assertThat(w.get("output").get("a").asInt()).isEqualTo(i * 10);
                assertThat(w.get("output").get("b").asInt()).isEqualTo(i * 10);
                assertThat(statusesOf(w, "first")).as("first task of %s", id).isIn(
                        List.of("COMPLETED"), List.of("TIMED_OUT", "COMPLETED"));
                assertThat(statusesOf(w, "nap")).as("timer of %s", id).containsExactly("COMPLETED");
                assertThat(statusesOf(w, "second")).as("last task of %s", id).containsExactly("COMPLETED");
                assertThat(deliveredB.get(id)).as("deliveries of the last task of %s", id).hasSize(1);
            }
            for (JsonNode task : abandoned) {
                JsonNode w = getJson("/api/workflow/" + task.get("workflowInstanceId").asString()
                        + "?includeTasks=true");
                assertThat(statusesOf(w, "first")).as("a task held by the killed worker times out and is retried")
                        .containsExactly("TIMED_OUT", "COMPLETED");
            }
            JsonNode search = getJson("/api/workflow/search?query=" + "workflowType%3D" + flow + "&size=100");
            assertThat(search.get("totalHits").asInt()).as("no workflow was started twice").isEqualTo(WORKFLOWS);
        }
    }

    /**
     * Signs in with the first administrator's key. The test database may already have users (other tests in this
     * JVM share it), in which case no file was written and a key is made in the database directly.
     */
    private void signIn(Path credentials) throws IOException, InterruptedException {
        String keyId;
        String secret;
        if (Files.exists(credentials)) {
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(credentials)) {
                p.load(in);
            }
            keyId = p.getProperty("BATON_KEY_ID");
            secret = p.getProperty("BATON_KEY_SECRET");
        } else {
            String[] key = TestKeys.tenantAdminKey();
            keyId = key[0];
            secret = key[1];
        }
        HttpResponse<String> r = send("POST", "/api/token", Map.of("keyId", keyId, "keySecret", secret));
        expect(r, 200);
        token = JSON.readTree(r.body()).get("token").asString();
    }

    private void registerDefinitions() throws IOException, InterruptedException {
        Map<String, Object> worker = Map.of("retryCount", 2, "retryLogic", "FIXED", "retryDelaySeconds", 0,
                "responseTimeoutSeconds", 2, "timeoutSeconds", 120);
        List<Map<String, Object>> defs = new ArrayList<>();
        for (String name : List.of(taskA, taskB)) {
            Map<String, Object> def = new HashMap<>(worker);
            def.put("name", name);
            defs.add(def);
        }
        expect(send("POST", "/api/metadata/taskdefs", defs), 200);
        Map<String, Object> workflow = Map.of(
                "name", flow, "version", 1, "ownerEmail", "restart@example.com",
                "outputParameters", Map.of("a", "${first.output.n}", "b", "${second.output.n}"),
                "tasks", List.of(
                        Map.of("name", taskA, "taskReferenceName", "first", "type", "SIMPLE",
                                "inputParameters", Map.of("i", "${workflow.input.i}")),
                        Map.of("name", "nap", "taskReferenceName", "nap", "type", "WAIT",
                                "inputParameters", Map.of("duration", "3 seconds")),
                        Map.of("name", taskB, "taskReferenceName", "second", "type", "SIMPLE",
                                "inputParameters", Map.of("i", "${workflow.input.i}"))));
        expect(send("POST", "/api/metadata/workflow", workflow), 200);
    }

    private List<JsonNode> pollBatch(String taskType, int count) throws IOException, InterruptedException {
        HttpResponse<String> r = send("GET", "/api/tasks/poll/batch/" + taskType + "?workerid=restart-worker&count="
                + count + "&timeout=500", null);
        expect(r, 200);
        List<JsonNode> tasks = new ArrayList<>();
        JSON.readTree(r.body()).forEach(tasks::add);
        return tasks;
    }

    private void complete(JsonNode task) throws IOException, InterruptedException {
        int i = task.get("inputData").get("i").asInt();
        expect(send("POST", "/api/tasks", Map.of(
                "workflowInstanceId", task.get("workflowInstanceId").asString(),
                "taskId", task.get("taskId").asString(),
                "workerId", "restart-worker",
                "status", "COMPLETED",
                "outputData", Map.of("n", i * 10))), 200);
    }

    private boolean allCompleted(List<String> ids) throws IOException, InterruptedException {
        for (String id : ids) {
            if (!getJson("/api/workflow/" + id + "?includeTasks=false").get("status").asString().equals("COMPLETED")) {
                return false;
            }
        }
        return true;
    }

    private static List<String> statusesOf(JsonNode workflow, String ref) {
        List<String> statuses = new ArrayList<>();
        for (JsonNode t : workflow.get("tasks")) {
            if (t.get("referenceTaskName").asString().equals(ref)) {
                statuses.add(t.get("status").asString());
            }
        }
        return statuses;
    }

    private JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = send("GET", path, null);
        expect(r, 200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> send(String method, String path, Object body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("X-Authorization", token);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as("%s %s answered %s", response.request().method(),
                response.request().uri(), response.body()).isEqualTo(status);
    }
}
