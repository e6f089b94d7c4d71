package dev.baton.ops.bench;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import tools.jackson.databind.JsonNode;

/** The platform under test: its packaged jar as a separate process, driven over its Conductor-compatible API. */
final class Platform implements Engine, AutoCloseable {

    private final JarProcess server;
    private final Http http;
    private String operatorToken;
    private String operatorKeyId;
    private String operatorKeySecret;

    /** How often the platform's retention sweeps in the benchmark. */
    static final Duration RETENTION_INTERVAL = Duration.ofSeconds(2);

    private Platform(JarProcess server) {
        this.server = server;
        this.http = server.http();
    }

    static Platform start(Path jar, String jdbcUrl, Path work, List<String> jvmArgs)
            throws IOException, InterruptedException {
        Path credentials = work.resolve("initial-credentials");
        List<String> jvm = new ArrayList<>(List.of("-Xmx1g"));
        jvm.addAll(jvmArgs);
        Platform platform = new Platform(JarProcess.start(jar, jvm, List.of(
                "--baton.database.url=" + jdbcUrl, "--baton.database.owner-username=postgres",
                "--baton.database.pool-size=40",
                "--baton.auth.initial-credentials-file=" + credentials,
                // retention sweeps often enough to be measured, archiving what it removes as operators would
                "--baton.retention.interval=" + RETENTION_INTERVAL,
                "--baton.retention.archive-dir=" + work.resolve("retention-archive"),
                "--logging.level.root=WARN"), work.resolve("platform.log"), "/actuator/health"));
        Properties creds = new Properties();
        try (var in = Files.newBufferedReader(credentials)) {
            creds.load(in);
        }
        platform.operatorKeyId = creds.getProperty("BATON_KEY_ID");
        platform.operatorKeySecret = creds.getProperty("BATON_KEY_SECRET");
        platform.operatorToken = platform.token(platform.operatorKeyId, platform.operatorKeySecret);
        return platform;
    }

    /** The platform's address, {@code http://127.0.0.1:port}. */
    String base() {
        return http.base();
    }

    JarProcess server() {
        return server;
    }

    /** The first administrator's token: a tenant administrator of {@code default} and a platform operator. */
    String operatorToken() {
        return operatorToken;
    }

    /**
     * Workers of the {@code default} tenant run by the official Conductor client, signed in with the first
     * administrator's key: {@code threads} per task type, long polls of {@code pollTimeoutMillis}.
     */
    ConductorClients conductorClients(Workload workload, int threads, int pollTimeoutMillis, boolean updateV2) {
        return new ConductorClients(http.base() + "/api", operatorKeyId, operatorKeySecret, workload, threads,
                pollTimeoutMillis, updateV2);
    }

    String token(String keyId, String keySecret) {
        HttpResponse<String> r = send("POST", "/api/token", null, Map.of("keyId", keyId, "keySecret", keySecret));
        Http.expect(r, 200);
        return Http.JSON.readTree(r.body()).get("token").asString();
    }

    /** A new tenant made through the operators' API; returns a token of its administrator. */
    String createTenant(String id) {
        HttpResponse<String> r = send("POST", "/api/admin/tenants", operatorToken, Map.of("id", id));
        Http.expect(r, 201);
        JsonNode created = Http.JSON.readTree(r.body());
        return token(created.get("keyId").asString(), created.get("keySecret").asString());
    }

    /** A counter of the platform's actuator summed over its tags; 0 while nothing has counted yet. */
    double counter(String name) {
        HttpResponse<String> r = send("GET", "/actuator/metrics/" + name, operatorToken, null);
        if (r.statusCode() == 404) {
            return 0;
        }
        Http.expect(r, 200);
        return Http.JSON.readTree(r.body()).get("measurements").get(0).get("value").asDouble();
    }

    /** A metric of the platform's actuator, e.g. {@code jvm.gc.memory.allocated}. */
    double metric(String name, String tag) {
        HttpResponse<String> r = send("GET", "/actuator/metrics/" + name + (tag == null ? "" : "?tag=" + tag),
                operatorToken, null);
        Http.expect(r, 200);
        return Http.JSON.readTree(r.body()).get("measurements").get(0).get("value").asDouble();
    }

    HttpResponse<String> send(String method, String path, String token, Object body) {
        return http.send(method, path, token, body);
    }

    @Override
    public String start(String caller, Workload workload, long n) {
        HttpResponse<String> r = send("POST", "/api/workflow/" + workload.workflowName(), caller,
                Map.of("n", n, "kind", "go"));
        Http.expect(r, 200);
        return r.body();
    }

    @Override
    public List<Task> poll(String caller, String taskType, int count, long timeoutMillis) {
        HttpResponse<String> r = send("GET", "/api/tasks/poll/batch/" + taskType + "?workerid=bench&count=" + count
                + "&timeout=" + timeoutMillis, caller, null);
        Http.expect(r, 200);
        List<Task> tasks = new ArrayList<>();
        for (JsonNode task : Http.JSON.readTree(r.body())) {
            tasks.add(task(task));
        }
        return tasks;
    }

    /** A task as the API answers it (a poll, update-v2, a task stream), with what the harness needs of it. */
    static Task task(JsonNode task) {
        return new Task(task.get("taskId").asString(), task.get("workflowInstanceId").asString(),
                task.get("scheduledTime").asLong(), task.get("inputData").path("n").asLong(0));
    }

    /** The harness's result for {@code task}: completed, echoing its {@code n}. */
    static Map<String, Object> completed(Task task) {
        return Map.of("workflowInstanceId", task.instanceId(), "taskId", task.id(), "workerId", "bench",
                "status", "COMPLETED", "outputData", Map.of("n", task.n()));
    }

    @Override
    public void complete(String caller, Task task) {
        Http.expect(send("POST", "/api/tasks", caller, completed(task)), 200);
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
    }
}
