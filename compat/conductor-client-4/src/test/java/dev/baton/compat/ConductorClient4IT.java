package dev.baton.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.netflix.conductor.client.http.ConductorClient;
import com.netflix.conductor.client.http.EventClient;
import com.netflix.conductor.client.http.HeaderSupplier;
import com.netflix.conductor.client.http.MetadataClient;
import com.netflix.conductor.client.http.TaskClient;
import com.netflix.conductor.client.http.WorkflowClient;
import com.netflix.conductor.common.metadata.events.EventHandler;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskDef;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import com.netflix.conductor.common.metadata.workflow.StartWorkflowRequest;
import com.netflix.conductor.common.metadata.workflow.WorkflowDef;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Conductor Java client 4.x, unchanged, against the packaged platform on a database of its own: it
 * signs in with an application key through a header supplier (the client's own way to add credentials), and its
 * metadata, workflow, task, event and bulk calls work.
 */
class ConductorClient4IT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_URL = System.getenv().getOrDefault("BATON_TEST_DB_URL",
            "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String ADMIN_USER = System.getenv().getOrDefault("BATON_TEST_DB_USER", "postgres");
    private static final String ADMIN_PASSWORD = System.getenv().getOrDefault("BATON_TEST_DB_PASSWORD", "");

    private static Process server;
    private static String base;
    private static String database;
    private static Path log;
    private static String keyId;
    private static String keySecret;

    @BeforeAll
    static void startServer() throws Exception {
        database = "baton_c4_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(ADMIN_URL, ADMIN_USER, ADMIN_PASSWORD)) {
            c.createStatement().execute("CREATE DATABASE " + database);
        }
        Path dir = Files.createTempDirectory("baton-c4-");
        Path credentials = dir.resolve("initial-credentials");
        log = dir.resolve("server.log");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        base = "http://127.0.0.1:" + port;
        String jar = System.getProperty("baton.it.server-jar");
        server = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m", "-jar", jar,
                "--server.port=" + port, "--server.address=127.0.0.1",
                "--baton.database.url=" + ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + database,
                "--baton.database.owner-username=" + ADMIN_USER, "--baton.database.owner-password=" + ADMIN_PASSWORD,
                "--baton.auth.initial-credentials-file=" + credentials,
                "--baton.secrets.key-file=" + dir.resolve("secret-keys"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!up() && System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("the server stopped: " + Files.readString(log));
            }
            Thread.sleep(250);
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(credentials)) {
            p.load(in);
        }
        keyId = p.getProperty("BATON_KEY_ID");
        keySecret = p.getProperty("BATON_KEY_SECRET");
    }

    private static boolean up() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.destroyForcibly().waitFor();
        }
        try (Connection c = DriverManager.getConnection(ADMIN_URL, ADMIN_USER, ADMIN_PASSWORD)) {
            c.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    /** Signs in with the application key and sends the token as Orkes' clients do. */
    private static final class KeySignIn implements HeaderSupplier {
        private String token;

        @Override
        public void init(ConductorClient client) {
        }

        @Override
        public synchronized Map<String, String> get(String method, String path) {
            if (path.endsWith("/token")) {
                return Map.of();
            }
            if (token == null) {
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/token"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                    JSON.writeValueAsString(Map.of("keyId", keyId, "keySecret", keySecret))))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    token = JSON.readTree(r.body()).get("token").asText();
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return Map.of("X-Authorization", token);
        }
    }

    private static String unique(String name) {
        return name + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void theClientRegistersRunsSearchesTerminatesInBulkAndKeepsEventHandlers() throws Exception {
        ConductorClient client = ConductorClient.builder().basePath(base + "/api")
                .addHeaderSupplier(new KeySignIn()).build();
        MetadataClient metadata = new MetadataClient(client);
        WorkflowClient workflows = new WorkflowClient(client);
        TaskClient tasks = new TaskClient(client);
        EventClient events = new EventClient(client);

        String taskName = unique("c4_task");
        metadata.registerTaskDefs(List.of(new TaskDef(taskName, "doubles", "dev@example.com", 0, 60, 30)));
        WorkflowTask step = new WorkflowTask();
        step.setName(taskName);
        step.setTaskReferenceName("double");
        step.setInputParameters(Map.of("n", "${workflow.input.n}"));
        WorkflowDef def = new WorkflowDef();
        def.setName(unique("c4_flow"));
        def.setVersion(1);
        def.setOwnerEmail("dev@example.com");
        def.setTasks(List.of(step));
        def.setOutputParameters(Map.of("result", "${double.output.result}"));
        metadata.registerWorkflowDef(def);
        assertThat(metadata.getWorkflowDef(def.getName(), 1).getTasks().get(0).getName()).isEqualTo(taskName);

        StartWorkflowRequest start = new StartWorkflowRequest();
        start.setName(def.getName());
        start.setVersion(1);
        start.setInput(Map.of("n", 21));
        String id = workflows.startWorkflow(start);
        Task task = tasks.pollTask(taskName, "c4-worker", null);
        assertThat(task.getInputData()).containsEntry("n", 21);
        TaskResult result = new TaskResult(task);
        result.setStatus(TaskResult.Status.COMPLETED);
        result.getOutputData().put("result", 42);
        tasks.updateTask(result);
        Workflow done = workflows.getWorkflow(id, true);
        assertThat(done.getStatus()).isEqualTo(Workflow.WorkflowStatus.COMPLETED);
        assertThat(done.getOutput()).isEqualTo(Map.of("result", 42));

        List<String> open = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            open.add(workflows.startWorkflow(start));
        }
        assertThat(workflows.getRunningWorkflow(def.getName(), 1)).containsExactlyInAnyOrderElementsOf(open);
        assertThat(workflows.search("workflowType IN (" + def.getName() + ")").getTotalHits()).isEqualTo(3);
        assertThat(workflows.terminateWorkflows(open, "not needed").getBulkSuccessfulResults())
                .containsExactlyInAnyOrderElementsOf(open);
        assertThat(workflows.getWorkflow(open.get(0), false).getStatus())
                .isEqualTo(Workflow.WorkflowStatus.TERMINATED);
        workflows.deleteWorkflow(open.get(1), false);

        EventHandler handler = new EventHandler();
        handler.setName(unique("c4_handler"));
        handler.setEvent("conductor:" + def.getName() + ":done");
        handler.setActive(true);
        EventHandler.Action action = new EventHandler.Action();
        action.setAction(EventHandler.Action.Type.start_workflow);
        EventHandler.StartWorkflow startIt = new EventHandler.StartWorkflow();
        startIt.setName(def.getName());
        action.setStart_workflow(startIt);
        handler.setActions(List.of(action));
        events.registerEventHandler(handler);
        assertThat(events.getEventHandlers(handler.getEvent(), true)).hasSize(1);
        events.unregisterEventHandler(handler.getName());
        assertThat(events.getEventHandlers(handler.getEvent(), false)).isEmpty();
    }
}
