package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.authz.api.Role;
import dev.baton.authz.identity.Identities;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Platform operators create, suspend, resume, limit and delete tenants through the API. */
class TenantLifecycleIT extends PlatformIT {

    private final HttpClient http = HttpClient.newHttpClient();
    private String operator;

    @BeforeEach
    void anOperator() {
        String team = unique("operators").toLowerCase();
        identities.createTeam(TENANT, team, null);
        UUID user = identities.createUser(TENANT, unique("op").toLowerCase(), "Operator", "a long enough password",
                false);
        UUID app = identities.createApplication(TENANT, team + "-bot", team, EnumSet.of(Role.VIEWER), false);
        identities.makePlatformOperators(TENANT, user, app);
        operator = token(identities.createKey(TENANT, app));
    }

    @Test
    void anOperatorCreatesATenantWhoseAdministratorSignsInAndWorksInIt() throws Exception {
        String id = "acme-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = send("POST", "/api/admin/tenants", operator,
                "{\"id\":\"" + id + "\",\"name\":\"Acme\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = JSON.readTree(created.body());
        assertThat(body.get("tenant").get("status").asString()).isEqualTo("ACTIVE");
        assertThat(body.get("adminLogin").asString()).isEqualTo("admin");
        assertThat(body.get("adminPassword").asString()).hasSizeGreaterThanOrEqualTo(20);

        String admin = token(new Identities.NewKey(body.get("keyId").asString(), body.get("keySecret").asString()));
        HttpResponse<String> registered = send("POST", "/api/metadata/taskdefs", admin, "[{\"name\":\"acme_task\"}]");
        assertThat(registered.statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/metadata/taskdefs", admin, null).body()).contains("acme_task");
        assertThat(metadata.taskDef(TENANT, "acme_task")).as("not in the operator's tenant").isEmpty();

        HttpResponse<String> again = send("POST", "/api/admin/tenants", operator, "{\"id\":\"" + id + "\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        HttpResponse<String> badId = send("POST", "/api/admin/tenants", operator, "{\"id\":\"Not An Id\"}");
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badId.body()).get("field").asString()).isEqualTo("id");
        HttpResponse<String> notOperator = send("POST", "/api/admin/tenants", admin, "{\"id\":\"x-" + id + "\"}");
        assertThat(notOperator.statusCode()).isEqualTo(403);
        assertThat(notOperator.body()).contains("missing permission: manage tenants");
    }

