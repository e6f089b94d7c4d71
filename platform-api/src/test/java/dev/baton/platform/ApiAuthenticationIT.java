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
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.tenancy.TenantId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every API endpoint, enumerated from the running application: refused without a valid token, and blind to other
 * tenants' resources. A new endpoint without a row in {@link #ENDPOINTS} fails this test.
 */
class ApiAuthenticationIT extends PlatformIT {

    /** What an endpoint is called with: its path variables filled from the resources at hand, and a body. */
    private record Call(String query, Function<Resources, Object> body) {
        static Call plain() {
            return new Call("", r -> null);
        }
    }

    /** The names and ids an endpoint call refers to. */
    private record Resources(String taskDef, String workflowDef, String workflowId, String taskId,
            String correlationId) {

        Map<String, String> pathVariables() {
            Map<String, String> v = new LinkedHashMap<>();
            v.put("taskType", taskDef);
            v.put("workflowId", workflowId);
            v.put("taskId", taskId);
            v.put("taskRefName", "step");
            v.put("taskReferenceName", "step");
            v.put("status", "COMPLETED");
            v.put("version", "1");
            v.put("correlationId", correlationId);
            return v;
        }
    }

    private static final Map<String, Call> ENDPOINTS = new LinkedHashMap<>();

    static {
        Call plain = Call.plain();
        Function<Resources, Object> ids = r -> List.of(r.workflowId());
        Function<Resources, Object> workflowDef = r -> Map.of("name", r.workflowDef(), "version", 1,
                "tasks", List.of(Map.of("name", r.taskDef(), "taskReferenceName", "step")));
        Function<Resources, Object> taskResult = r -> Map.of("workflowInstanceId", r.workflowId(),
                "taskId", r.taskId(), "status", "COMPLETED", "outputData", Map.of("by", "intruder"));
        ENDPOINTS.put("POST /api/metadata/taskdefs", new Call("", r -> List.of(Map.of("name", r.taskDef()))));
        ENDPOINTS.put("PUT /api/metadata/taskdefs", new Call("", r -> Map.of("name", r.taskDef(),
                "description", "changed by an intruder")));
        ENDPOINTS.put("GET /api/metadata/taskdefs", plain);
        ENDPOINTS.put("GET /api/metadata/taskdefs/{name}", plain);
        ENDPOINTS.put("DELETE /api/metadata/taskdefs/{name}", plain);
        ENDPOINTS.put("POST /api/metadata/workflow", new Call("", workflowDef));
        ENDPOINTS.put("PUT /api/metadata/workflow", new Call("", r -> List.of(workflowDef.apply(r))));
        ENDPOINTS.put("POST /api/metadata/workflow/validate", new Call("", workflowDef));
        ENDPOINTS.put("GET /api/metadata/workflow", plain);
        ENDPOINTS.put("GET /api/metadata/workflow/{name}", plain);
        ENDPOINTS.put("DELETE /api/metadata/workflow/{name}/{version}", plain);
        ENDPOINTS.put("GET /api/tasks/poll/{taskType}", new Call("?workerid=intruder", r -> null));
        ENDPOINTS.put("GET /api/tasks/poll/batch/{taskType}", new Call("?workerid=intruder&count=5&timeout=1",
                r -> null));
        ENDPOINTS.put("POST /api/tasks", new Call("", taskResult));
        ENDPOINTS.put("POST /api/tasks/update-v2", new Call("", taskResult));
        ENDPOINTS.put("POST /api/tasks/{workflowId}/{taskRefName}/{status}", new Call("", r -> Map.of()));
        ENDPOINTS.put("GET /api/tasks/{taskId}", plain);
        ENDPOINTS.put("POST /api/tasks/{taskId}/log", new Call("", r -> "a line from an intruder"));
        ENDPOINTS.put("GET /api/tasks/{taskId}/log", plain);
        ENDPOINTS.put("GET /api/tasks/queue/sizes", new Call("?taskType=%taskDef%", r -> null));
        ENDPOINTS.put("GET /api/tasks/queue/all", plain);
        ENDPOINTS.put("PUT /api/workflow/bulk/pause", new Call("", ids));
        ENDPOINTS.put("PUT /api/workflow/bulk/resume", new Call("", ids));
        ENDPOINTS.put("POST /api/workflow/bulk/restart", new Call("", ids));
        ENDPOINTS.put("POST /api/workflow/bulk/retry", new Call("", ids));
        ENDPOINTS.put("POST /api/workflow/bulk/terminate", new Call("", ids));
        ENDPOINTS.put("DELETE /api/workflow/bulk/remove", new Call("", ids));
        ENDPOINTS.put("POST /api/workflow", new Call("", r -> Map.of("name", r.workflowDef(), "version", 1)));
        ENDPOINTS.put("POST /api/workflow/{name}", new Call("", r -> Map.of()));
        ENDPOINTS.put("GET /api/workflow/{workflowId}", plain);
        ENDPOINTS.put("DELETE /api/workflow/{workflowId}", new Call("?reason=intruder", r -> null));
        ENDPOINTS.put("DELETE /api/workflow/{workflowId}/remove", plain);
        ENDPOINTS.put("PUT /api/workflow/{workflowId}/pause", plain);
        ENDPOINTS.put("PUT /api/workflow/{workflowId}/resume", plain);
        ENDPOINTS.put("POST /api/workflow/{workflowId}/restart", plain);
        ENDPOINTS.put("POST /api/workflow/{workflowId}/retry", plain);
        ENDPOINTS.put("POST /api/workflow/{workflowId}/rerun", new Call("",
                r -> Map.of("reRunFromWorkflowId", r.workflowId())));
        ENDPOINTS.put("PUT /api/workflow/{workflowId}/skiptask/{taskReferenceName}", plain);
        ENDPOINTS.put("PUT /api/workflow/decide/{workflowId}", plain);
        ENDPOINTS.put("GET /api/workflow/running/{name}", plain);
        ENDPOINTS.put("GET /api/workflow/{name}/correlated/{correlationId}", plain);
        ENDPOINTS.put("GET /api/workflow/search", new Call("?query=workflowType%3D%workflowDef%", r -> null));
        ENDPOINTS.put("GET /api/workflow/search-v2", new Call("?freeText=%workflowDef%", r -> null));
        ENDPOINTS.put("GET /api/audit", plain);
        ENDPOINTS.put("GET /api/audit/export", plain);
        ENDPOINTS.put("GET /api/audit/verify", plain);
    }

