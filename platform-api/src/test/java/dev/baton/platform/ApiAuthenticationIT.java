package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.baton.authz.AuthProperties;
import dev.baton.authz.keys.SigningKeys;
import dev.baton.catalog.Catalog;
import dev.baton.catalog.NewEntry;
import dev.baton.catalog.NewVersion;
import dev.baton.catalog.RunsAs;
import dev.baton.catalog.Visibility;
import dev.baton.connections.ConnectionKind;
import dev.baton.connections.NewConnection;
import dev.baton.connections.Vault;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.tenancy.TenantId;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every API endpoint, enumerated from the running application: refused without a valid token, and blind to other
 * tenants' resources. A new endpoint without a row in {@link ApiCalls#ENDPOINTS} fails this test.
 */
class ApiAuthenticationIT extends PlatformIT {

    /** Endpoints whose answer is the caller's own tenant's record of itself (its sign-in), never the same twice. */
    private static final Set<String> OWN_RECORDS = Set.of("GET /api/audit", "GET /api/audit/export",
            "GET /api/audit/verify", "GET /api/teams", "GET /api/users", "GET /api/applications",
            "POST /api/identity-providers", "GET /api/identity-providers",
            "POST /api/teams", "POST /api/users", "POST /api/applications",
            // the caller's own tenant and its own figures (each fresh tenant's differ in their times and names)
            "GET /api/tenant", "GET /api/metrics/executions", "GET /api/admin/config",
            // a fresh place of the caller's own for a payload (each with its own path and capability)
            "GET /api/workflow/externalstoragelocation", "GET /api/tasks/externalstoragelocation");

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired SigningKeys signingKeys;
    @Autowired dev.baton.authz.identity.ExternalIssuers externalIssuers;
    @Autowired AuthProperties authProperties;

    private final HttpClient http = HttpClient.newHttpClient();
    private ApiCalls.Resources tenantA;
    private Task queuedTask;

    @BeforeEach
    void resourcesOfTenantA() {
        String taskDef = unique("guarded_task");
        String workflowDef = unique("guarded_flow");
        registerTask(taskDef, "");
        registerWorkflow("""
                {"name":"%s","version":1,"tasks":[{"name":"%s","taskReferenceName":"step"}]}"""
                .formatted(workflowDef, taskDef));
        String correlationId = unique("corr");
        UUID id = workflows.start(TENANT, new dev.baton.engine.api.execution.StartWorkflowRequest(workflowDef, 1,
                correlationId, Map.of(), null, null, null, null, null, null));
        queuedTask = workflow(id).getTasks().get(0);
        String team = unique("guarded-team").toLowerCase();
        identities.createTeam(TENANT, team, null);
        String login = unique("guarded-user").toLowerCase();
        UUID user = identities.createUser(TENANT, login, "Guarded", "a long enough password", false);
        identities.addMember(TENANT, team, user, java.util.EnumSet.of(dev.baton.authz.api.Role.VIEWER));
        UUID app = identities.createApplication(TENANT, team + "-bot", team,
                java.util.EnumSet.of(dev.baton.authz.api.Role.WORKER), false);
        String keyId = identities.createKey(TENANT, app).id();
        tenantA = new ApiCalls.Resources(taskDef, workflowDef, id.toString(), queuedTask.getTaskId().toString(),
                correlationId, team, user.toString(), login, app.toString(), keyId, TENANT.value(),
                externalIssuers.register(TENANT, new dev.baton.authz.identity.ExternalIssuers.Provider(TENANT, null,
                        "https://issuer.example/" + team, "baton", "sub", "name", null, List.of(), null, null,
                        true))
                        .id().toString(), catalogEntry(team, taskDef), secret(team), connection(team));
    }

    @Autowired Catalog catalog;
    @Autowired Vault vault;
    @Autowired dev.baton.authz.access.AccessPolicy accessPolicy;

    private String secret(String team) {
        String name = unique("guarded-secret").toLowerCase();
        vault.putSecret(TENANT, name, "guarded value", null, team, "test");
        accessPolicy.claim(TENANT, dev.baton.authz.access.ResourceType.SECRET, name, team);
        return name;
    }

    private String connection(String team) {
        String name = unique("guarded-connection").toLowerCase();
        vault.putConnection(TENANT, name, new NewConnection(ConnectionKind.HTTP, null, Map.of("baseUrl",
                "https://api.example"), Map.of()), team, "test");
        accessPolicy.claim(TENANT, dev.baton.authz.access.ResourceType.CONNECTION, name, team);
        return name;
    }

