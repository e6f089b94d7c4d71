package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.events.EventHandlerDef;
import dev.baton.events.EventHandlers;
import dev.baton.schedules.Schedules;
import dev.baton.schedules.WorkflowSchedule;
import dev.baton.tenancy.TenantId;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * Conductor OSS's endpoint list, kept as a fixture, against the running application: each endpoint it serves is
 * mapped and answers a successful call with Conductor's status and kind of body; each one it does not serve yet
 * is refused (404, or 400 where its path falls into one that is served, like {@code /api/workflow/{id}}).
 */
class ConductorEndpointsIT extends PlatformIT {

    private record Endpoint(String method, String path, String status, int code, String kind) {
        String key() {
            return method + " " + path;
        }
    }

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;
    @Autowired EventHandlers eventHandlers;
    @Autowired Schedules schedules;
    @Autowired dev.baton.authz.access.AccessPolicy policy;
    @Autowired dev.baton.engine.api.EnvironmentVariables environment;

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static List<Endpoint> fixture() throws Exception {
        List<Endpoint> list = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(ConductorEndpointsIT.class
                .getResourceAsStream("/conductor-oss-endpoints.tsv"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                String[] answer = f[3].split(" ");
                list.add(new Endpoint(f[0], f[1], f[2], Integer.parseInt(answer[0]), answer[1]));
            }
        }
        return list;
    }

    private static String normalized(String endpoint) {
        return endpoint.replaceAll("\\{[^}]+}", "{}");
    }

    @Test
    void theFixtureNamesEveryControllerOnceAndMatchesTheApplicationsMappings() throws Exception {
        List<Endpoint> fixture = fixture();
        assertThat(fixture.stream().map(e -> normalized(e.key())).distinct().count()).isEqualTo(fixture.size());
        Set<String> mapped = new java.util.HashSet<>();
        mappings.getHandlerMethods().keySet().forEach(info -> info.getPatternValues().forEach(pattern ->
                info.getMethodsCondition().getMethods().forEach(m -> mapped.add(normalized(m.name() + " " + pattern)))));
        List<String> servedButUnmapped = fixture.stream().filter(e -> e.status().equals("served"))
                .map(e -> normalized(e.key())).filter(k -> !mapped.contains(k)).toList();
        assertThat(servedButUnmapped).isEmpty();
        List<String> mappedButNotServed = fixture.stream().filter(e -> !e.status().equals("served"))
                .map(e -> normalized(e.key())).filter(mapped::contains).toList();
        assertThat(mappedButNotServed).as("listed as not served, yet mapped").isEmpty();
    }

