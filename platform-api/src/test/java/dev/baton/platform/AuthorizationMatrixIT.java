package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.authz.access.AccessPolicy;
import dev.baton.authz.access.ResourceType;
import dev.baton.authz.api.Role;
import dev.baton.authz.identity.ExternalIssuers;
import dev.baton.catalog.Catalog;
import dev.baton.catalog.NewEntry;
import dev.baton.catalog.NewVersion;
import dev.baton.catalog.RunsAs;
import dev.baton.catalog.Visibility;
import dev.baton.connections.ConnectionKind;
import dev.baton.connections.NewConnection;
import dev.baton.connections.Vault;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.tenancy.TenantId;
import java.net.http.HttpResponse;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The authorization matrix: every endpoint, called by every kind of caller on resources one team owns, with the
 * outcome each must get. A new endpoint without a row here fails the build.
 */
class AuthorizationMatrixIT extends PlatformIT {

    /** The callers: a tenant administrator, each role of the owning team, and an outsider of another team. */
    enum Who {
        ADMIN, TEAM_ADMIN, AUTHOR, OPERATOR, VIEWER, WORKER,
        /** AUTHOR, OPERATOR, VIEWER and WORKER in another team, with no grant on the owners' resources. */
        OUTSIDER,
        /** A platform operator (it manages tenants) with no role in any team. */
        PLATFORM
    }

    private static final Set<Who> ALL = EnumSet.allOf(Who.class);
    private static final Set<Who> ADMIN = EnumSet.of(Who.ADMIN);
    private static final Set<Who> PLATFORM = EnumSet.of(Who.PLATFORM);
    private static final Set<Who> TEAM_ADMINS = EnumSet.of(Who.ADMIN, Who.TEAM_ADMIN);
    private static final Set<Who> AUTHORS = EnumSet.of(Who.ADMIN, Who.TEAM_ADMIN, Who.AUTHOR);
    private static final Set<Who> OPERATORS = EnumSet.of(Who.ADMIN, Who.TEAM_ADMIN, Who.OPERATOR);
    private static final Set<Who> WORKERS = EnumSet.of(Who.ADMIN, Who.TEAM_ADMIN, Who.WORKER);
    private static final Set<Who> READERS = EnumSet.of(Who.ADMIN, Who.TEAM_ADMIN, Who.AUTHOR, Who.OPERATOR,
            Who.VIEWER, Who.WORKER);
    private static final Set<Who> EXECUTION_READERS = EnumSet.of(Who.ADMIN, Who.TEAM_ADMIN, Who.AUTHOR,
            Who.OPERATOR, Who.VIEWER);

    /** Who may call each endpoint on the owners' resources; everybody else gets 403. */
    private static final Map<String, Set<Who>> ALLOWED = new LinkedHashMap<>();

