package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.authz.api.Role;
import dev.baton.authz.identity.Identities;
import dev.baton.engine.api.MetadataService;
import dev.baton.engine.api.TaskService;
import dev.baton.engine.api.WorkflowService;
import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskResult;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.tenancy.TenantId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/** Base of the integration tests: the whole platform on a fresh database, with helpers to drive workflows. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class PlatformIT {

    protected static final TenantId TENANT = TenantId.DEFAULT;
    protected static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired protected MetadataService metadata;
    @Autowired protected WorkflowService workflows;
    @Autowired protected TaskService tasks;
    @Autowired protected Identities identities;
    @LocalServerPort protected int port;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("baton.database.url", TestDatabase::url);
        registry.add("baton.database.owner-username", TestDatabase::adminUser);
        registry.add("baton.database.owner-password", TestDatabase::adminPassword);
        registry.add("baton.engine.timer-interval", () -> "PT0.05S");
        // the tests run a real OpenID issuer on loopback over http; every other refused range stays refused
        registry.add("baton.outbound.allow-http", () -> "true");
        registry.add("baton.outbound.allowed-ranges", () -> "127.0.0.1/32");
        registry.add("baton.outbound.read-timeout", () -> "PT2S");
        registry.add("baton.auth.initial-credentials-file", () -> CREDENTIALS_DIR.resolve("initial-credentials"));
        registry.add("baton.tasks.container.poll-interval", () -> "PT0.1S");
        registry.add("baton.engine.server-tasks.cancel-check-interval", () -> "PT0.2S");
        registry.add("baton.tasks.email.timeout", () -> "PT2S");
        // the brokers this machine kind runs (.ci/run starts them when they are down)
        registry.add("baton.events.amqp.uri", () -> System.getenv().getOrDefault("BATON_TEST_AMQP_URI",
                "amqp://guest:guest@127.0.0.1:5672"));
        registry.add("baton.events.nats.url", () -> System.getenv().getOrDefault("BATON_TEST_NATS_URL",
                "nats://127.0.0.1:4222"));
        registry.add("baton.events.subscription-refresh", () -> "PT0.2S");
        registry.add("baton.scheduler.interval", () -> "PT0.1S");
        registry.add("baton.listeners.sweep-interval", () -> "PT0.05S");
        registry.add("baton.listeners.first-retry", () -> "PT0.3S");
        registry.add("baton.listeners.longest-retry", () -> "PT1S");
        registry.add("baton.listeners.max-attempts", () -> "3");
        registry.add("baton.scheduler.min-interval", () -> "PT1S");
        registry.add("baton.secrets.key-file", () -> CREDENTIALS_DIR.resolve("secret-keys").toString());
        // one context serves every test's tenants; the cap itself is proven in the metrics module's tests
        registry.add("baton.metrics.max-tenants", () -> "100000");
        // the tests' contexts share one database: only RetentionIT's (which elects apart) removes anything, at once
        // (a placeholder: a subclass's own value for the same key would not reliably win)
        registry.add("baton.retention.interval", () -> "${baton.it.retention-interval:PT24H}");
    }

    /** Where a first start writes the administrator's credentials; never the working directory's data/. */
    private static final java.nio.file.Path CREDENTIALS_DIR = temporaryDirectory();

    private static java.nio.file.Path temporaryDirectory() {
        try {
            return java.nio.file.Files.createTempDirectory("baton-it-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A new key of a new application that administers {@code tenant}, as a tenant administrator would make one. */
    protected Identities.NewKey adminKey(TenantId tenant) {
        String team = unique("it-admins").toLowerCase();
        identities.createTeam(tenant, team, null);
        UUID app = identities.createApplication(tenant, team + "-app", team, EnumSet.allOf(Role.class), true);
        return identities.createKey(tenant, app);
    }

    /** A bearer token for {@code key}, fetched the way a worker fetches one: {@code POST /api/token}. */
    protected String token(Identities.NewKey key) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/api/token")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                            Map.of("keyId", key.id(), "keySecret", key.secret())))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return JSON.readTree(r.body()).get("token").asString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A new tenant, made the way an operator's tooling would before tenants have an API: as the database owner. */
    protected static TenantId createTenant(String id) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword()); java.sql.PreparedStatement s = c.prepareStatement(
                        "INSERT INTO tenants (id, name) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            s.setString(1, id);
            s.setString(2, "Tenant " + id);
            s.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("could not create tenant " + id, e);
        }
        return TenantId.of(id);
    }

    /** One value read as the database owner, past row-level security, to see what the rows hold. */
    protected static String ownerQuery(String sql, Object... params) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword()); java.sql.PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (java.sql.ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("could not run " + sql, e);
        }
    }

    /** A token of an administrator of the default tenant. */
    protected String adminToken() {
        return token(adminKey(TENANT));
    }

    private static final HttpClient API = HttpClient.newHttpClient();

    /** Calls the running API as {@code token} (none when null), with {@code body} as JSON (none when null). */
    protected HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return API.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Asserts a problem-details answer of {@code status} naming {@code field} (none at all when it is null). */
    protected static void assertProblem(HttpResponse<String> response, int status, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        tools.jackson.databind.JsonNode body = JSON.readTree(response.body());
        if (field == null) {
            assertThat(body.has("field")).as(response.body()).isFalse();
        } else {
            assertThat(body.get("field").asString()).as(response.body()).isEqualTo(field);
        }
    }

    /** A name unique to this test, so tests sharing the database never share definitions or queues. */
    protected static String unique(String base) {
        return base + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected void registerTask(String name, String extraJson) {
        String json = "{\"name\":\"" + name + "\"" + (extraJson.isBlank() ? "" : "," + extraJson) + "}";
        metadata.registerTaskDefs(TENANT, List.of(JSON.readValue(json, TaskDef.class)));
    }

    protected WorkflowDef registerWorkflow(String json) {
        WorkflowDef def = JSON.readValue(json, WorkflowDef.class);
        metadata.updateWorkflowDefs(TENANT, List.of(def));
        return def;
    }

    /** Registers {@code worker}'s task definition and a workflow of that one task; returns the workflow's name. */
    protected String oneTaskWorkflow(String worker, String taskDefinition) {
        registerTask(worker, taskDefinition);
        String name = worker + "_wf";
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"%s","taskReferenceName":"w"}]}""".formatted(name, worker));
        return name;
    }

    /** A long poll of {@code tenant}'s {@code taskType} queue, running in the background. */
    protected java.util.concurrent.CompletableFuture<List<Task>> pollInBackground(TenantId tenant, String taskType,
            String workerId, int count, Duration wait) {
        return java.util.concurrent.CompletableFuture.supplyAsync(
                () -> tasks.poll(tenant, taskType, workerId, null, count, wait));
    }

    protected UUID start(String name, Map<String, Object> input) {
        return workflows.start(TENANT, StartWorkflowRequest.of(name, null, input));
    }

    protected Task poll(String taskType) {
        List<Task> polled = tasks.poll(TENANT, taskType, "worker-1", null, 1, Duration.ofSeconds(5));
        assertThat(polled).as("a %s task to poll", taskType).hasSize(1);
        return polled.get(0);
    }

    protected void complete(Task task, Map<String, Object> output) {
        report(task, TaskResult.Status.COMPLETED, output, null);
    }

    protected void fail(Task task, String reason) {
        report(task, TaskResult.Status.FAILED, Map.of(), reason);
    }

    protected void report(Task task, TaskResult.Status status, Map<String, Object> output, String reason) {
        tasks.update(TENANT, new TaskResult(task.getWorkflowInstanceId().toString(), task.getTaskId().toString(),
                reason, null, task.getWorkerId(), status, output, null, null, null));
    }

    protected Workflow workflow(UUID id) {
        return workflows.get(TENANT, id, true);
    }

    /** Waits (bounded) until the workflow reaches {@code status}; timers and async steps run meanwhile. */
    protected Workflow awaitStatus(UUID id, WorkflowStatus status, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Workflow w = workflow(id);
        while (w.getStatus() != status && System.nanoTime() < deadline) {
            sleep(20);
            w = workflow(id);
        }
        assertThat(w.getStatus()).as("status of workflow %s (reason: %s)", id, w.getReasonForIncompletion())
                .isEqualTo(status);
        return w;
    }

    protected static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected static Task taskByRef(Workflow w, String ref) {
        return w.getTasks().stream().filter(t -> t.getReferenceTaskName().equals(ref)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no task " + ref + " in " + w.getTasks().stream()
                        .map(Task::getReferenceTaskName).toList()));
    }
}