    @Test
    void everyServedEndpointAnswersWithConductorsStatusAndShapeAndTheOthers404() throws Exception {
        Map<String, String> ours = ApiCalls.ENDPOINTS.keySet().stream()
                .collect(Collectors.toMap(ConductorEndpointsIT::normalized, k -> k));
        List<String> wrong = new ArrayList<>();
        for (Endpoint e : fixture()) {
            HttpResponse<String> r;
            if (!e.status().equals("served")) {
                r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + e.path().replaceAll("\\{[^}]+}", "x"))).method(e.method(),
                        HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + adminToken())
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() < 400 || r.statusCode() >= 500) {
                    wrong.add(e.key() + ": not served, yet answered " + r.statusCode());
                }
                continue;
            }
            if (e.path().equals("/health")) {
                r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
            } else {
                String key = ours.get(normalized(e.key()));
                if (key == null) {
                    wrong.add(e.key() + ": no way to call it in ApiCalls");
                    continue;
                }
                World w = world();
                prepare(key, w);
                r = key.equals("POST /api/metadata/workflow")
                        ? ApiCalls.send(port, key, w.resources(), w.token(), "team=owners", body -> renamed(body))
                        : ApiCalls.send(port, key, w.resources(), w.token());
            }
            String problem = shapeProblem(e, r);
            if (problem != null) {
                wrong.add(e.key() + ": " + problem + " (" + r.statusCode() + " " + r.body() + ")");
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** A definition of another name: registering the world's own again is a conflict, as in Conductor. */
    @SuppressWarnings("unchecked")
    private static Object renamed(Object body) {
        Map<String, Object> def = new java.util.HashMap<>((Map<String, Object>) body);
        def.put("name", unique("ep_new"));
        return def;
    }

    /** Brings the world's workflow or task into the state the endpoint acts on. */
    private void prepare(String endpoint, World w) {
        TenantId t = new TenantId(w.resources().tenantId());
        UUID id = UUID.fromString(w.resources().workflowId());
        switch (endpoint) {
            case "PUT /api/workflow/{workflowId}/resume" -> workflows.pause(t, id);
            case "POST /api/workflow/{workflowId}/rerun", "POST /api/workflow/{workflowId}/restart",
                    "POST /api/workflow/{workflowId}/retry" -> workflows.terminate(t, id, "to run it again");
            case "POST /api/tasks", "POST /api/tasks/update-v2" ->
                    tasks.poll(t, w.resources().taskDef(), "w", null, 1, java.time.Duration.ZERO);
            default -> { }
        }
    }

    private static String shapeProblem(Endpoint e, HttpResponse<String> r) {
        if (r.statusCode() != e.code()) {
            return "expected " + e.code();
        }
        String body = r.body().trim();
        switch (e.kind()) {
            case "empty" -> {
                return body.isEmpty() ? null : "expected no body";
            }
            case "text" -> {
                return !body.isEmpty() && !body.startsWith("{") && !body.startsWith("[")
                        && r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain")
                        ? null : "expected text";
            }
            case "number" -> {
                return body.matches("-?[0-9]+") ? null : "expected a number";
            }
            default -> {
                JsonNode node = JSON.readTree(body);
                boolean ok = e.kind().equals("object") ? node.isObject() : node.isArray();
                return ok ? null : "expected a JSON " + e.kind();
            }
        }
    }

    private record World(ApiCalls.Resources resources, String token) {}

    /** A tenant with a team owning a task type, a workflow waiting on it and a WAIT, a handler and a schedule. */
    private World world() {
        TenantId t = createTenant("ep-" + UUID.randomUUID().toString().substring(0, 8));
        identities.createTeam(t, "owners", null);
        String taskDef = unique("ep_task");
        String workflowDef = unique("ep_flow");
        metadata.registerTaskDefs(t, List.of(JSON.readValue("{\"name\":\"" + taskDef + "\"}", TaskDef.class)));
        metadata.registerWorkflowDef(t, JSON.readValue("""
                {"name":"%s","version":1,"tasks":[{"name":"fork","taskReferenceName":"fork","type":"FORK_JOIN",
                  "forkTasks":[[{"name":"%s","taskReferenceName":"step"}],
                               [{"name":"hold","taskReferenceName":"hold","type":"WAIT"}]]},
                  {"name":"join","taskReferenceName":"join","type":"JOIN","joinOn":["step","hold"]}]}"""
                .formatted(workflowDef, taskDef), WorkflowDef.class));
        policy.claim(t, dev.baton.authz.access.ResourceType.TASK_DEF, taskDef, "owners");
        policy.claim(t, dev.baton.authz.access.ResourceType.WORKFLOW_DEF, workflowDef, "owners");
        String correlationId = unique("corr");
        UUID workflowId = workflows.start(t, new StartWorkflowRequest(workflowDef, 1, correlationId, Map.of(), null,
                null, null, null, null, null));
        Workflow w = workflows.get(t, workflowId, true);
        String stepId = w.getTasks().stream().filter(x -> x.getReferenceTaskName().equals("step")).findFirst()
                .orElseThrow().getTaskId().toString();
        eventHandlers.add(t, new EventHandlerDef(workflowDef, "conductor:" + workflowDef + ":step", null, null,
                List.of(new EventHandlerDef.Action(EventHandlerDef.ActionType.start_workflow,
                        new EventHandlerDef.StartWorkflow(workflowDef, null, null, null, null), null, null, null,
                        null, false)), true, null), "owners");
        policy.claim(t, dev.baton.authz.access.ResourceType.EVENT_HANDLER, workflowDef, "owners");
        schedules.save(t, new WorkflowSchedule(workflowDef, "0 0 0 1 1 *", null, null, null,
                StartWorkflowRequest.of(workflowDef, null, null), null, null, null, null, null, null, null, null,
                null, null), "owners", "test");
        policy.claim(t, dev.baton.authz.access.ResourceType.SCHEDULE, workflowDef, "owners");
        environment.put(t, "ENV_" + taskDef, "a value", "test");
        return new World(new ApiCalls.Resources(taskDef, workflowDef, workflowId.toString(), stepId, correlationId,
                "owners", UUID.randomUUID().toString(), unique("login"), UUID.randomUUID().toString(), "bk_none",
                t.value(), UUID.randomUUID().toString(), unique("entry").toLowerCase(), unique("secret").toLowerCase(),
                unique("connection").toLowerCase()), token(adminKey(t)));
    }
}