    @Test
    void aSuspendedTenantIsRefusedAndItsTimersWaitUntilItIsResumed() throws Exception {
        JsonNode tenant = createTenantThroughApi();
        String id = tenant.get("tenant").get("id").asString();
        Identities.NewKey key = new Identities.NewKey(tenant.get("keyId").asString(),
                tenant.get("keySecret").asString());
        String admin = token(key);
        String flow = unique("napping");
        assertThat(send("POST", "/api/metadata/workflow", admin, """
                {"name":"%s","version":1,"tasks":[{"name":"nap","taskReferenceName":"nap","type":"WAIT",
                  "inputParameters":{"duration":"1s"}}]}""".formatted(flow)).statusCode()).isEqualTo(200);
        String workflowId = send("POST", "/api/workflow/" + flow, admin, "{}").body();

        assertThat(send("PUT", "/api/admin/tenants/" + id + "/suspend", operator, null).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = send("GET", "/api/workflow/" + workflowId, admin, null);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("is suspended");
        assertThat(post("/api/token", null, JSON.writeValueAsString(Map.of("keyId", key.id(),
                "keySecret", key.secret()))).statusCode()).as("no new tokens either").isEqualTo(401);

        sleep(2_000);
        assertThat(workflows.get(dev.baton.tenancy.TenantId.of(id), UUID.fromString(workflowId), false).getStatus()
                .name()).as("its timer did not fire while suspended").isEqualTo("RUNNING");

        assertThat(send("PUT", "/api/admin/tenants/" + id + "/resume", operator, null).statusCode()).isEqualTo(200);
        awaitStatus(dev.baton.tenancy.TenantId.of(id), UUID.fromString(workflowId));
        assertThat(send("GET", "/api/workflow/" + workflowId, admin, null).statusCode()).isEqualTo(200);
        assertThat(send("PUT", "/api/admin/tenants/" + TENANT.value() + "/suspend", operator, null).statusCode())
                .as("an operator cannot lock out their own tenant").isEqualTo(409);
    }

    @Test
    void goingOverAQuotaIsAnswered429Or413NamingTheLimit() throws Exception {
        JsonNode tenant = createTenantThroughApi();
        String id = tenant.get("tenant").get("id").asString();
        String admin = token(new Identities.NewKey(tenant.get("keyId").asString(),
                tenant.get("keySecret").asString()));
        String flow = unique("waiting");
        send("POST", "/api/metadata/workflow", admin, """
                {"name":"%s","version":1,"tasks":[{"name":"h","taskReferenceName":"h","type":"HUMAN"}]}"""
                .formatted(flow));

        quotas(id, "{\"maxRunningWorkflows\":1}");
        assertThat(send("POST", "/api/workflow/" + flow, admin, "{}").statusCode()).isEqualTo(200);
        HttpResponse<String> second = send("POST", "/api/workflow/" + flow, admin, "{}");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(second.body()).get("limit").asString()).isEqualTo("maxRunningWorkflows");
        assertThat(JSON.readTree(second.body()).get("value").asInt()).isEqualTo(1);
        assertThat(JSON.readTree(second.body()).get("retryable").asBoolean()).as("Conductor's member").isTrue();

        quotas(id, "{\"maxPayloadBytes\":100}");
        String big = "[{\"name\":\"" + "x".repeat(200) + "\"}]";
        HttpResponse<String> tooBig = send("POST", "/api/metadata/taskdefs", admin, big);
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(tooBig.body()).get("limit").asString()).isEqualTo("maxPayloadBytes");
        assertThat(JSON.readTree(tooBig.body()).get("value").asInt()).isEqualTo(100);
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(URI.create(url("/api/metadata/taskdefs")))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes())))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).as("a body of unknown length is measured too").isEqualTo(413);
        HttpResponse<String> smallChunked = http.send(HttpRequest.newBuilder(URI.create(
                url("/api/metadata/taskdefs"))).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream("[{\"name\":\"small\"}]".getBytes()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(smallChunked.statusCode()).isEqualTo(200);

        quotas(id, "{\"maxRequestsPerSecond\":3}");
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> limited = null;
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = send("GET", "/api/metadata/taskdefs", admin, null);
            statuses.add(r.statusCode());
            if (r.statusCode() == 429) {
                limited = r;
            }
        }
        assertThat(statuses).contains(200, 429);
        // counted in one-second windows for all nodes: ten quick calls touch at most two windows
        assertThat(statuses.stream().filter(s -> s == 200).count()).isLessThanOrEqualTo(6);
        assertThat(JSON.readTree(limited.body()).get("limit").asString()).isEqualTo("maxRequestsPerSecond");
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");

        HttpResponse<String> negative = send("PUT", "/api/admin/tenants/" + id + "/quotas", operator,
                "{\"maxRunningWorkflows\":0}");
        assertThat(negative.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(negative.body()).get("field").asString()).isEqualTo("quotas.maxRunningWorkflows");
    }

    @Test
    void aDeletedTenantLeavesNoRowAndItsTokensStopWorking() throws Exception {
        JsonNode tenant = createTenantThroughApi();
        String id = tenant.get("tenant").get("id").asString();
        String admin = token(new Identities.NewKey(tenant.get("keyId").asString(),
                tenant.get("keySecret").asString()));
        send("POST", "/api/metadata/taskdefs", admin, "[{\"name\":\"doomed\"}]");
        // a row in every kind of table the tenant can fill
        assertThat(send("POST", "/api/teams", admin, "{\"name\":\"doomed\"}").statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/catalog?team=doomed", admin, "{\"name\":\"doomed\",\"title\":\"D\","
                + "\"category\":\"x\",\"visibility\":\"TENANT\"}").statusCode()).isEqualTo(201);
        assertThat(send("POST", "/api/catalog/doomed/versions", admin, "{\"version\":\"1.0.0\",\"inputSchema\":{},"
                + "\"outputSchema\":{},\"runsAs\":{\"kind\":\"WORKER\",\"type\":\"doomed\"}}").statusCode())
                .isEqualTo(201);
        assertThat(send("PUT", "/api/secrets/doomed?team=doomed", admin, "{\"value\":\"gone soon\"}").statusCode())
                .isEqualTo(204);
        assertThat(send("PUT", "/api/connections/doomed?team=doomed", admin, "{\"kind\":\"HTTP\","
                + "\"settings\":{\"baseUrl\":\"https://x.example\"}}").statusCode()).isEqualTo(204);
        assertThat(send("PUT", "/api/settings/http-allow-list", admin, "{\"hosts\":[\"x.example\"]}").statusCode())
                .isEqualTo(200);
        assertThat(send("POST", "/api/metadata/workflow?team=doomed", admin, "{\"name\":\"doomed\",\"tasks\":"
                + "[{\"name\":\"n\",\"taskReferenceName\":\"n\",\"type\":\"NOOP\"}]}").statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/event?team=doomed", admin, "{\"name\":\"doomed\",\"event\":\"conductor:a:b\","
                + "\"actions\":[{\"action\":\"start_workflow\",\"start_workflow\":{\"name\":\"doomed\"}}]}")
                .statusCode()).isEqualTo(200);
        assertThat(send("PUT", "/api/environment/DOOMED", admin, "gone soon").statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/scheduler/schedules?team=doomed", admin, "{\"name\":\"doomed\","
                + "\"cronExpression\":\"0 0 0 1 1 *\",\"startWorkflowRequest\":{\"name\":\"doomed\"}}").statusCode())
                .isEqualTo(200);

        assertThat(send("DELETE", "/api/admin/tenants/" + id, operator, null).statusCode()).isEqualTo(200);
        HttpResponse<String> after = send("GET", "/api/metadata/taskdefs", admin, null);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(after.body()).contains("no longer exists");
        assertThat(send("GET", "/api/admin/tenants/" + id, operator, null).statusCode()).isEqualTo(404);
        try (Connection c = DriverManager.getConnection(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword())) {
            List<String> tables = new java.util.ArrayList<>();
            ResultSet all = c.createStatement().executeQuery("SELECT table_name FROM information_schema.columns "
                    + "WHERE table_schema = 'public' AND column_name = 'tenant_id'");
            while (all.next()) {
                tables.add(all.getString(1));
            }
            assertThat(tables).contains("catalog_entries", "secrets", "connections", "tenant_http_hosts",
                    "event_handlers", "schedules", "environment_variables");
            for (String table : tables) {
                ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table
                        + " WHERE tenant_id = '" + id + "'");
                rs.next();
                assertThat(rs.getLong(1)).as(table).isZero();
            }
        }
    }

    @Test
    void metricsAreForPlatformOperatorsAndHealthForEveryone() throws Exception {
        assertThat(send("GET", "/actuator/health", null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/actuator/metrics/jvm.memory.used", null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> tenantAdmin = send("GET", "/actuator/metrics/jvm.memory.used", adminToken(), null);
        assertThat(tenantAdmin.statusCode()).as("a tenant administrator is not an operator").isEqualTo(403);
        HttpResponse<String> metric = send("GET", "/actuator/metrics/jvm.memory.used", operator, null);
        assertThat(metric.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(metric.body()).get("name").asString()).isEqualTo("jvm.memory.used");
    }

    private JsonNode createTenantThroughApi() throws Exception {
        String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = send("POST", "/api/admin/tenants", operator, "{\"id\":\"" + id + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body());
    }

    private void quotas(String id, String json) throws Exception {
        HttpResponse<String> r = send("PUT", "/api/admin/tenants/" + id + "/quotas", operator, json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private void awaitStatus(dev.baton.tenancy.TenantId tenant, UUID workflowId) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline
                && workflows.get(tenant, workflowId, false).getStatus().name().equals("RUNNING")) {
            sleep(50);
        }
        assertThat(workflows.get(tenant, workflowId, false).getStatus().name()).isEqualTo("COMPLETED");
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private HttpResponse<String> post(String path, String token, String body) throws Exception {
        return send("POST", path, token, body);
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