    /** A team-only catalog entry of {@code team} with a draft version 1.0.0. */
    private String catalogEntry(String team, String taskDef) {
        String name = unique("guarded-entry").toLowerCase();
        catalog.create(TENANT, new NewEntry(name, "Guarded", null, "misc", List.of(), Visibility.TEAM), team, "test");
        catalog.addVersion(TENANT, name, new NewVersion("1.0.0", Map.of(), Map.of(), List.of(),
                new RunsAs(RunsAs.Kind.WORKER, taskDef), null), "test");
        return name;
    }

    @Test
    void everyEndpointHasARowInThisTest() {
        assertThat(ApiCalls.apiEndpoints(mappings)).as("endpoints of the running application")
                .isEqualTo(new TreeSet<>(union(ApiCalls.ENDPOINTS.keySet(), ApiCalls.PUBLIC)));
    }

    @Test
    void everyEndpointRefusesACallWithoutAToken() throws Exception {
        for (String endpoint : ApiCalls.ENDPOINTS.keySet()) {
            HttpResponse<String> r = call(endpoint, tenantA, null);
            assertThat(r.statusCode()).as(endpoint).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).as(endpoint).hasValue("Bearer");
            assertThat(r.body()).as(endpoint).contains("\"status\":401");
        }
    }

    @Test
    void everyEndpointRefusesExpiredForgedForeignAndUnsignedTokens() throws Exception {
        Instant now = Instant.now();
        RSAKeyForger forger = new RSAKeyForger(signingKeys.publicSet().getKeys().get(0).getKeyID());
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("expired", forger.signWithOurKey(claims(now.minusSeconds(7200), now.minusSeconds(3600), "baton")));
        bad.put("wrongly signed", forger.signWithAnotherKey(claims(now, now.plusSeconds(600), "baton")));
        bad.put("wrong audience", forger.signWithOurKey(claims(now, now.plusSeconds(600), "another-api")));
        bad.put("alg none", new PlainJWT(claims(now, now.plusSeconds(600), "baton")).serialize());
        bad.put("wrong issuer", forger.signWithOurKey(new JWTClaimsSet.Builder(claims(now, now.plusSeconds(600),
                "baton")).issuer("https://issuer.example").build()));
        bad.put("garbage", "not-a-jwt");
        for (Map.Entry<String, String> token : bad.entrySet()) {
            for (String endpoint : ApiCalls.ENDPOINTS.keySet()) {
                HttpResponse<String> r = call(endpoint, tenantA, token.getValue());
                assertThat(r.statusCode()).as("%s token on %s: %s", token.getKey(), endpoint, r.body())
                        .isEqualTo(401);
                assertThat(r.headers().firstValue("WWW-Authenticate")).as(endpoint).get().asString()
                        .startsWith("Bearer error=\"invalid_token\"");
                // what the official clients read to sign in again and retry
                assertThat(JSON.readTree(r.body()).get("error").asString()).as(endpoint)
                        .isEqualTo(token.getKey().equals("expired") ? "EXPIRED_TOKEN" : "INVALID_TOKEN");
            }
        }
        // the same claims, properly signed, are accepted: the refusals above are for the flaw named, not the claims
        HttpResponse<String> ok = call("GET /api/metadata/taskdefs", tenantA,
                forger.signWithOurKey(claims(now, now.plusSeconds(600), "baton")));
        assertThat(ok.statusCode()).isEqualTo(200);
    }

    @Test
    void anotherTenantsTokenFindsEveryResourceAsIfItDidNotExist() throws Exception {
        for (String endpoint : ApiCalls.ENDPOINTS.keySet()) {
            // Two fresh tenants per endpoint, so nothing one call creates changes another: one calls with tenant A's
            // names and ids, the other with names and ids that exist nowhere. The answers must be the same.
            HttpResponse<String> cross = call(endpoint, tenantA, token(adminKey(freshTenant())));
            ApiCalls.Resources absent = new ApiCalls.Resources(unique("absent_task"), unique("absent_flow"),
                    UUID.randomUUID().toString(), UUID.randomUUID().toString(), unique("absent_corr"),
                    unique("absent-team").toLowerCase(), UUID.randomUUID().toString(),
                    unique("absent-user").toLowerCase(), UUID.randomUUID().toString(), unique("bk_absent"),
                    "absent-" + UUID.randomUUID().toString().substring(0, 8), UUID.randomUUID().toString(),
                    unique("absent-entry").toLowerCase(), unique("absent-secret").toLowerCase(),
                    unique("absent-connection").toLowerCase());
            HttpResponse<String> missing = call(endpoint, absent, token(adminKey(freshTenant())));

            assertThat(cross.statusCode()).as("%s across tenants (%s) vs. on a missing resource (%s)", endpoint,
                    cross.body(), missing.body()).isEqualTo(missing.statusCode());
            if (OWN_RECORDS.contains(endpoint)) {
                assertThat(cross.body()).as(endpoint).doesNotContain(tenantA.workflowId(), tenantA.taskId(),
                        tenantA.correlationId(), tenantA.userId(), tenantA.applicationId(), tenantA.keyId());
                continue;
            }
            assertThat(normalized(cross.body(), tenantA)).as("%s: the answer across tenants is the answer for a "
                    + "resource that does not exist", endpoint).isEqualTo(normalized(missing.body(), absent));
        }
        Workflow after = workflow(UUID.fromString(tenantA.workflowId()));
        assertThat(after.getStatus()).isEqualTo(WorkflowStatus.RUNNING);
        assertThat(after.getTasks()).singleElement().satisfies(t -> {
            assertThat(t.getStatus()).isEqualTo(TaskStatus.SCHEDULED);
            assertThat(t.getPollCount()).isZero();
        });
        assertThat(tasks.logs(TENANT, queuedTask.getTaskId())).isEmpty();
        assertThat(metadata.taskDef(TENANT, tenantA.taskDef()).orElseThrow().description()).isNull();
        assertThat(metadata.workflowDef(TENANT, tenantA.workflowDef(), 1)).isPresent();
    }

    private HttpResponse<String> call(String endpoint, ApiCalls.Resources r, String token) throws Exception {
        return ApiCalls.send(port, endpoint, r, token);
    }

    private static TenantId freshTenant() {
        return createTenant(("t-" + UUID.randomUUID()).substring(0, 20));
    }

    /** The body with the call's own names and ids replaced by placeholders, so two calls' answers compare. */
    private static String normalized(String body, ApiCalls.Resources r) {
        return body.replace(r.workflowId(), "<workflow-id>").replace(r.taskId(), "<task-id>")
                .replace(r.correlationId(), "<correlation-id>").replace(r.workflowDef(), "<workflow-def>")
                .replace(r.taskDef(), "<task-def>").replace(r.team(), "<team>").replace(r.userId(), "<user>")
                .replace(r.applicationId(), "<application>").replace(r.keyId(), "<key>")
                .replace(r.tenantId(), "<tenant>").replace(r.providerId(), "<provider>")
                .replace(r.catalogEntry(), "<catalog-entry>")
                .replace(r.secret(), "<secret>").replace(r.connection(), "<connection>");
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private JWTClaimsSet claims(Instant issued, Instant expires, String audience) {
        return new JWTClaimsSet.Builder().issuer(authProperties.issuer()).subject("someone").audience(audience)
                .issueTime(Date.from(issued)).expirationTime(Date.from(expires))
                .claim("tenant", TENANT.value()).claim("kind", "application").claim("tenant_admin", true)
                .claim("teams", Map.of()).build();
    }

    /** Signs tokens with this installation's current key, or with a stranger's key under the same key id. */
    private final class RSAKeyForger {

        private final String kid;
        private final RSAKey stranger;

        RSAKeyForger(String kid) throws Exception {
            this.kid = kid;
            this.stranger = new RSAKeyGenerator(2048).keyID(kid).generate();
        }

        String signWithOurKey(JWTClaimsSet claims) throws Exception {
            List<com.nimbusds.jose.jwk.JWK> ours = signingKeys.get(new com.nimbusds.jose.jwk.JWKSelector(
                    new com.nimbusds.jose.jwk.JWKMatcher.Builder().keyID(kid).build()), null);
            return sign(claims, (RSAKey) ours.get(0));
        }

        String signWithAnotherKey(JWTClaimsSet claims) throws Exception {
            return sign(claims, stranger);
        }

        private String sign(JWTClaimsSet claims, RSAKey key) throws Exception {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        }
    }
}
