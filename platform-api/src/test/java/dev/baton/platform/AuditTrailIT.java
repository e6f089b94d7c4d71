package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.authz.access.AccessPolicy;
import dev.baton.authz.access.Permission;
import dev.baton.authz.access.ResourceType;
import dev.baton.authz.api.Caller;
import dev.baton.authz.api.Role;
import dev.baton.authz.identity.Identities;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The audit trail: what gets recorded, that the application cannot rewrite it, and that tampering is detected. */
class AuditTrailIT extends PlatformIT {

    @Autowired TenantTransactions tx;
    @Autowired JdbcClient jdbc;
    @Autowired AccessPolicy policy;

    private final HttpClient http = HttpClient.newHttpClient();
    private TenantId tenant;
    private Identities.NewKey adminKey;
    private String admin;

    @BeforeEach
    void aTenantOfItsOwn() {
        tenant = createTenant("audit-" + UUID.randomUUID().toString().substring(0, 8));
        adminKey = adminKey(tenant);
        admin = token(adminKey);
    }

    @Test
    void stateChangingCallsAreRecordedWithActorOutcomeRequestIdAndSource() throws Exception {
        String name = unique("audited_task");
        HttpResponse<String> ok = send("POST", "/api/metadata/taskdefs", admin, "[{\"name\":\"" + name + "\"}]",
                "req-ok-1");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("X-Request-Id")).hasValue("req-ok-1");
        HttpResponse<String> bad = send("POST", "/api/metadata/workflow", admin, "{\"name\":\"x\",\"tasks\":[]}",
                "req-bad-1");
        assertThat(bad.statusCode()).isEqualTo(400);
        send("GET", "/api/metadata/taskdefs", admin, null, "req-read-1");

        List<JsonNode> entries = query("action=" + enc("POST /api/metadata/taskdefs"));
        assertThat(entries).hasSize(1);
        JsonNode e = entries.get(0);
        String appId = JSON.readTree(java.util.Base64.getUrlDecoder().decode(admin.split("\\.")[1])).get("sub")
                .asString();
        assertThat(e.get("actor").asString()).isEqualTo(appId);
        assertThat(e.get("actorKind").asString()).isEqualTo("APPLICATION");
        assertThat(e.get("resource").asString()).isEqualTo("/api/metadata/taskdefs");
        assertThat(e.get("outcome").asString()).isEqualTo("SUCCEEDED");
        assertThat(e.get("status").asInt()).isEqualTo(200);
        assertThat(e.get("requestId").asString()).isEqualTo("req-ok-1");
        assertThat(e.get("sourceAddress").asString()).isEqualTo("127.0.0.1");

        JsonNode failed = query("action=" + enc("POST /api/metadata/workflow")).get(0);
        assertThat(failed.get("outcome").asString()).isEqualTo("FAILED");
        assertThat(failed.get("status").asInt()).isEqualTo(400);