    static {
        ALLOWED.put("POST /api/metadata/taskdefs", AUTHORS);
        ALLOWED.put("PUT /api/metadata/taskdefs", AUTHORS);
        ALLOWED.put("GET /api/metadata/taskdefs", ALL);
        ALLOWED.put("GET /api/metadata/taskdefs/{name}", READERS);
        ALLOWED.put("DELETE /api/metadata/taskdefs/{name}", AUTHORS);
        ALLOWED.put("POST /api/metadata/workflow", AUTHORS);
        ALLOWED.put("PUT /api/metadata/workflow", AUTHORS);
        ALLOWED.put("POST /api/metadata/workflow/validate", EnumSet.of(Who.ADMIN, Who.TEAM_ADMIN, Who.AUTHOR,
                Who.OUTSIDER));
        ALLOWED.put("GET /api/metadata/workflow", ALL);
        ALLOWED.put("GET /api/metadata/workflow/names-and-versions", ALL);
        ALLOWED.put("GET /api/metadata/workflow/latest-versions", ALL);
        ALLOWED.put("GET /api/metadata/workflow/{name}", READERS);
        ALLOWED.put("DELETE /api/metadata/workflow/{name}/{version}", AUTHORS);
        ALLOWED.put("GET /api/tasks/poll/{taskType}", WORKERS);
        ALLOWED.put("GET /api/tasks/poll/batch/{taskType}", WORKERS);
        ALLOWED.put("POST /api/tasks", WORKERS);
        ALLOWED.put("POST /api/tasks/update-v2", WORKERS);
        ALLOWED.put("POST /api/tasks/{workflowId}/{taskRefName}/{status}", OPERATORS);
        ALLOWED.put("POST /api/tasks/{workflowId}/{taskRefName}/{status}/sync", OPERATORS);
        ALLOWED.put("POST /api/tasks/{workflowId}/{status}/signal", OPERATORS);
        ALLOWED.put("POST /api/tasks/{workflowId}/{status}/signal/sync", OPERATORS);
        ALLOWED.put("GET /api/tasks/{taskId}", READERS);
        ALLOWED.put("POST /api/tasks/{taskId}/log", WORKERS);
        ALLOWED.put("GET /api/tasks/{taskId}/log", READERS);
        ALLOWED.put("GET /api/tasks/queue/sizes", ALL);
        ALLOWED.put("GET /api/tasks/queue/all", ALL);
        ALLOWED.put("GET /api/tasks/queue/size", READERS);
        ALLOWED.put("GET /api/tasks/queue/all/verbose", ALL);
        ALLOWED.put("POST /api/tasks/queue/requeue/{taskType}", OPERATORS);
        ALLOWED.put("GET /api/tasks/search", ALL);
        ALLOWED.put("GET /api/tasks/search-v2", ALL);
        ALLOWED.put("GET /api/tasks/queue/polldata", READERS);
        ALLOWED.put("GET /api/tasks/queue/polldata/all", ALL);
        ALLOWED.put("PUT /api/workflow/bulk/pause", OPERATORS);
        ALLOWED.put("PUT /api/workflow/bulk/resume", OPERATORS);
        ALLOWED.put("POST /api/workflow/bulk/restart", OPERATORS);
        ALLOWED.put("POST /api/workflow/bulk/retry", OPERATORS);
        ALLOWED.put("POST /api/workflow/bulk/terminate", OPERATORS);
        ALLOWED.put("DELETE /api/workflow/bulk/remove", OPERATORS);
        ALLOWED.put("DELETE /api/workflow/bulk/terminate-remove", OPERATORS);
        ALLOWED.put("POST /api/workflow", OPERATORS);
        ALLOWED.put("POST /api/workflow/{name}", OPERATORS);
        ALLOWED.put("GET /api/workflow/{workflowId}", EXECUTION_READERS);
        ALLOWED.put("DELETE /api/workflow/{workflowId}", OPERATORS);
        ALLOWED.put("DELETE /api/workflow/{workflowId}/remove", OPERATORS);
        ALLOWED.put("DELETE /api/workflow/{workflowId}/terminate-remove", OPERATORS);
        ALLOWED.put("PUT /api/workflow/{workflowId}/pause", OPERATORS);
        ALLOWED.put("POST /api/workflow/{workflowId}/resetcallbacks", OPERATORS);
        ALLOWED.put("PUT /api/workflow/{workflowId}/resume", OPERATORS);
        ALLOWED.put("POST /api/workflow/{workflowId}/restart", OPERATORS);
        ALLOWED.put("POST /api/workflow/{workflowId}/retry", OPERATORS);
        ALLOWED.put("POST /api/workflow/{workflowId}/rerun", OPERATORS);
        ALLOWED.put("PUT /api/workflow/{workflowId}/skiptask/{taskReferenceName}", OPERATORS);
        ALLOWED.put("POST /api/workflow/{workflowId}/fork", OPERATORS);
        ALLOWED.put("POST /api/workflow/{workflowId}/upgrade", OPERATORS);
        ALLOWED.put("PUT /api/workflow/decide/{workflowId}", OPERATORS);
        ALLOWED.put("GET /api/workflow/running/{name}", EXECUTION_READERS);
        ALLOWED.put("GET /api/workflow/{workflowId}/status", EXECUTION_READERS);
        ALLOWED.put("GET /api/workflow/{workflowId}/tasks", EXECUTION_READERS);
        ALLOWED.put("POST /api/workflow/execute/{name}/{version}", OPERATORS);
        ALLOWED.put("GET /api/workflow/{name}/correlated/{correlationId}", EXECUTION_READERS);
        ALLOWED.put("POST /api/workflow/{name}/correlated", EXECUTION_READERS);
        ALLOWED.put("GET /api/workflow/search", ALL);
        ALLOWED.put("GET /api/workflow/search-v2", ALL);
        ALLOWED.put("GET /api/workflow/search-by-tasks", ALL);
        ALLOWED.put("GET /api/workflow/search-by-tasks-v2", ALL);
        ALLOWED.put("GET /api/admin/config", ADMIN);
        ALLOWED.put("GET /api/admin/task/{taskType}", ALL);
        ALLOWED.put("GET /api/admin/queues", ALL);
        ALLOWED.put("POST /api/admin/sweep/requeue/{workflowId}", OPERATORS);
        ALLOWED.put("POST /api/admin/consistency/verifyAndRepair/{workflowId}", OPERATORS);
        ALLOWED.put("GET /api/version", ALL);
        ALLOWED.put("GET /api/teams", ALL);
        ALLOWED.put("POST /api/teams", ADMIN);
        ALLOWED.put("DELETE /api/teams/{team}", ADMIN);
        ALLOWED.put("GET /api/teams/{team}/members", READERS);
        ALLOWED.put("PUT /api/teams/{team}/members/{userId}", TEAM_ADMINS);
        ALLOWED.put("DELETE /api/teams/{team}/members/{userId}", TEAM_ADMINS);
        ALLOWED.put("GET /api/users", TEAM_ADMINS);
        ALLOWED.put("POST /api/users", ADMIN);
        ALLOWED.put("POST /api/applications", TEAM_ADMINS);
        ALLOWED.put("GET /api/applications", ALL);
        ALLOWED.put("GET /api/applications/{id}", TEAM_ADMINS);
        ALLOWED.put("DELETE /api/applications/{id}", TEAM_ADMINS);
        ALLOWED.put("POST /api/applications/{id}/accessKeys", TEAM_ADMINS);
        ALLOWED.put("GET /api/applications/{id}/accessKeys", TEAM_ADMINS);
        ALLOWED.put("DELETE /api/applications/{id}/accessKeys/{keyId}", TEAM_ADMINS);
        ALLOWED.put("PUT /api/grants", TEAM_ADMINS);
        ALLOWED.put("GET /api/grants", TEAM_ADMINS);
        ALLOWED.put("DELETE /api/grants", TEAM_ADMINS);
        ALLOWED.put("POST /api/admin/tenants", PLATFORM);
        ALLOWED.put("GET /api/admin/tenants", PLATFORM);
        ALLOWED.put("GET /api/admin/tenants/{tenantId}", PLATFORM);
        ALLOWED.put("PUT /api/admin/tenants/{tenantId}/suspend", PLATFORM);
        ALLOWED.put("PUT /api/admin/tenants/{tenantId}/resume", PLATFORM);
        ALLOWED.put("PUT /api/admin/tenants/{tenantId}/quotas", PLATFORM);
        ALLOWED.put("DELETE /api/admin/tenants/{tenantId}", PLATFORM);
        ALLOWED.put("POST /api/identity-providers", ADMIN);
        ALLOWED.put("GET /api/identity-providers", ADMIN);
        ALLOWED.put("DELETE /api/identity-providers/{providerId}", ADMIN);
        ALLOWED.put("GET /api/catalog", ALL);
        ALLOWED.put("POST /api/catalog", AUTHORS);
        ALLOWED.put("GET /api/catalog/{name}", READERS);
        ALLOWED.put("PUT /api/catalog/{name}", AUTHORS);
        ALLOWED.put("POST /api/catalog/{name}/versions", AUTHORS);
        ALLOWED.put("PUT /api/catalog/{name}/versions/{version}", AUTHORS);
        ALLOWED.put("POST /api/catalog/{name}/versions/{version}/publish", AUTHORS);
        ALLOWED.put("POST /api/catalog/{name}/versions/{version}/deprecate", AUTHORS);
        ALLOWED.put("GET /api/catalog/{name}/usage", READERS);
        ALLOWED.put("GET /api/catalog/{name}/impact", READERS);
        ALLOWED.put("POST /api/catalog/compose", EnumSet.of(Who.ADMIN, Who.TEAM_ADMIN, Who.AUTHOR, Who.OUTSIDER));
        ALLOWED.put("POST /api/event", AUTHORS);
        ALLOWED.put("PUT /api/event", AUTHORS);
        ALLOWED.put("GET /api/event", ALL);
        ALLOWED.put("GET /api/event/{event}", ALL);
        ALLOWED.put("DELETE /api/event/{name}", AUTHORS);
        ALLOWED.put("GET /api/event/queues", ALL);
        ALLOWED.put("GET /api/event/queues/providers", ALL);
        ALLOWED.put("POST /api/listeners", AUTHORS);
        ALLOWED.put("GET /api/listeners", ALL);
        ALLOWED.put("POST /api/dry-runs", READERS);
        ALLOWED.put("GET /api/listeners/{name}", READERS);
        ALLOWED.put("PUT /api/listeners/{name}", AUTHORS);
        ALLOWED.put("DELETE /api/listeners/{name}", AUTHORS);
        ALLOWED.put("GET /api/listeners/{name}/deliveries", EXECUTION_READERS);
        ALLOWED.put("POST /api/listeners/{name}/deliveries/{id}/redeliver", OPERATORS);
        ALLOWED.put("POST /api/listeners/{name}/deliveries/redeliver-dead", OPERATORS);
        ALLOWED.put("GET /api/queue/size", ALL);
        ALLOWED.put("GET /api/queue/", ALL);
        ALLOWED.put("POST /api/queue/update/{workflowId}/{taskRefName}/{status}", OPERATORS);
        ALLOWED.put("POST /api/queue/update/{workflowId}/task/{taskId}/{status}", OPERATORS);
        ALLOWED.put("POST /api/scheduler/schedules", AUTHORS);
        ALLOWED.put("GET /api/scheduler/schedules", ALL);
        ALLOWED.put("GET /api/scheduler/schedules/search", ALL);
        ALLOWED.put("GET /api/scheduler/schedules/{name}", READERS);
        ALLOWED.put("DELETE /api/scheduler/schedules/{name}", AUTHORS);
        ALLOWED.put("GET /api/scheduler/schedules/{name}/pause", OPERATORS);
        ALLOWED.put("GET /api/scheduler/schedules/{name}/resume", OPERATORS);
        ALLOWED.put("PUT /api/scheduler/bulk/pause", OPERATORS);
        ALLOWED.put("PUT /api/scheduler/bulk/resume", OPERATORS);
        ALLOWED.put("GET /api/scheduler/nextFewSchedules", ALL);
        ALLOWED.put("GET /api/scheduler/search/executions", ALL);
        ALLOWED.put("GET /api/environment", ALL);
        ALLOWED.put("GET /api/environment/{key}", ALL);
        ALLOWED.put("PUT /api/environment/{key}", ADMIN);
        ALLOWED.put("DELETE /api/environment/{key}", ADMIN);
        ALLOWED.put("POST /api/workflow/{workflowId}/messages", OPERATORS);
        // a place to upload to, for whoever starts workflows or works tasks in any team
        ALLOWED.put("GET /api/workflow/externalstoragelocation", EnumSet.of(Who.ADMIN, Who.TEAM_ADMIN, Who.OPERATOR,
                Who.OUTSIDER));
        ALLOWED.put("GET /api/tasks/externalstoragelocation", EnumSet.of(Who.ADMIN, Who.TEAM_ADMIN, Who.WORKER,
                Who.OUTSIDER));
        ALLOWED.put("GET /api/secrets", ALL);
        ALLOWED.put("PUT /api/secrets/{name}", AUTHORS);
        ALLOWED.put("DELETE /api/secrets/{name}", AUTHORS);
        ALLOWED.put("POST /api/secrets/re-encrypt", ADMIN);
        ALLOWED.put("GET /api/connections", ALL);
        ALLOWED.put("GET /api/connections/{name}", READERS);
        ALLOWED.put("PUT /api/connections/{name}", AUTHORS);
        ALLOWED.put("DELETE /api/connections/{name}", AUTHORS);
        // everyone may ask; each sees figures of the workflows they may read only (MetricsIT)
        ALLOWED.put("GET /api/metrics/executions", ALL);
        ALLOWED.put("GET /api/tenant", ADMIN);
        ALLOWED.put("GET /api/settings/http-allow-list", ADMIN);
        ALLOWED.put("PUT /api/settings/http-allow-list", ADMIN);
        ALLOWED.put("GET /api/audit", ADMIN);
        ALLOWED.put("GET /api/audit/export", ADMIN);
        ALLOWED.put("GET /api/audit/verify", ADMIN);
    }

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired AccessPolicy policy;
    @Autowired Catalog catalog;
    @Autowired Vault vault;
    @Autowired ExternalIssuers externalIssuers;
    @Autowired dev.baton.events.EventHandlers eventHandlers;
    @Autowired dev.baton.schedules.Schedules schedules;
    @Autowired dev.baton.listeners.StatusListeners statusListeners;

