package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.authz.access.AccessPolicy;
import dev.baton.authz.access.ResourceType;
import dev.baton.authz.api.Role;
import dev.baton.tenancy.TenantId;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The per-tenant statistics API ({@code GET /api/metrics/executions}) on a known set of executions written straight
 * into a tenant of its own: every figure is checked exactly, as is who sees which workflows.
 */
class MetricsIT extends PlatformIT {

    private static final Instant DAY = Instant.parse("2026-01-10T00:00:00Z");
    private static final String WINDOW = "from=2026-01-10T00:00:00Z&to=2026-01-10T04:00:00Z";

    @Autowired AccessPolicy policy;

    private TenantId tenant;
    private String orders;
    private String billing;
    private final Instant now = Instant.now();
    private UUID stuck;
    private UUID recent;
    private UUID retriedTwice;
    private UUID retriedOnce;

    @BeforeEach
    void knownExecutions() throws Exception {
        tenant = createTenant(("metrics-" + UUID.randomUUID().toString().substring(0, 8)));
        orders = unique("orders");
        billing = unique("billing");
        try (Connection c = DriverManager.getConnection(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword())) {
            workflow(c, orders, "COMPLETED", at("00:10"), at("00:10").plusMillis(1000), null);
            workflow(c, orders, "COMPLETED", at("00:20"), at("00:20").plusMillis(3000), null);
            retriedOnce = workflow(c, orders, "COMPLETED", at("01:05"), at("01:05").plusMillis(2000), null);
            retriedTwice = workflow(c, orders, "FAILED", at("01:30"), at("02:10"), null);
            workflow(c, billing, "COMPLETED", at("02:00"), at("02:00").plusMillis(10_000), null);
            workflow(c, billing, "TIMED_OUT", at("03:00"), at("03:30"), null);
            workflow(c, billing, "TERMINATED", at("03:15"), at("03:20"), null);
            // started the evening before, completed inside the window: counted as completed, not as started
            workflow(c, billing, "COMPLETED", DAY.minus(Duration.ofHours(1)), at("00:30"), null);
            stuck = workflow(c, orders, "RUNNING", at("03:40"), null, now.minus(Duration.ofHours(2)));
            recent = workflow(c, orders, "RUNNING", now.minus(Duration.ofMinutes(10)), null, now);
            task(c, retriedTwice, orders, "pay", "FAILED", true, null, null, at("01:31"));
            task(c, retriedTwice, orders, "pay", "FAILED", true, null, null, at("01:40"));
            task(c, retriedOnce, orders, "pay", "FAILED", true, null, null, at("01:06"));
            task(c, stuck, orders, "charge", "SCHEDULED", false, "charge", null, null);
            task(c, stuck, orders, "charge", "SCHEDULED", false, "charge", null, null);
            task(c, stuck, orders, "charge", "IN_PROGRESS", false, "charge", "w1", now.minus(Duration.ofMinutes(1)));
            task(c, recent, orders, "ship", "IN_PROGRESS", false, "ship", "w2", now.minus(Duration.ofMinutes(1)));
            task(c, recent, orders, "ship", "COMPLETED", false, "ship", "w3", now.minus(Duration.ofMinutes(2)));
            task(c, recent, orders, "ship", "COMPLETED", false, "ship", "w4", now.minus(Duration.ofMinutes(30)));
        }
    }

    @Test
    void aTenantAdministratorSeesExactFiguresForTheWindow() throws Exception {
        JsonNode f = figures(token(adminKey(tenant)), WINDOW);

        assertThat(f.get("from").asString()).isEqualTo("2026-01-10T00:00:00Z");
        assertThat(f.get("to").asString()).isEqualTo("2026-01-10T04:00:00Z");
        assertThat(rows(f.get("hourly"), "hour", "started", "completed", "failed")).containsExactly(
                "2026-01-10T00:00:00Z 2 3 0",
                "2026-01-10T01:00:00Z 2 1 0",
                "2026-01-10T02:00:00Z 1 1 1",
                "2026-01-10T03:00:00Z 3 0 1");
        assertThat(rows(f.get("durations"), "workflowType", "completed", "p50Millis", "p95Millis", "p99Millis"))
                .containsExactly(billing + " 2 10000 5400000 5400000", orders + " 3 2000 3000 3000");
        assertThat(rows(f.get("taskTypes"), "taskType", "queued", "inProgress", "activeWorkers"))
                .containsExactly("charge 2 1 1", "ship 0 1 2");
        JsonNode outliers = f.get("outliers");
        assertThat(rows(outliers.get("longestRunning"), "workflowId")).containsExactly(stuck.toString(),
                recent.toString());
        assertThat(rows(outliers.get("mostRetried"), "workflowId", "value")).containsExactly(
                retriedTwice + " 2", retriedOnce + " 1");
        assertThat(rows(outliers.get("stuck"), "workflowId")).containsExactly(stuck.toString());
        assertThat(outliers.get("stuck").get(0).get("value").asLong()).isBetween(7_190_000L, 7_400_000L);
        assertThat(rows(outliers.get("mostFailing"), "workflowType", "ended", "failed", "failureRate"))
                .containsExactly(billing + " 4 1 0.25", orders + " 4 1 0.25");
    }

