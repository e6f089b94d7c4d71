package dev.baton.platform;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every API endpoint with a way to call it on a given set of resources: the table the authentication, tenant
 * isolation and authorization tests share, checked against the running application's own list of endpoints.
 */
public final class ApiCalls {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ApiCalls() {}

    /** What an endpoint is called with: its path variables filled from the resources at hand, and a body. */
    public record Call(String query, Function<Resources, Object> body) {
        static Call plain() {
            return new Call("", r -> null);
        }
    }

    /** The names and ids an endpoint call refers to. */
    public record Resources(String taskDef, String workflowDef, String workflowId, String taskId,
            String correlationId, String team, String userId, String login, String applicationId, String keyId,
            String tenantId, String providerId, String catalogEntry, String secret, String connection) {

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
            v.put("team", team);
            v.put("userId", userId);
            v.put("id", applicationId);
            v.put("keyId", keyId);
            v.put("tenantId", tenantId);
            v.put("providerId", providerId);
            v.put("event", "conductor:" + workflowDef + ":step");
            v.put("key", "ENV_" + taskDef);
            return v;
        }
    }

    public static final Map<String, Call> ENDPOINTS = new LinkedHashMap<>();

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
        ENDPOINTS.put("GET /api/metadata/workflow/names-and-versions", plain);
        ENDPOINTS.put("GET /api/metadata/workflow/latest-versions", plain);
        ENDPOINTS.put("GET /api/metadata/workflow/{name}", plain);
        ENDPOINTS.put("DELETE /api/metadata/workflow/{name}/{version}", plain);
        ENDPOINTS.put("GET /api/tasks/poll/{taskType}", new Call("?workerid=intruder", r -> null));
        ENDPOINTS.put("GET /api/tasks/poll/batch/{taskType}", new Call("?workerid=intruder&count=5&timeout=1",
                r -> null));
        ENDPOINTS.put("POST /api/tasks", new Call("", taskResult));
        ENDPOINTS.put("POST /api/tasks/update-v2", new Call("", taskResult));
        ENDPOINTS.put("POST /api/tasks/{workflowId}/{taskRefName}/{status}", new Call("", r -> Map.of()));
        ENDPOINTS.put("POST /api/tasks/{workflowId}/{taskRefName}/{status}/sync", new Call("", r -> Map.of()));
        ENDPOINTS.put("POST /api/tasks/{workflowId}/{status}/signal", new Call("", r -> Map.of()));
        ENDPOINTS.put("POST /api/tasks/{workflowId}/{status}/signal/sync", new Call("?timeoutMillis=0",
                r -> Map.of()));
        ENDPOINTS.put("GET /api/tasks/{taskId}", plain);
        ENDPOINTS.put("POST /api/tasks/{taskId}/log", new Call("", r -> "a line from an intruder"));
        ENDPOINTS.put("GET /api/tasks/{taskId}/log", plain);
        ENDPOINTS.put("GET /api/tasks/queue/sizes", new Call("?taskType=%taskDef%", r -> null));
        ENDPOINTS.put("GET /api/tasks/queue/all", plain);
        ENDPOINTS.put("GET /api/tasks/queue/size", new Call("?taskType=%taskDef%", r -> null));
        ENDPOINTS.put("GET /api/tasks/queue/all/verbose", plain);
        ENDPOINTS.put("POST /api/tasks/queue/requeue/{taskType}", plain);
        ENDPOINTS.put("GET /api/tasks/search", new Call("?query=taskType%3D%taskDef%", r -> null));
        ENDPOINTS.put("GET /api/tasks/search-v2", new Call("?query=taskType%3D%taskDef%", r -> null));
        ENDPOINTS.put("GET /api/tasks/queue/polldata", new Call("?taskType=%taskDef%", r -> null));
        ENDPOINTS.put("GET /api/tasks/queue/polldata/all", plain);
        ENDPOINTS.put("PUT /api/workflow/bulk/pause", new Call("", ids));
        ENDPOINTS.put("PUT /api/workflow/bulk/resume", new Call("", ids));
        ENDPOINTS.put("POST /api/workflow/bulk/restart", new Call("", ids));
        ENDPOINTS.put("POST /api/workflow/bulk/retry", new Call("", ids));
        ENDPOINTS.put("POST /api/workflow/bulk/terminate", new Call("", ids));
        ENDPOINTS.put("DELETE /api/workflow/bulk/remove", new Call("?archiveWorkflow=false", ids));
        ENDPOINTS.put("DELETE /api/workflow/bulk/terminate-remove", new Call("", ids));
        ENDPOINTS.put("POST /api/workflow", new Call("", r -> Map.of("name", r.workflowDef(), "version", 1)));
        ENDPOINTS.put("POST /api/workflow/{name}", new Call("", r -> Map.of()));
        ENDPOINTS.put("GET /api/workflow/{workflowId}", plain);
        ENDPOINTS.put("DELETE /api/workflow/{workflowId}", new Call("?reason=intruder", r -> null));
        ENDPOINTS.put("DELETE /api/workflow/{workflowId}/remove", new Call("?archiveWorkflow=false", r -> null));
        ENDPOINTS.put("DELETE /api/workflow/{workflowId}/terminate-remove", plain);
        ENDPOINTS.put("PUT /api/workflow/{workflowId}/pause", plain);
        ENDPOINTS.put("POST /api/workflow/{workflowId}/resetcallbacks", plain);
        ENDPOINTS.put("PUT /api/workflow/{workflowId}/resume", plain);
        ENDPOINTS.put("POST /api/workflow/{workflowId}/restart", plain);
        ENDPOINTS.put("POST /api/workflow/{workflowId}/retry", plain);
        ENDPOINTS.put("POST /api/workflow/{workflowId}/rerun", new Call("",
                r -> Map.of("reRunFromWorkflowId", r.workflowId())));
        ENDPOINTS.put("PUT /api/workflow/{workflowId}/skiptask/{taskReferenceName}", plain);
        ENDPOINTS.put("POST /api/workflow/{workflowId}/fork", new Call("", r -> Map.of("reRunFromTaskId",
                r.taskId())));
        ENDPOINTS.put("POST /api/workflow/{workflowId}/upgrade", new Call("", r -> Map.of("version", 2,
                "dryRun", true)));
        ENDPOINTS.put("PUT /api/workflow/decide/{workflowId}", plain);
        ENDPOINTS.put("GET /api/workflow/running/{name}", plain);
        ENDPOINTS.put("GET /api/workflow/{workflowId}/status", plain);
        ENDPOINTS.put("GET /api/workflow/{workflowId}/tasks", plain);
        ENDPOINTS.put("POST /api/workflow/execute/{name}/{version}", new Call("?waitForSeconds=0", r -> Map.of()));
        ENDPOINTS.put("GET /api/workflow/{name}/correlated/{correlationId}", plain);
        ENDPOINTS.put("POST /api/workflow/{name}/correlated", new Call("", r -> List.of("c-1", "c-2")));
        ENDPOINTS.put("GET /api/workflow/search", new Call("?query=workflowType%3D%workflowDef%", r -> null));
        ENDPOINTS.put("GET /api/workflow/search-v2", new Call("?freeText=%workflowDef%", r -> null));
        ENDPOINTS.put("GET /api/workflow/search-by-tasks", new Call("?query=taskType%3D%taskDef%", r -> null));
        ENDPOINTS.put("GET /api/workflow/search-by-tasks-v2", new Call("?query=taskType%3D%taskDef%", r -> null));
        ENDPOINTS.put("GET /api/admin/config", plain);
        ENDPOINTS.put("GET /api/admin/task/{taskType}", plain);
        ENDPOINTS.put("GET /api/admin/queues", plain);
        ENDPOINTS.put("POST /api/admin/sweep/requeue/{workflowId}", plain);
        ENDPOINTS.put("POST /api/admin/consistency/verifyAndRepair/{workflowId}", plain);
        ENDPOINTS.put("GET /api/version", plain);
        ENDPOINTS.put("GET /api/teams", plain);
        ENDPOINTS.put("POST /api/teams", new Call("", r -> Map.of("name", r.team())));
        ENDPOINTS.put("DELETE /api/teams/{team}", plain);
        ENDPOINTS.put("GET /api/teams/{team}/members", plain);
        ENDPOINTS.put("PUT /api/teams/{team}/members/{userId}", new Call("", r -> Map.of("roles", List.of("VIEWER"))));
        ENDPOINTS.put("DELETE /api/teams/{team}/members/{userId}", plain);
        ENDPOINTS.put("GET /api/users", plain);
        ENDPOINTS.put("POST /api/users", new Call("", r -> Map.of("login", r.login(),
                "password", "a long enough password")));
        ENDPOINTS.put("POST /api/applications", new Call("", r -> Map.of("name", r.team() + "-app", "team", r.team(),
                "roles", List.of("WORKER"))));
        ENDPOINTS.put("GET /api/applications", plain);
        ENDPOINTS.put("GET /api/applications/{id}", plain);
        ENDPOINTS.put("DELETE /api/applications/{id}", plain);
        ENDPOINTS.put("POST /api/applications/{id}/accessKeys", plain);
        ENDPOINTS.put("GET /api/applications/{id}/accessKeys", plain);
        ENDPOINTS.put("DELETE /api/applications/{id}/accessKeys/{keyId}", plain);
        ENDPOINTS.put("PUT /api/grants", new Call("", r -> Map.of("resourceType", "WORKFLOW_DEF",
                "resourceName", r.workflowDef(), "team", r.team(), "access", List.of("READ"))));
        ENDPOINTS.put("GET /api/grants", new Call("?resourceType=WORKFLOW_DEF&resourceName=%workflowDef%", r -> null));
        ENDPOINTS.put("DELETE /api/grants", new Call("?resourceType=WORKFLOW_DEF&resourceName=%workflowDef%"
                + "&team=%team%", r -> null));
        ENDPOINTS.put("POST /api/admin/tenants", new Call("", r -> Map.of("id", r.tenantId() + "-new")));
        ENDPOINTS.put("GET /api/admin/tenants", plain);
        ENDPOINTS.put("GET /api/admin/tenants/{tenantId}", plain);
        ENDPOINTS.put("PUT /api/admin/tenants/{tenantId}/suspend", plain);
        ENDPOINTS.put("PUT /api/admin/tenants/{tenantId}/resume", plain);
        ENDPOINTS.put("PUT /api/admin/tenants/{tenantId}/quotas", new Call("", r -> Map.of("maxRunningWorkflows", 50)));
        ENDPOINTS.put("DELETE /api/admin/tenants/{tenantId}", plain);
        ENDPOINTS.put("POST /api/identity-providers", new Call("", r -> Map.of(
                "issuer", "https://issuer.example/" + java.util.UUID.randomUUID(), "audience", "baton:" + r.tenantId())));
        ENDPOINTS.put("GET /api/identity-providers", plain);
        ENDPOINTS.put("DELETE /api/identity-providers/{providerId}", plain);
        Function<Resources, Object> entry = r -> Map.of("name", "entry-" + java.util.UUID.randomUUID()
                .toString().substring(0, 8), "title", "An entry", "category", "misc", "visibility", "TEAM");
        Function<Resources, Object> version = r -> Map.of("version", "1.0.0", "inputSchema", Map.of(),
                "outputSchema", Map.of(), "runsAs", Map.of("kind", "WORKER", "type", r.taskDef()));
        ENDPOINTS.put("GET /api/catalog", plain);
        ENDPOINTS.put("POST /api/catalog", new Call("?team=%team%", entry));
        ENDPOINTS.put("GET /api/catalog/{name}", plain);
        ENDPOINTS.put("PUT /api/catalog/{name}", new Call("", entry));
        ENDPOINTS.put("POST /api/catalog/{name}/versions", new Call("", r -> Map.of("version", "2.0.0",
                "inputSchema", Map.of(), "outputSchema", Map.of(), "runsAs", Map.of("kind", "WORKER",
                        "type", r.taskDef()))));
        ENDPOINTS.put("PUT /api/catalog/{name}/versions/{version}", new Call("", version));
        ENDPOINTS.put("POST /api/catalog/{name}/versions/{version}/publish", plain);
        ENDPOINTS.put("POST /api/catalog/{name}/versions/{version}/deprecate", plain);
        ENDPOINTS.put("GET /api/catalog/{name}/usage", plain);
        ENDPOINTS.put("GET /api/catalog/{name}/impact", plain);
        ENDPOINTS.put("POST /api/catalog/compose", new Call("", r -> Map.of("name", "composed",
                "steps", List.of(Map.of("ref", "n", "entry", "noop@1")))));
        Function<Resources, Object> handler = r -> Map.of("name", r.workflowDef(), "event",
                "conductor:" + r.workflowDef() + ":step", "active", true, "actions", List.of(Map.of(
                        "action", "start_workflow", "start_workflow", Map.of("name", r.workflowDef()))));
        ENDPOINTS.put("POST /api/event", new Call("?team=%team%", r -> Map.of("name", "handler-"
                + java.util.UUID.randomUUID().toString().substring(0, 8), "event", "conductor:x:y", "actions",
                List.of(Map.of("action", "start_workflow", "start_workflow", Map.of("name", r.workflowDef()))))));
        ENDPOINTS.put("PUT /api/event", new Call("", handler));
        ENDPOINTS.put("GET /api/event", plain);
        ENDPOINTS.put("GET /api/event/{event}", plain);
        ENDPOINTS.put("DELETE /api/event/{name}", plain);
        ENDPOINTS.put("GET /api/event/queues", plain);
        ENDPOINTS.put("GET /api/event/queues/providers", plain);
        Function<Resources, Object> listener = r -> Map.of("name", r.workflowDef(), "events",
                List.of("workflow.COMPLETED", "workflow.FAILED"), "url", "https://hooks.example/" + r.workflowDef(),
                "signingSecret", r.secret());
        ENDPOINTS.put("POST /api/listeners", new Call("?team=%team%", r -> Map.of("name", "listener-"
                + java.util.UUID.randomUUID().toString().substring(0, 8), "events", List.of("workflow.COMPLETED"),
                "url", "https://hooks.example/in", "signingSecret", r.secret())));
        ENDPOINTS.put("GET /api/listeners", plain);
        ENDPOINTS.put("POST /api/dry-runs", new Call("", r -> Map.of("name", r.workflowDef())));
        ENDPOINTS.put("GET /api/listeners/{name}", plain);
        ENDPOINTS.put("PUT /api/listeners/{name}", new Call("", listener));
        ENDPOINTS.put("DELETE /api/listeners/{name}", plain);
        ENDPOINTS.put("GET /api/listeners/{name}/deliveries", plain);
        ENDPOINTS.put("POST /api/listeners/{name}/deliveries/{id}/redeliver", plain);
        ENDPOINTS.put("POST /api/listeners/{name}/deliveries/redeliver-dead", plain);
        ENDPOINTS.put("GET /api/queue/size", plain);
        ENDPOINTS.put("GET /api/queue/", plain);
        ENDPOINTS.put("POST /api/queue/update/{workflowId}/{taskRefName}/{status}", new Call("", r -> Map.of()));
        ENDPOINTS.put("POST /api/queue/update/{workflowId}/task/{taskId}/{status}", new Call("", r -> Map.of()));
        ENDPOINTS.put("POST /api/scheduler/schedules", new Call("?team=%team%", r -> Map.of("name", "sched-"
                + java.util.UUID.randomUUID().toString().substring(0, 8), "cronExpression", "0 0 * * * *",
                "startWorkflowRequest", Map.of("name", r.workflowDef()))));
        ENDPOINTS.put("GET /api/scheduler/schedules", plain);
        ENDPOINTS.put("GET /api/scheduler/schedules/search", plain);
        ENDPOINTS.put("GET /api/scheduler/schedules/{name}", plain);
        ENDPOINTS.put("DELETE /api/scheduler/schedules/{name}", plain);
        ENDPOINTS.put("GET /api/scheduler/schedules/{name}/pause", plain);
        ENDPOINTS.put("GET /api/scheduler/schedules/{name}/resume", plain);
        ENDPOINTS.put("PUT /api/scheduler/bulk/pause", new Call("", r -> List.of(r.workflowDef())));
        ENDPOINTS.put("PUT /api/scheduler/bulk/resume", new Call("", r -> List.of(r.workflowDef())));
        ENDPOINTS.put("GET /api/scheduler/nextFewSchedules", new Call("?cronExpression=0+0+*+*+*+*", r -> null));
        ENDPOINTS.put("GET /api/scheduler/search/executions", plain);
        ENDPOINTS.put("GET /api/environment", plain);
        ENDPOINTS.put("GET /api/environment/{key}", plain);
        ENDPOINTS.put("PUT /api/environment/{key}", new Call("", r -> "a value"));
        ENDPOINTS.put("DELETE /api/environment/{key}", plain);
        ENDPOINTS.put("GET /api/secrets", plain);
        ENDPOINTS.put("PUT /api/secrets/{name}", new Call("", r -> Map.of("value", "an intruder's value")));
        ENDPOINTS.put("DELETE /api/secrets/{name}", plain);
        ENDPOINTS.put("POST /api/secrets/re-encrypt", plain);
        ENDPOINTS.put("GET /api/connections", plain);
        ENDPOINTS.put("GET /api/connections/{name}", plain);
        ENDPOINTS.put("PUT /api/connections/{name}", new Call("", r -> Map.of("kind", "HTTP", "settings",
                Map.of("baseUrl", "https://intruder.example"), "secretSettings", Map.of())));
        ENDPOINTS.put("DELETE /api/connections/{name}", plain);
        ENDPOINTS.put("GET /api/settings/http-allow-list", plain);
        ENDPOINTS.put("PUT /api/settings/http-allow-list", new Call("", r -> Map.of("hosts",
                List.of("api.example.org"))));
        ENDPOINTS.put("GET /api/audit", plain);
        ENDPOINTS.put("GET /api/audit/export", plain);
        ENDPOINTS.put("GET /api/audit/verify", plain);
        ENDPOINTS.put("GET /api/metrics/executions", plain);
        ENDPOINTS.put("GET /api/tenant", plain);
        ENDPOINTS.put("POST /api/workflow/{workflowId}/messages", new Call("", r -> Map.of("text", "hello")));
        ENDPOINTS.put("GET /api/workflow/externalstoragelocation",
                new Call("?operation=WRITE&payloadType=WORKFLOW_INPUT", r -> null));
        ENDPOINTS.put("GET /api/tasks/externalstoragelocation",
                new Call("?operation=WRITE&payloadType=TASK_OUTPUT", r -> null));
    }

    /**
     * Endpoints anyone may call: how a caller gets a token, Conductor's health check, and external payload places,
     * whose URI is the capability.
     */
    static final Set<String> PUBLIC = Set.of("POST /api/token", "GET /api/health", "PUT /api/payloads/{token}",
            "GET /api/payloads/{token}");

    public static HttpResponse<String> send(int port, String endpoint, Resources r, String token) throws Exception {
        return send(port, endpoint, r, token, "", body -> body);
    }

    /** Like {@link #send(int, String, Resources, String)}, with more query and a rewritten body. */
    public static HttpResponse<String> send(int port, String endpoint, Resources r, String token, String moreQuery,
            java.util.function.UnaryOperator<Object> rewriteBody) throws Exception {
        String method = endpoint.substring(0, endpoint.indexOf(' '));
        String path = endpoint.substring(endpoint.indexOf(' ') + 1);
        Call call = ENDPOINTS.get(endpoint);
        boolean catalog = path.startsWith("/api/catalog/");
        String name = path.contains("/taskdefs/") ? r.taskDef() : catalog ? r.catalogEntry()
                : path.startsWith("/api/secrets/") ? r.secret() : path.startsWith("/api/connections/") ? r.connection()
                : r.workflowDef();
        path = path.replace("{name}", name);
        if (catalog) {
            path = path.replace("{version}", "1.0.0");
        }
        for (Map.Entry<String, String> v : r.pathVariables().entrySet()) {
            path = path.replace("{" + v.getKey() + "}", v.getValue());
        }
        String query = call.query().replace("%taskDef%", r.taskDef()).replace("%workflowDef%", r.workflowDef())
                .replace("%team%", r.team());
        if (!moreQuery.isEmpty()) {
            query = query + (query.isEmpty() ? "?" : "&") + moreQuery;
        }
        Object body = rewriteBody.apply(call.body().apply(r));
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
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Set<String> apiEndpoints(RequestMappingHandlerMapping mappings) {
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

}