    /** One tenant with an owning team, its resources, and a token for every kind of caller. */
    private record World(ApiCalls.Resources resources, Map<Who, String> tokens) {}

    @Test
    void everyEndpointHasARuleForEveryCaller() {
        Set<String> expected = new TreeSet<>(ALLOWED.keySet());
        expected.addAll(ApiCalls.PUBLIC);
        assertThat(ApiCalls.apiEndpoints(mappings)).isEqualTo(expected);
        assertThat(ALLOWED.keySet()).isEqualTo(ApiCalls.ENDPOINTS.keySet());
    }

    @Test
    void everyEndpointAllowsExactlyTheCallersItsRuleNames() throws Exception {
        List<String> wrong = new java.util.ArrayList<>();
        for (Map.Entry<String, Set<Who>> rule : ALLOWED.entrySet()) {
            String endpoint = rule.getKey();
            // a world per endpoint, so what one caller changes cannot decide another caller's outcome
            World world = world();
            // refusals first: an allowed caller may delete what the next caller needs
            for (Who who : EnumSet.complementOf(EnumSet.copyOf(rule.getValue()))) {
                HttpResponse<String> r = ApiCalls.send(port, endpoint, world.resources(), world.tokens().get(who));
                if (!refused(endpoint, r)) {
                    wrong.add(endpoint + " by " + who + ": expected a refusal, got " + r.statusCode() + " "
                            + r.body());
                }
            }
            for (Who who : rule.getValue()) {
                HttpResponse<String> r = ApiCalls.send(port, endpoint, world.resources(), world.tokens().get(who));
                if (refused(endpoint, r) || r.statusCode() == 401 || r.statusCode() >= 500) {
                    wrong.add(endpoint + " by " + who + ": expected it to be allowed, got " + r.statusCode() + " "
                            + r.body());
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void grantsOpenAnotherTeamsResourcesExactlyAsFarAsGranted() throws Exception {
        World world = world();
        ApiCalls.Resources r = world.resources();
        String outsider = world.tokens().get(Who.OUTSIDER);
        assertThat(ApiCalls.send(port, "GET /api/metadata/workflow/{name}", r, outsider).statusCode()).isEqualTo(403);
        assertThat(ApiCalls.send(port, "GET /api/metadata/workflow/names-and-versions", r, outsider).body())
                .as("a name the caller may not read is not listed").doesNotContain(r.workflowDef());

        policy.grant(tenantOf(world), new AccessPolicy.Grant(ResourceType.WORKFLOW_DEF, r.workflowDef(), "others",
                Set.of(dev.baton.authz.access.Access.READ)));
        assertThat(ApiCalls.send(port, "GET /api/metadata/workflow/{name}", r, outsider).statusCode()).isEqualTo(200);
        assertThat(ApiCalls.send(port, "GET /api/metadata/workflow/names-and-versions", r, outsider).body())
                .contains("\"" + r.workflowDef() + "\"");
        assertThat(ApiCalls.send(port, "GET /api/workflow/{workflowId}", r, outsider).statusCode()).isEqualTo(200);
        assertThat(ApiCalls.send(port, "POST /api/workflow/{name}", r, outsider).statusCode())
                .as("READ does not let them start it").isEqualTo(403);
        assertThat(ApiCalls.send(port, "PUT /api/metadata/workflow", r, outsider).statusCode())
                .as("nor change it").isEqualTo(403);

        policy.grant(tenantOf(world), new AccessPolicy.Grant(ResourceType.WORKFLOW_DEF, r.workflowDef(), "others",
                Set.of(dev.baton.authz.access.Access.EXECUTE)));
        assertThat(ApiCalls.send(port, "POST /api/workflow/{name}", r, outsider).statusCode()).isEqualTo(200);
        assertThat(ApiCalls.send(port, "PUT /api/metadata/workflow", r, outsider).statusCode()).isEqualTo(403);

        HttpResponse<String> poll = ApiCalls.send(port, "GET /api/tasks/poll/{taskType}", r, outsider);
        assertThat(poll.statusCode()).as("EXECUTE on the workflow is not EXECUTE on its task type").isEqualTo(403);
        assertThat(poll.body()).contains("missing permission: work tasks on task type '" + r.taskDef() + "'");
        policy.grant(tenantOf(world), new AccessPolicy.Grant(ResourceType.TASK_DEF, r.taskDef(), "others",
                Set.of(dev.baton.authz.access.Access.EXECUTE)));
        assertThat(ApiCalls.send(port, "GET /api/tasks/poll/{taskType}", r, outsider).statusCode()).isEqualTo(200);
    }

    /**
     * Composition paths: a definition that starts the owners' workflow or queues their task type may be registered
     * for the owners' team (by its authors, or an administrator naming it), and for no other team until granted.
     */
    @Test
    void composingTheOwnersWorkIsAllowedExactlyForTheOwnersTeam() throws Exception {
        World world = world();
        ApiCalls.Resources r = world.resources();
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put("SUB_WORKFLOW", "{\"name\":\"s\",\"taskReferenceName\":\"s\",\"type\":\"SUB_WORKFLOW\","
                + "\"subWorkflowParam\":{\"name\":\"" + r.workflowDef() + "\"}}");
        paths.put("START_WORKFLOW", "{\"name\":\"s\",\"taskReferenceName\":\"s\",\"type\":\"START_WORKFLOW\","
                + "\"inputParameters\":{\"startWorkflow\":{\"name\":\"" + r.workflowDef() + "\"}}}");
        paths.put("SIMPLE", "{\"name\":\"" + r.taskDef() + "\",\"taskReferenceName\":\"w\"}");
        paths.put("inline sub-definition", "{\"name\":\"s\",\"taskReferenceName\":\"s\",\"type\":\"SUB_WORKFLOW\","
                + "\"subWorkflowParam\":{\"workflowDefinition\":{\"name\":\"" + r.workflowDef() + "\",\"tasks\":"
                + "[{\"name\":\"v\",\"taskReferenceName\":\"v\",\"type\":\"SET_VARIABLE\"}]}}}");
        Map<Who, String> asOwners = Map.of(Who.ADMIN, "?team=owners", Who.TEAM_ADMIN, "", Who.AUTHOR, "");
        List<String> wrong = new java.util.ArrayList<>();
        for (Map.Entry<String, String> path : paths.entrySet()) {
            for (Who who : List.of(Who.ADMIN, Who.TEAM_ADMIN, Who.AUTHOR, Who.OUTSIDER)) {
                int status = register(world, who, asOwners.getOrDefault(who, ""), path.getValue());
                int expected = asOwners.containsKey(who) ? 200 : 403;
                if (status != expected) {
                    wrong.add(path.getKey() + " by " + who + ": expected " + expected + ", got " + status);
                }
            }
        }
        assertThat(wrong).isEmpty();

        policy.grant(tenantOf(world), new AccessPolicy.Grant(ResourceType.WORKFLOW_DEF, r.workflowDef(), "others",
                Set.of(dev.baton.authz.access.Access.EXECUTE)));
        assertThat(register(world, Who.OUTSIDER, "", paths.get("SUB_WORKFLOW"))).as("granted").isEqualTo(200);
        assertThat(register(world, Who.OUTSIDER, "", paths.get("START_WORKFLOW"))).as("granted").isEqualTo(200);
        assertThat(register(world, Who.OUTSIDER, "", paths.get("SIMPLE"))).as("the task type was not").isEqualTo(403);
        assertThat(register(world, Who.OUTSIDER, "", paths.get("inline sub-definition")))
                .as("a grant to run it is no right to its name").isEqualTo(403);
    }

    private int register(World world, Who who, String query, String task) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "http://localhost:" + port + "/api/metadata/workflow" + query)).header("Authorization", "Bearer "
                + world.tokens().get(who)).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"" + unique("composed")
                        + "\",\"version\":1,\"tasks\":[" + task + "]}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static boolean refused(String endpoint, HttpResponse<String> r) {
        if (endpoint.contains("/bulk/")) {
            return r.statusCode() == 200 && r.body().contains("missing permission");
        }
        return r.statusCode() == 403 && r.body().contains("missing permission");
    }

    private TenantId tenantOf(World world) {
        return worlds.get(world);
    }

    private final Map<World, TenantId> worlds = new java.util.HashMap<>();

    private World world() {
        TenantId t = createTenant("m-" + UUID.randomUUID().toString().substring(0, 8));
        identities.createTeam(t, "owners", null);
        identities.createTeam(t, "others", null);
        String taskDef = unique("owned_task");
        String workflowDef = unique("owned_flow");
        metadata.registerTaskDefs(t, List.of(JSON.readValue("{\"name\":\"" + taskDef + "\"}",
                dev.baton.engine.api.definition.TaskDef.class)));
        metadata.registerWorkflowDef(t, JSON.readValue("""
                {"name":"%s","version":1,"tasks":[{"name":"%s","taskReferenceName":"step"}]}"""
                .formatted(workflowDef, taskDef), dev.baton.engine.api.definition.WorkflowDef.class));
        policy.claim(t, ResourceType.TASK_DEF, taskDef, "owners");
        policy.claim(t, ResourceType.WORKFLOW_DEF, workflowDef, "owners");
        String correlationId = unique("corr");
        UUID workflowId = workflows.start(t, new StartWorkflowRequest(workflowDef, 1, correlationId, Map.of(), null,
                null, null, null, null, null));
        Workflow w = workflows.get(t, workflowId, true);
        UUID member = identities.createUser(t, "member", "Member", "a long enough password", false);
        identities.addMember(t, "owners", member, EnumSet.of(Role.VIEWER));
        UUID bot = identities.createApplication(t, "owners-bot", "owners", EnumSet.of(Role.WORKER), false);
        String keyId = identities.createKey(t, bot).id();

        Map<Who, String> tokens = new EnumMap<>(Who.class);
        tokens.put(Who.ADMIN, token(adminKey(t)));
        for (Who who : List.of(Who.TEAM_ADMIN, Who.AUTHOR, Who.OPERATOR, Who.VIEWER, Who.WORKER)) {
            UUID app = identities.createApplication(t, "as-" + who, "owners", EnumSet.of(Role.valueOf(who.name())),
                    false);
            tokens.put(who, token(identities.createKey(t, app)));
        }
        UUID outsider = identities.createApplication(t, "outsider", "others",
                EnumSet.of(Role.AUTHOR, Role.OPERATOR, Role.VIEWER, Role.WORKER), false);
        tokens.put(Who.OUTSIDER, token(identities.createKey(t, outsider)));
        identities.createTeam(t, "platform", null);
        UUID platformUser = identities.createUser(t, "operator", "Operator", "a long enough password", false);
        UUID platform = identities.createApplication(t, "platform-bot", "platform", EnumSet.of(Role.VIEWER), false);
        identities.makePlatformOperators(t, platformUser, platform);
        tokens.put(Who.PLATFORM, token(identities.createKey(t, platform)));
        String catalogEntry = unique("owned-entry").toLowerCase();
        catalog.create(t, new NewEntry(catalogEntry, "Owned", null, "misc", List.of(), Visibility.TEAM), "owners",
                "test");
        catalog.addVersion(t, catalogEntry, new NewVersion("1.0.0", Map.of(), Map.of(), List.of(),
                new RunsAs(RunsAs.Kind.WORKER, taskDef), null), "test");
        String secret = unique("owned-secret").toLowerCase();
        vault.putSecret(t, secret, "s3cret-value", null, "owners", "test");
        policy.claim(t, ResourceType.SECRET, secret, "owners");
        String connection = unique("owned-connection").toLowerCase();
        vault.putConnection(t, connection, new NewConnection(ConnectionKind.HTTP, null, Map.of("baseUrl",
                "https://api.example"), Map.of()), "owners", "test");
        policy.claim(t, ResourceType.CONNECTION, connection, "owners");
        eventHandlers.add(t, new dev.baton.events.EventHandlerDef(workflowDef, "conductor:" + workflowDef + ":step",
                null, null, List.of(new dev.baton.events.EventHandlerDef.Action(
                        dev.baton.events.EventHandlerDef.ActionType.start_workflow,
                        new dev.baton.events.EventHandlerDef.StartWorkflow(workflowDef, null, null, null, null),
                        null, null, null, null, false)), true, null), "owners");
        policy.claim(t, ResourceType.EVENT_HANDLER, workflowDef, "owners");
        schedules.save(t, new dev.baton.schedules.WorkflowSchedule(workflowDef, "0 0 0 1 1 *", null, null, null,
                new StartWorkflowRequest(workflowDef, null, null, null, null, null, null, null, null, null), null,
                null, null, null, null, null, null, null, null, null), "owners", "test");
        policy.claim(t, ResourceType.SCHEDULE, workflowDef, "owners");
        statusListeners.add(t, new dev.baton.listeners.ListenerDef(workflowDef, List.of("workflow.COMPLETED"),
                List.of(), "https://hooks.example/" + workflowDef, null, secret, true), "owners", "test");
        policy.claim(t, ResourceType.LISTENER, workflowDef, "owners");
        TenantId victim = createTenant("v-" + UUID.randomUUID().toString().substring(0, 8));
        World world = new World(new ApiCalls.Resources(taskDef, workflowDef, workflowId.toString(),
                w.getTasks().get(0).getTaskId().toString(), correlationId, "owners", member.toString(),
                unique("new-user").toLowerCase(), bot.toString(), keyId, victim.value(),
                externalIssuers.register(t, new ExternalIssuers.Provider(t, null, "https://issuer.example/" + t.value(),
                        "baton", "sub", "name", null, List.of(), null, null, true)).id().toString(), catalogEntry,
                secret,
                connection),
                tokens);
        worlds.put(world, t);
        return world;
    }
}