    /** Endpoints whose answer is the caller's own tenant's record of itself (its sign-in), never the same twice. */
    private static final Set<String> OWN_RECORDS = Set.of("GET /api/audit", "GET /api/audit/export",
            "GET /api/audit/verify");

    /** Endpoints anyone may call: they are how a caller gets a token. */
    private static final Set<String> PUBLIC = Set.of("POST /api/token");

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired SigningKeys signingKeys;
    @Autowired AuthProperties authProperties;

    private final HttpClient http = HttpClient.newHttpClient();
    private Resources tenantA;
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
        tenantA = new Resources(taskDef, workflowDef, id.toString(), queuedTask.getTaskId().toString(),
                correlationId);
    }

    @Test
    void everyEndpointHasARowInThisTest() {
        assertThat(apiEndpoints()).as("endpoints of the running application")
                .isEqualTo(new TreeSet<>(union(ENDPOINTS.keySet(), PUBLIC)));
    }

    @Test
    void everyEndpointRefusesACallWithoutAToken() throws Exception {
        for (String endpoint : ENDPOINTS.keySet()) {
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
            for (String endpoint : ENDPOINTS.keySet()) {
                HttpResponse<String> r = call(endpoint, tenantA, token.getValue());
                assertThat(r.statusCode()).as("%s token on %s: %s", token.getKey(), endpoint, r.body())
                        .isEqualTo(401);
                assertThat(r.headers().firstValue("WWW-Authenticate")).as(endpoint).get().asString()
                        .startsWith("Bearer error=\"invalid_token\"");
            }
        }
        // the same claims, properly signed, are accepted: the refusals above are for the flaw named, not the claims
        HttpResponse<String> ok = call("GET /api/metadata/taskdefs", tenantA,
                forger.signWithOurKey(claims(now, now.plusSeconds(600), "baton")));
        assertThat(ok.statusCode()).isEqualTo(200);
    }

    @Test
    void anotherTenantsTokenFindsEveryResourceAsIfItDidNotExist() throws Exception {
        for (String endpoint : ENDPOINTS.keySet()) {
            // Two fresh tenants per endpoint, so nothing one call creates changes another: one calls with tenant A's
            // names and ids, the other with names and ids that exist nowhere. The answers must be the same.
            HttpResponse<String> cross = call(endpoint, tenantA, token(adminKey(freshTenant())));
            Resources absent = new Resources(unique("absent_task"), unique("absent_flow"),
                    UUID.randomUUID().toString(), UUID.randomUUID().toString(), unique("absent_corr"));
            HttpResponse<String> missing = call(endpoint, absent, token(adminKey(freshTenant())));

            assertThat(cross.statusCode()).as("%s across tenants (%s) vs. on a missing resource (%s)", endpoint,
                    cross.body(), missing.body()).isEqualTo(missing.statusCode());
            if (OWN_RECORDS.contains(endpoint)) {
                assertThat(cross.body()).as(endpoint).doesNotContain(tenantA.workflowId(), tenantA.taskId(),
                        tenantA.correlationId(), tenantA.workflowDef(), tenantA.taskDef());
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

    private static TenantId freshTenant() {
        return createTenant(("t-" + UUID.randomUUID()).substring(0, 20));
    }

    /** The body with the call's own names and ids replaced by placeholders, so two calls' answers compare. */
    private static String normalized(String body, Resources r) {
        return body.replace(r.workflowId(), "<workflow-id>").replace(r.taskId(), "<task-id>")
                .replace(r.correlationId(), "<correlation-id>").replace(r.workflowDef(), "<workflow-def>")
                .replace(r.taskDef(), "<task-def>");
    }

    private HttpResponse<String> call(String endpoint, Resources r, String token) throws Exception {
        String method = endpoint.substring(0, endpoint.indexOf(' '));
        String path = endpoint.substring(endpoint.indexOf(' ') + 1);
        Call call = ENDPOINTS.get(endpoint);
        String name = path.contains("/taskdefs/") ? r.taskDef() : r.workflowDef();
        path = path.replace("{name}", name);
        for (Map.Entry<String, String> v : r.pathVariables().entrySet()) {
            path = path.replace("{" + v.getKey() + "}", v.getValue());
        }
        String query = call.query().replace("%taskDef%", r.taskDef()).replace("%workflowDef%", r.workflowDef());
        Object body = call.body().apply(r);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path + query))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s
                                : JSON.writeValueAsString(body)));
        if (body != null) {
            request.header("Content-Type", body instanceof String ? "text/plain" : "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Set<String> apiEndpoints() {
        Set<String> found = new TreeSet<>();
        for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
            for (String pattern : info.getPatternValues()) {
                if (!pattern.startsWith("/api/")) {
                    continue;
                }
                for (var method : info.getMethodsCondition().getMethods()) {
                    found.add(method.name() + " " + pattern);
                }
            }
        }
        return found;
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
