package dev.baton.ops.bench;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The peer engine: Camunda 7 (module {@code ops/camunda-peer}) as a separate process on a database of its own in
 * the benchmark's PostgreSQL, driven with external-task workers over its REST API: long-polling
 * {@code fetchAndLock} by topic, then {@code complete}. It runs workload (a) only, as {@code bench_linear3.bpmn}.
 */
final class Camunda implements Engine, AutoCloseable {

    /** The database and role the peer runs as; PostgreSQL's statistics are read for these. */
    static final String DATABASE = "camunda";

    private static final DateTimeFormatter CREATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    private final JarProcess server;
    private final Http http;

    private Camunda(JarProcess server) {
        this.server = server;
        this.http = server.http();
    }

    static Camunda start(Path jar, String jdbcUrl, Path work) throws IOException, InterruptedException {
        return new Camunda(JarProcess.start(jar, List.of("-Xmx1g"), List.of(
                "--spring.datasource.url=" + jdbcUrl, "--spring.datasource.username=" + DATABASE),
                work.resolve("camunda.log"), "/engine-rest/process-definition/key/bench_linear3"));
    }

    JarProcess server() {
        return server;
    }

    /** The engine's version, as its REST API reports it. */
    String version() {
        HttpResponse<String> r = http.send("GET", "/engine-rest/version", null, null);
        Http.expect(r, 200);
        return Http.JSON.readTree(r.body()).get("version").asString();
    }

    @Override
    public String start(String caller, Workload workload, long n) {
        requireLinear3(workload);
        HttpResponse<String> r = http.send("POST", "/engine-rest/process-definition/key/"
                + workload.workflowName() + "/start", null, Map.of("variables", Map.of(
                        "n", Map.of("value", n, "type", "Long"), "kind", Map.of("value", "go", "type", "String"))));
        Http.expect(r, 200);
        return Http.JSON.readTree(r.body()).get("id").asString();
    }

    @Override
    public List<Task> poll(String caller, String taskType, int count, long timeoutMillis) {
        HttpResponse<String> r = http.send("POST", "/engine-rest/external-task/fetchAndLock", null, Map.of(
                "workerId", "bench", "maxTasks", count, "asyncResponseTimeout", timeoutMillis,
                "topics", List.of(Map.of("topicName", taskType, "lockDuration", 60_000, "variables",
                        List.of("n")))));
        Http.expect(r, 200);
        List<Task> tasks = new ArrayList<>();
        for (JsonNode task : Http.JSON.readTree(r.body())) {
            tasks.add(new Task(task.get("id").asString(), task.get("processInstanceId").asString(),
                    OffsetDateTime.parse(task.get("createTime").asString(), CREATE_TIME).toInstant().toEpochMilli(),
                    task.path("variables").path("n").path("value").asLong(0)));
        }
        return tasks;
    }

    @Override
    public void complete(String caller, Task task) {
        Http.expect(http.send("POST", "/engine-rest/external-task/" + task.id() + "/complete", null, Map.of(
                "workerId", "bench", "variables", Map.of("n", Map.of("value", task.n(), "type", "Long")))), 204);
    }

    private static void requireLinear3(Workload workload) {
        if (workload != Workload.LINEAR3) {
            throw new IllegalArgumentException("the peer runs workload (a), linear3, only; not " + workload);
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
    }
}