        assertThat(query("").stream().map(x -> x.get("requestId").asString()))
                .as("reads are not state changes").doesNotContain("req-read-1");
    }

    @Test
    void anEntryNamesTheTeamTheCallerActedThrough() throws Exception {
        identities.createTeam(tenant, "billing", null);
        identities.createTeam(tenant, "shipping", null);
        UUID app = identities.createApplication(tenant, "billing-bot", "billing", EnumSet.of(Role.AUTHOR), false);
        String author = token(identities.createKey(tenant, app));
        assertThat(send("POST", "/api/metadata/taskdefs", author, "[{\"name\":\"invoice\"}]", "req-team-1")
                .statusCode()).isEqualTo(200);
        assertThat(send("PUT", "/api/metadata/taskdefs", author, "{\"name\":\"invoice\",\"description\":\"x\"}",
                "req-team-2").statusCode()).isEqualTo(200);
        List<JsonNode> entries = query("actor=" + app);
        assertThat(entries).extracting(e -> e.get("action").asString()).containsExactly(
                "PUT /api/metadata/taskdefs", "POST /api/metadata/taskdefs", "sign-in/api-token");
        assertThat(entries).extracting(e -> e.get("team").asString()).containsOnly("billing");

        // a caller in several teams acts through the one whose standing on the resource allows the call
        Caller inTwoTeams = new Caller(tenant, "someone", Caller.Kind.USER, "Someone", false,
                Map.of("shipping", Set.of(Role.AUTHOR), "billing", Set.of(Role.AUTHOR)), false);
        assertThat(policy.require(inTwoTeams, Permission.CHANGE_DEFINITION, ResourceType.TASK_DEF, "invoice"))
                .hasValue("billing");
    }

    @Test
    void signInsAreRecordedWhetherTheyWorkOrNot() throws Exception {
        HttpResponse<String> refused = send("POST", "/api/token", null,
                JSON.writeValueAsString(Map.of("keyId", adminKey.id(), "keySecret", "wrong")), "req-signin-bad");
        assertThat(refused.statusCode()).isEqualTo(401);

        List<JsonNode> signIns = query("action=" + enc("sign-in/api-token"));
        assertThat(signIns).extracting(x -> x.get("outcome").asString()).containsExactly("DENIED", "SUCCEEDED");
        assertThat(signIns).extracting(x -> x.get("resource").asString()).containsOnly(adminKey.id());
        assertThat(signIns.get(0).get("requestId").asString()).isEqualTo("req-signin-bad");
    }

    @Test
    void onlyATenantAdministratorReadsTheTrail() throws Exception {
        identities.createTeam(tenant, "ops", null);
        UUID app = identities.createApplication(tenant, "ops-bot", "ops", EnumSet.of(Role.OPERATOR), false);
        String operator = token(identities.createKey(tenant, app));
        for (String path : List.of("/api/audit", "/api/audit/export", "/api/audit/verify")) {
            HttpResponse<String> r = send("GET", path, operator, null, null);
            assertThat(r.statusCode()).as(path).isEqualTo(403);
            assertThat(r.body()).as(path).contains("missing permission: read the audit trail");
        }
    }

    @Test
    void theApplicationsDatabaseRoleCannotChangeOrDeleteEntries() {
        assertThatThrownBy(() -> tx.run(tenant, () -> jdbc.sql("UPDATE audit_log SET actor = 'someone else'")
                .update())).rootCause().hasMessageContaining("permission denied for table audit_log");
        assertThatThrownBy(() -> tx.run(tenant, () -> jdbc.sql("DELETE FROM audit_log").update()))
                .rootCause().hasMessageContaining("permission denied for table audit_log");
    }

    @Test
    void theChainVerifiesAndAnAlteredOrRemovedEntryIsNamed() throws Exception {
        for (int i = 0; i < 3; i++) {
            send("POST", "/api/metadata/taskdefs", admin, "[{\"name\":\"" + unique("chained") + "\"}]", null);
        }
        JsonNode verified = JSON.readTree(send("GET", "/api/audit/verify", admin, null, null).body());
        assertThat(verified.get("valid").asBoolean()).isTrue();
        assertThat(verified.get("entries").asLong()).isEqualTo(4); // one sign-in and three registrations

        JsonNode victim = query("action=" + enc("POST /api/metadata/taskdefs")).get(1);
        asOwner("UPDATE audit_log SET resource = '/api/somewhere/else' WHERE id = ?",
                UUID.fromString(victim.get("id").asString()));
        JsonNode broken = JSON.readTree(send("GET", "/api/audit/verify", admin, null, null).body());
        assertThat(broken.get("valid").asBoolean()).isFalse();
        assertThat(broken.get("brokenAtSeq").asLong()).isEqualTo(victim.get("seq").asLong());
        assertThat(broken.get("brokenEntryId").asString()).isEqualTo(victim.get("id").asString());
        assertThat(broken.get("reason").asString()).contains("was altered");

        asOwner("UPDATE audit_log SET resource = ? WHERE id = ?", victim.get("resource").asString(),
                UUID.fromString(victim.get("id").asString()));
        assertThat(JSON.readTree(send("GET", "/api/audit/verify", admin, null, null).body()).get("valid")
                .asBoolean()).as("restored").isTrue();
        asOwner("DELETE FROM audit_log WHERE id = ?", UUID.fromString(victim.get("id").asString()));
        JsonNode gap = JSON.readTree(send("GET", "/api/audit/verify", admin, null, null).body());
        assertThat(gap.get("valid").asBoolean()).isFalse();
        assertThat(gap.get("brokenAtSeq").asLong()).isEqualTo(victim.get("seq").asLong());
        assertThat(gap.get("reason").asString()).contains("is missing");
    }

    @Test
    void theTrailExportsAsJsonLinesOldestFirst() throws Exception {
        for (int i = 0; i < 3; i++) {
            send("POST", "/api/metadata/taskdefs", admin, "[{\"name\":\"" + unique("exported") + "\"}]", null);
        }
        HttpResponse<String> export = send("GET", "/api/audit/export", admin, null, null);
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type")).get().asString().startsWith("application/x-ndjson");
        List<Long> seqs = new ArrayList<>();
        for (String line : export.body().split("\n")) {
            seqs.add(JSON.readTree(line).get("seq").asLong());
        }
        assertThat(seqs).containsExactly(1L, 2L, 3L, 4L);

        HttpResponse<String> badTime = send("GET", "/api/audit?from=yesterday", admin, null, null);
        assertThat(badTime.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badTime.body()).get("field").asString()).isEqualTo("from");
    }

    @Test
    void anEntryAChangeCommittedIsSealedWithTheStatusItsCallAnswered() throws Exception {
        HttpResponse<String> created = send("POST", "/api/metadata/taskdefs", admin,
                "[{\"name\":\"" + unique("sealed") + "\"}]", "req-sealed-1");
        assertThat(created.statusCode()).isEqualTo(200);
        JsonNode entry = query("action=" + enc("POST /api/metadata/taskdefs")).get(0);
        assertThat(entry.get("requestId").asString()).isEqualTo("req-sealed-1");
        assertThat(entry.get("status").asInt()).isEqualTo(200);
        assertThat(entry.get("outcome").asString()).isEqualTo("SUCCEEDED");
        assertThat(entry.get("seq").asLong()).isEqualTo(2); // after the sign-in
        assertThat(ownerCount("SELECT count(*) FROM audit_log WHERE id = '" + entry.get("id").asString()
                + "' AND NOT answer_pending AND hash IS NOT NULL")).isEqualTo(1);
    }

    @Test
    void anEntryWaitingForItsCallsAnswerStaysOutOfTheChainAndIsShownUnsealed() throws Exception {
        UUID waiting = UUID.randomUUID();
        asOwner("INSERT INTO audit_log (tenant_id, id, at, actor, actor_kind, action, resource, outcome, request_id, "
                + "answer_pending) VALUES (?, ?, now(), 'someone', 'USER', 'POST /api/x', '/api/x', 'SUCCEEDED', "
                + "'req-waiting', true)", tenant.value(), waiting);
        JsonNode verified = JSON.readTree(send("GET", "/api/audit/verify", admin, null, null).body());
        assertThat(verified.get("valid").asBoolean()).isTrue();
        assertThat(verified.get("entries").asLong()).isEqualTo(1); // the sign-in
        assertThat(verified.get("unsealed").asLong()).isEqualTo(1);
        JsonNode shown = query("actor=someone").get(0);
        assertThat(shown.get("id").asString()).isEqualTo(waiting.toString());
        assertThat(shown.has("seq")).as("no place in the chain yet").isFalse();
    }

    @Test
    void anEntryANodeLeftUnsealedWhenItStoppedIsSealedAsStoredOnceItsGraceHasPassed() throws Exception {
        UUID orphan = UUID.randomUUID();
        asOwner("INSERT INTO audit_log (tenant_id, id, at, actor, actor_kind, action, resource, outcome, request_id, "
                + "answer_pending) VALUES (?, ?, now() - interval '1 minute', 'someone', 'USER', 'POST /api/x', "
                + "'/api/x', 'SUCCEEDED', 'req-orphan', true)", tenant.value(), orphan);
        JsonNode verified = JSON.readTree(send("GET", "/api/audit/verify", admin, null, null).body());
        assertThat(verified.get("valid").asBoolean()).isTrue();
        assertThat(verified.get("entries").asLong()).isEqualTo(2);
        assertThat(verified.get("unsealed").asLong()).isZero();
        JsonNode sealed = query("actor=someone").get(0);
        assertThat(sealed.get("seq").asLong()).as("in the chain, before or after the sign-in").isIn(1L, 2L);
        assertThat(sealed.get("outcome").asString()).isEqualTo("SUCCEEDED");
        assertThat(sealed.has("status")).as("the call never answered").isFalse();
    }

    @Test
    void theApplicationCanNeitherResealASealedEntryNorSealAnotherTenantsEntries() throws Exception {
        send("POST", "/api/metadata/taskdefs", admin, "[{\"name\":\"" + unique("kept") + "\"}]", null);
        JsonNode sealed = query("action=" + enc("POST /api/metadata/taskdefs")).get(0);
        TenantId other = createTenant("audit-other-" + UUID.randomUUID().toString().substring(0, 8));
        UUID othersEntry = UUID.randomUUID();
        asOwner("INSERT INTO audit_log (tenant_id, id, at, actor, actor_kind, action, resource, outcome, request_id, "
                + "answer_pending) VALUES (?, ?, now(), 'someone', 'USER', 'POST /api/x', '/api/x', 'SUCCEEDED', "
                + "'req-other', true)", other.value(), othersEntry);

        for (UUID target : List.of(UUID.fromString(sealed.get("id").asString()), othersEntry)) {
            Integer changed = tx.write(tenant, () -> jdbc.sql("SELECT audit_seal(?, ?, ?, ?, ?, ?)")
                    .params(new UUID[] {target}, new Long[] {99L}, new String[] {"forged"},
                            new String[] {"forged"}, new String[] {"SUCCEEDED"}, new Integer[] {200})
                    .query(Integer.class).single());
            assertThat(changed).as(target.toString()).isZero();
        }
        assertThat(JSON.readTree(send("GET", "/api/audit/verify", admin, null, null).body()).get("valid")
                .asBoolean()).isTrue();
        assertThat(ownerCount("SELECT count(*) FROM audit_log WHERE hash = 'forged' OR prev_hash = 'forged'"))
                .isZero();
    }

    @Test
    void theSealerChainsTheEntriesOfManyTenantsWithoutAnyoneReading() throws Exception {
        List<TenantId> tenants = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TenantId t = createTenant("audit-many-" + UUID.randomUUID().toString().substring(0, 8));
            tenants.add(t);
            String admin = token(adminKey(t));
            send("POST", "/api/metadata/taskdefs", admin, "[{\"name\":\"" + unique("many") + "\"}]", null);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        String unsealed = "SELECT count(*) FROM audit_log WHERE seq IS NULL AND tenant_id IN ('"
                + String.join("', '", tenants.stream().map(TenantId::value).toList()) + "')";
        while (ownerCount(unsealed) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(ownerCount(unsealed)).as("sealed in the background").isZero();
        for (TenantId t : tenants) {
            assertThat(ownerCount("SELECT count(*) FROM audit_log WHERE tenant_id = '" + t.value()
                    + "' AND seq IN (1, 2)")).as(t.value()).isEqualTo(2); // its sign-in and its registration
        }
    }

    private List<JsonNode> query(String params) throws Exception {
        HttpResponse<String> r = send("GET", "/api/audit?" + params, admin, null, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> entries = new ArrayList<>();
        JSON.readTree(r.body()).forEach(entries::add);
        return entries;
    }

    private HttpResponse<String> send(String method, String path, String token, String body, String requestId)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (requestId != null) {
            b.header("X-Request-Id", requestId);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static long ownerCount(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword()); var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void asOwner(String sql, Object... params) throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword()); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }
}
