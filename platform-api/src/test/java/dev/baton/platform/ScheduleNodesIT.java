package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two server processes on one database fire the same every-second schedule: each cron time starts exactly one
 * workflow, whichever node fires it, and a pause on one node stops both.
 */
class ScheduleNodesIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration BOOT = Duration.ofSeconds(90);

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void eachCronTimeStartsOneWorkflowWhateverTheNumberOfNodes() throws Exception {
        Path credentials = Files.createTempDirectory("baton-nodes-").resolve("initial-credentials");
        String[] args = {"--baton.scheduler.interval=PT0.05S", "--baton.scheduler.min-interval=PT1S",
                "--baton.auth.initial-credentials-file=" + credentials};
        try (ServerProcess a = ServerProcess.onDatabase(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword(), args);
                ServerProcess b = ServerProcess.onDatabase(TestDatabase.url(), TestDatabase.adminUser(),
                        TestDatabase.adminPassword(), args)) {
            a.start(BOOT);
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
                try {
                    b.start(BOOT);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            String[] key = adminKey(credentials);
            String token = token(a.baseUrl(), key);
            second.join();
            // each node signs in its caller itself: sharing signing keys between nodes started at once is the
            // many-nodes issue's
            String tokenB = token(b.baseUrl(), key);
            String flow = "nodes_flow_" + suffix;
            String schedule = "nodes_schedule_" + suffix;
            expect(send(a.baseUrl(), token, "POST", "/api/metadata/workflow", Map.of("name", flow, "tasks",
                    List.of(Map.of("name", "n", "taskReferenceName", "n", "type", "SET_VARIABLE",
                            "inputParameters", Map.of("x", 1))))), 200);
            expect(send(b.baseUrl(), tokenB, "POST", "/api/scheduler/schedules", Map.of("name", schedule,
                    "cronExpression", "* * * * * *", "startWorkflowRequest", Map.of("name", flow))), 200);
            Thread.sleep(6_000);
            expect(send(a.baseUrl(), token, "GET", "/api/scheduler/schedules/" + schedule + "/pause", null), 200);
            Thread.sleep(1_000);

            long[] fires = counts("SELECT count(*), count(DISTINCT scheduled_time), count(*) FILTER (WHERE state = "
                    + "'EXECUTED') FROM schedule_executions WHERE schedule_name = '" + schedule + "'");
            long started = counts("SELECT count(*) FROM workflows WHERE name = '" + flow + "'")[0];
            long times = counts("SELECT count(DISTINCT input ->> '_scheduledTime') FROM workflows WHERE name = '"
                    + flow + "'")[0];
            assertThat(fires[0]).as("fires in six seconds").isGreaterThanOrEqualTo(4);
            assertThat(fires[1]).as("one fire per cron time").isEqualTo(fires[0]);
            assertThat(fires[2]).as("every fire started its workflow").isEqualTo(fires[0]);
            assertThat(started).as("one workflow per fire").isEqualTo(fires[0]);
            assertThat(times).as("one workflow per cron time").isEqualTo(started);
            Thread.sleep(1_500);
            assertThat(counts("SELECT count(*) FROM workflows WHERE name = '" + flow + "'")[0])
                    .as("paused on every node").isEqualTo(started);
        }
    }

    private static long[] counts(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword()); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            long[] values = new long[rs.getMetaData().getColumnCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = rs.getLong(i + 1);
            }
            return values;
        }
    }

    /** The first administrator's key, or one made in the database when other tests created users first. */
    private static String[] adminKey(Path credentials) throws Exception {
        if (Files.exists(credentials)) {
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(credentials)) {
                p.load(in);
            }
            return new String[] {p.getProperty("BATON_KEY_ID"), p.getProperty("BATON_KEY_SECRET")};
        }
        return TestKeys.tenantAdminKey();
    }

    private static String token(String base, String[] key) throws Exception {
        HttpResponse<String> r = send(base, null, "POST", "/api/token", Map.of("keyId", key[0], "keySecret", key[1]));
        expect(r, 200);
        return JSON.readTree(r.body()).get("token").asString();
    }

    private static HttpResponse<String> send(String base, String token, String method, String path, Object body)
            throws Exception {
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
