package dev.baton.platform;

import static dev.baton.platform.NodeApi.adminKey;
import static dev.baton.platform.NodeApi.expect;
import static dev.baton.platform.NodeApi.send;
import static dev.baton.platform.NodeApi.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
}