    @Test
    void aTeamMemberSeesOnlyTheWorkflowsItsTeamsMayRead() throws Exception {
        String team = unique("orders-team").toLowerCase();
        identities.createTeam(tenant, team, null);
        policy.claim(tenant, ResourceType.WORKFLOW_DEF, orders, team);
        UUID viewer = identities.createApplication(tenant, team + "-viewer", team, EnumSet.of(Role.VIEWER), false);

        JsonNode f = figures(token(identities.createKey(tenant, viewer)), WINDOW);

        assertThat(rows(f.get("hourly"), "hour", "started", "completed", "failed")).containsExactly(
                "2026-01-10T00:00:00Z 2 2 0",
                "2026-01-10T01:00:00Z 2 1 0",
                "2026-01-10T02:00:00Z 0 0 1",
                "2026-01-10T03:00:00Z 1 0 0");
        assertThat(rows(f.get("durations"), "workflowType")).containsExactly(orders);
        assertThat(rows(f.get("outliers").get("mostFailing"), "workflowType")).containsExactly(orders);
        // asking for a workflow the team may not read gives nothing, not an error
        JsonNode other = figures(token(identities.createKey(tenant, viewer)), WINDOW + "&workflowType=" + billing);
        assertThat(other.get("durations")).isEmpty();
        assertThat(rows(other.get("hourly"), "started")).containsOnly("0");
    }

    @Test
    void anotherTenantSeesNoneOfIt() throws Exception {
        JsonNode f = figures(adminToken(), WINDOW + "&workflowType=" + orders + "&workflowType=" + billing);
        assertThat(rows(f.get("hourly"), "started", "completed", "failed")).containsOnly("0 0 0");
        assertThat(f.get("durations")).isEmpty();
        assertThat(f.get("outliers").get("longestRunning")).isEmpty();
    }

    @Test
    void aWindowOrLimitOutOfBoundsIsRefusedNamingTheField() throws Exception {
        String admin = token(adminKey(tenant));
        assertRefused(admin, "from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", "to");
        assertRefused(admin, "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "to");
        assertRefused(admin, WINDOW + "&outliers=101", "outliers");
        assertRefused(admin, WINDOW + "&stuckAfter=-PT1H", "stuckAfter");
        HttpResponse<String> badTime = call("GET", "/api/metrics/executions?from=yesterday", admin, null);
        assertThat(badTime.statusCode()).isEqualTo(400);
        assertThat(badTime.body()).contains("from");
    }

    private void assertRefused(String token, String query, String field) throws Exception {
        HttpResponse<String> r = call("GET", "/api/metrics/executions?" + query, token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("field").asString()).isEqualTo(field);
    }

    private JsonNode figures(String token, String query) throws Exception {
        HttpResponse<String> r = call("GET", "/api/metrics/executions?" + query, token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** Each element's {@code fields}, joined by spaces: one string per row, for exact comparison. */
    private static List<String> rows(JsonNode array, String... fields) {
        List<String> rows = new ArrayList<>();
        for (JsonNode row : array) {
            List<String> values = new ArrayList<>();
            for (String f : fields) {
                values.add(row.get(f).asString());
            }
            rows.add(String.join(" ", values));
        }
        return rows;
    }

    private static Instant at(String hhmm) {
        return Instant.parse("2026-01-10T" + hhmm + ":00Z");
    }

    private UUID workflow(Connection c, String name, String status, Instant created, Instant ended,
            Instant updated) throws Exception {
        UUID id = UUID.randomUUID();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO workflows (tenant_id, id, name, version, status, "
                + "definition, input, created_at, updated_at, ended_at) VALUES (?, ?, ?, 1, ?, '{}', '{}', ?, ?, ?)")) {
            s.setString(1, tenant.value());
            s.setObject(2, id);
            s.setString(3, name);
            s.setString(4, status);
            s.setTimestamp(5, Timestamp.from(created));
            s.setTimestamp(6, Timestamp.from(updated != null ? updated : ended != null ? ended : created));
            s.setTimestamp(7, ended == null ? null : Timestamp.from(ended));
            s.executeUpdate();
        }
        return id;
    }

    private void task(Connection c, UUID workflow, String workflowType, String type, String status, boolean retried,
            String queue, String worker, Instant started) throws Exception {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO tasks (tenant_id, id, workflow_id, seq, ref_name, "
                + "task_type, task_def_name, status, retried, workflow_task, workflow_type, scheduled_at, "
                + "visible_at, updated_at, queue, worker_id, started_at) VALUES (?, ?, ?, ?, ?, 'SIMPLE', ?, ?, ?, "
                + "'{}', ?, now(), now(), now(), ?, ?, ?)")) {
            s.setString(1, tenant.value());
            s.setObject(2, UUID.randomUUID());
            s.setObject(3, workflow);
            s.setInt(4, 0);
            s.setString(5, type + "_ref");
            s.setString(6, type);
            s.setString(7, status);
            s.setBoolean(8, retried);
            s.setString(9, workflowType);
            s.setString(10, queue);
            s.setString(11, worker);
            s.setTimestamp(12, started == null ? null : Timestamp.from(started));
            s.executeUpdate();
        }
    }
}
