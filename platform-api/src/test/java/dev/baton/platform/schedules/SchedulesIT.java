package dev.baton.platform.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.ExecutionQuery;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.platform.PlatformIT;
import dev.baton.platform.TestDatabase;
import dev.baton.platform.tasks.TeamWorld;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Conductor's scheduler API: schedules that start workflows at their cron times, paused, resumed and caught up. */
class SchedulesIT extends PlatformIT {

    private static final Duration SHORT = Duration.ofSeconds(10);

    private String flow() {
        String name = unique("scheduled");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"n","taskReferenceName":"n","type":"SET_VARIABLE",
                  "inputParameters":{"at":"${workflow.input._scheduledTime}"}}]}""".formatted(name));
        return name;
    }

    private HttpResponse<String> save(String token, Map<String, Object> schedule) throws Exception {
        return call("POST", "/api/scheduler/schedules", token, JSON.writeValueAsString(schedule));
    }

    private List<Workflow> runs(String flow) {
        return workflows.searchWorkflows(TENANT, new ExecutionQuery(List.of(flow), null, null, null, null, null,
                null, null, false, 0, 1000)).results();
    }

    private JsonNode executions(String token, String schedule) throws Exception {
        String q = URLEncoder.encode("scheduleName = " + schedule, StandardCharsets.UTF_8);
        return JSON.readTree(call("GET", "/api/scheduler/search/executions?query=" + q, token, null).body());
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword())) {
            c.createStatement().executeUpdate(statement);
        }
    }

    @Test
    void aScheduleStartsItsWorkflowAtEachCronTimeOnceUntilPausedAndTellsEachFire() throws Exception {
        String admin = adminToken();
        String flow = flow();
        String name = unique("every_second");
        HttpResponse<String> saved = save(admin, Map.of("name", name, "cronExpression", "* * * * * *",
                "description", "every second", "startWorkflowRequest", Map.of("name", flow,
                        "input", Map.of("region", "eu"))));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        JsonNode kept = JSON.readTree(saved.body());
        assertThat(kept.get("zoneId").asString()).isEqualTo("UTC");
        assertThat(kept.get("paused").asBoolean()).isFalse();
        assertThat(kept.get("nextRunTime").asLong()).isPositive();

        long deadline = System.nanoTime() + SHORT.toNanos();
        while (runs(flow).size() < 3 && System.nanoTime() < deadline) {
            sleep(100);
        }
        assertThat(call("GET", "/api/scheduler/schedules/" + name + "/pause?reason=maintenance", admin, null)
                .statusCode()).isEqualTo(200);
        sleep(300); // a fire under way when the pause came may still commit
        List<Workflow> runs = runs(flow);
        assertThat(runs.size()).isGreaterThanOrEqualTo(3);
        Set<Object> times = new HashSet<>();
        for (Workflow w : runs) {
            assertThat(w.getInput()).containsEntry("region", "eu").containsEntry("_startedByScheduler", name)
                    .containsEntry("_schedulerCron", "* * * * * * UTC").containsKey("_executionId");
            times.add(w.getInput().get("_scheduledTime"));
        }
        assertThat(times).as("one workflow per cron time").hasSize(runs.size());
        JsonNode fires = executions(admin, name);
        assertThat(fires.get("totalHits").asLong()).isEqualTo(runs.size());
        assertThat(fires.get("results").get(0).get("state").asString()).isEqualTo("EXECUTED");
        assertThat(fires.get("results").get(0).get("workflowName").asString()).isEqualTo(flow);

        sleep(1500);
        assertThat(runs(flow)).as("paused").hasSize(runs.size());
        JsonNode paused = JSON.readTree(call("GET", "/api/scheduler/schedules/" + name, admin, null).body());
        assertThat(paused.get("paused").asBoolean()).isTrue();
        assertThat(paused.get("pausedReason").asString()).isEqualTo("maintenance");
        assertThat(call("GET", "/api/scheduler/schedules/" + name + "/resume", admin, null).statusCode())
                .isEqualTo(200);
        deadline = System.nanoTime() + SHORT.toNanos();
        while (runs(flow).size() == runs.size() && System.nanoTime() < deadline) {
            sleep(100);
        }
        assertThat(runs(flow).size()).as("resumed").isGreaterThan(runs.size());
        assertThat(call("DELETE", "/api/scheduler/schedules/" + name, admin, null).statusCode()).isEqualTo(204);
        assertThat(call("GET", "/api/scheduler/schedules/" + name, admin, null).statusCode()).isEqualTo(404);
    }

    @Test
    void afterDowntimeACatchUpScheduleRunsEveryMissedTimeAndAnotherRunsOnce() throws Exception {
        String admin = adminToken();
        String flow = flow();
        String catchUp = unique("catch_up");
        String skip = unique("skip");
        for (String name : List.of(catchUp, skip)) {
            assertThat(save(admin, Map.of("name", name, "cronExpression", "0 0 0 1 1 *",
                    "runCatchupScheduleInstances", name.equals(catchUp), "startWorkflowRequest",
                    Map.of("name", flow, "input", Map.of("schedule", name)))).statusCode()).isEqualTo(200);
        }
        // as if the platform had been down since New Year 2024: three yearly times were missed
        sql("UPDATE schedules SET next_run_at = '2024-01-01T00:00:00Z' WHERE name IN ('" + catchUp + "', '" + skip
                + "')");
        long deadline = System.nanoTime() + SHORT.toNanos();
        while (runs(flow).size() < 4 && System.nanoTime() < deadline) {
            sleep(100);
        }
        sleep(500);
        Map<Object, Long> bySchedule = new java.util.HashMap<>();
        Set<Object> caughtUp = new HashSet<>();
        for (Workflow w : runs(flow)) {
            bySchedule.merge(w.getInput().get("schedule"), 1L, Long::sum);
            if (catchUp.equals(w.getInput().get("schedule"))) {
                caughtUp.add(java.time.Instant.ofEpochMilli(((Number) w.getInput().get("_scheduledTime"))
                        .longValue()).toString());
            }
        }
        int years = java.time.Year.now(java.time.ZoneOffset.UTC).getValue() - 2024 + 1;
        assertThat(bySchedule.get(catchUp)).isEqualTo((long) years);
        assertThat(caughtUp).contains("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z");
        assertThat(bySchedule.get(skip)).as("the missed times are skipped; one run, then from now").isEqualTo(1L);
        JsonNode next = JSON.readTree(call("GET", "/api/scheduler/schedules/" + skip, admin, null).body());
        assertThat(java.time.Instant.ofEpochMilli(next.get("nextRunTime").asLong()))
                .isAfter(java.time.Instant.now());
    }

    @Test
    void aFireThatCannotStartItsWorkflowIsRecordedWithTheReasonAndTheScheduleGoesOn() throws Exception {
        String admin = adminToken();
        String name = unique("orphan");
        assertThat(save(admin, Map.of("name", name, "cronExpression", "* * * * * *", "startWorkflowRequest",
                Map.of("name", unique("never_defined")))).statusCode()).isEqualTo(200);
        long deadline = System.nanoTime() + SHORT.toNanos();
        while (executions(admin, name).get("totalHits").asLong() < 2 && System.nanoTime() < deadline) {
            sleep(100);
        }
        call("GET", "/api/scheduler/schedules/" + name + "/pause", admin, null);
        JsonNode fires = executions(admin, name);
        assertThat(fires.get("totalHits").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(fires.get("results").get(0).get("state").asString()).isEqualTo("FAILED");
        assertThat(fires.get("results").get(0).get("reason").asString()).contains("never_defined");
    }

    @Test
    void badSchedulesAreRefusedAndATeamMayScheduleOnlyWhatItMayRun() throws Exception {
        HttpResponse<String> bad = save(adminToken(), Map.of("name", unique("bad"), "cronExpression", "0 0 * * *",
                "zoneId", "Mars/Olympus", "startWorkflowRequest", Map.of("name", "x")));
        assertThat(bad.statusCode()).isEqualTo(400);
        List<String> fields = new java.util.ArrayList<>();
        JSON.readTree(bad.body()).get("validationErrors").forEach(v -> fields.add(v.get("path").asString()));
        assertThat(fields).containsExactlyInAnyOrder("cronExpression", "zoneId");

        TeamWorld mine = TeamWorld.create(identities, this::token);
        TeamWorld theirs = TeamWorld.create(identities, this::token);
        String theirFlow = unique("theirs");
        assertThat(call("POST", "/api/metadata/workflow?team=" + theirs.team(), theirs.token(), """
                {"name":"%s","tasks":[{"name":"n","taskReferenceName":"n","type":"SET_VARIABLE",
                  "inputParameters":{"x":1}}]}""".formatted(theirFlow)).statusCode()).isEqualTo(200);
        HttpResponse<String> grab = call("POST", "/api/scheduler/schedules?team=" + mine.team(), mine.token(),
                JSON.writeValueAsString(Map.of("name", unique("grab"), "cronExpression", "0 0 * * * *",
                        "startWorkflowRequest", Map.of("name", theirFlow))));
        assertThat(grab.statusCode()).isEqualTo(403);

        JsonNode preview = JSON.readTree(call("GET", "/api/scheduler/nextFewSchedules?cronExpression="
                + URLEncoder.encode("0 0 12 * * *", StandardCharsets.UTF_8) + "&limit=2", mine.token(), null).body());
        assertThat(preview.size()).isEqualTo(2);
        assertThat(preview.get(1).asLong() - preview.get(0).asLong()).isEqualTo(Duration.ofDays(1).toMillis());
    }
}
