package dev.baton.ops.bench;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.client.ExternalTaskClient;
import tools.jackson.databind.JsonNode;

/**
 * The peer engine: Camunda 7 (module {@code ops/camunda-peer}) as a separate process on a database of its own in
 * the benchmark's PostgreSQL, driven by external-task workers: Camunda's own client library
 * ({@link #clients}), as its users run it, or the benchmark's own long-polling {@code fetchAndLock} by topic. It
 * runs workload (a) only, as {@code bench_linear3.bpmn}.
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

    /** The version of Camunda's external-task client the workers use, from its jar. */
    static String clientVersion() {
        String v = ExternalTaskClient.class.getPackage().getImplementationVersion();
        return v == null ? "(version not in its jar)" : v;
    }

    JarProcess server() {
        return server;
    }

    /**
     * Workers as the peer's users run them: {@code clients} instances of Camunda's own external-task client, each
     * subscribed to every topic of the workload (one fetch-and-lock request for all of them), fetching up to
     * {@code maxTasks} with a long poll of {@code longPollMillis}, its handlers completing the tasks in turn. The
     * client's back-off after an empty fetch is off: with long polling it only adds delay.
     */
    Driver.ClientWorkers clients(Workload workload, int clients, int maxTasks, long longPollMillis) {
        requireLinear3(workload);
        return new Driver.ClientWorkers() {
            private final List<ExternalTaskClient> started = new ArrayList<>();

            @Override
            public void start(Driver driver) {
                for (int i = 0; i < clients; i++) {
                    ExternalTaskClient client = ExternalTaskClient.create()
                            .baseUrl(http.base() + "/engine-rest").workerId("bench-client-" + i)
                            .maxTasks(maxTasks).asyncResponseTimeout(longPollMillis).lockDuration(60_000)
                            .disableBackoffStrategy().build();
                    for (String topic : workload.taskTypes()) {
                        client.subscribe(topic).variables("n").handler((task, service) -> {
                            long taken = System.currentTimeMillis();
                            Object n = task.getVariable("n");
                            long u0 = System.nanoTime();
                            service.complete(task, Map.of("n", n == null ? 0L : n));
                            driver.updateCall((System.nanoTime() - u0) / 1_000);
                            driver.handled(topic, task.getProcessInstanceId(), task.getCreateTime().getTime(),
                                    taken);
                        }).open();
                    }
                    started.add(client);
                }
            }

            @Override
            public void close() {
                started.forEach(ExternalTaskClient::stop);
                started.clear();
            }
        };
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
