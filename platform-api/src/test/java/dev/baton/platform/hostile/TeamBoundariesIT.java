package dev.baton.platform.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.authz.api.Role;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.platform.PlatformIT;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One team cannot run another team's workflows or feed another team's workers through composition: SUB_WORKFLOW,
 * START_WORKFLOW, failure workflows, inline definitions and worker tasks are checked for the team a definition runs
 * for, at registration and again at run time; a grant of EXECUTE opens exactly what it names.
 */
class TeamBoundariesIT extends PlatformIT {

    private String teamA;
    private String teamB;
    private String a;
    private String b;
    private String bFlow;
    private String bTask;

    @BeforeEach
    void twoTeams() throws Exception {
        teamA = unique("team-a").toLowerCase();
        teamB = unique("team-b").toLowerCase();
        a = teamToken(teamA);
        b = teamToken(teamB);
        bFlow = unique("b_flow");
        bTask = unique("b_task");
        expect(200, send(b, "POST", "/api/metadata/taskdefs", "[{\"name\":\"" + bTask + "\"}]"));
        expect(200, send(b, "POST", "/api/metadata/workflow", """
                {"name":"%s","version":1,"tasks":[{"name":"v","taskReferenceName":"v","type":"SET_VARIABLE",
                  "inputParameters":{"done":true}}]}""".formatted(bFlow)));
    }

    @Test
    void anotherTeamsWorkflowsAndTaskTypesCannotBeComposedAtRegistration() throws Exception {
        String[] attempts = {
            "{\"name\":\"s\",\"taskReferenceName\":\"s\",\"type\":\"SUB_WORKFLOW\",\"subWorkflowParam\":{\"name\":\""
                    + bFlow + "\"}}",
            "{\"name\":\"s\",\"taskReferenceName\":\"s\",\"type\":\"START_WORKFLOW\",\"inputParameters\":"
                    + "{\"startWorkflow\":{\"name\":\"" + bFlow + "\"}}}",
            "{\"name\":\"" + bTask + "\",\"taskReferenceName\":\"w\",\"type\":\"SIMPLE\"}",
            "{\"name\":\"s\",\"taskReferenceName\":\"s\",\"type\":\"SUB_WORKFLOW\",\"subWorkflowParam\":{"
                    + "\"workflowDefinition\":{\"name\":\"" + bFlow + "\",\"tasks\":[{\"name\":\"v\",\"taskReferenceName\":"
                    + "\"v\",\"type\":\"SET_VARIABLE\"}]}}}",
        };
        for (String tasks : attempts) {
            HttpResponse<String> r = send(a, "POST", "/api/metadata/workflow", "{\"name\":\"" + unique("a_flow")
                    + "\",\"version\":1,\"tasks\":[" + tasks + "]}");
            assertThat(r.statusCode()).as(tasks + " -> " + r.body()).isEqualTo(403);
            assertThat(r.body()).contains("team '" + teamB + "' owns");
        }
        HttpResponse<String> failure = send(a, "POST", "/api/metadata/workflow", "{\"name\":\"" + unique("a_flow")
                + "\",\"failureWorkflow\":\"" + bFlow + "\",\"tasks\":[" + setVariable() + "]}");
        assertThat(failure.statusCode()).as(failure.body()).isEqualTo(403);
        assertThat(failure.body()).contains("failureWorkflow");
    }

    @Test
    void inlineDefinitionsCannotTakeAnotherTeamsNameOrRunItsWork() throws Exception {
        HttpResponse<String> named = send(a, "POST", "/api/workflow", "{\"workflowDef\":{\"name\":\"" + bFlow
                + "\",\"tasks\":[" + setVariable() + "]}}");
        assertThat(named.statusCode()).as(named.body()).isEqualTo(403);
        assertThat(named.body()).contains("may not take the name of workflow '" + bFlow + "'");
        HttpResponse<String> composing = send(a, "POST", "/api/workflow", "{\"workflowDef\":{\"name\":\""
                + unique("inline") + "\",\"tasks\":[" + "{\"name\":\"" + bTask
                + "\",\"taskReferenceName\":\"w\",\"type\":\"SIMPLE\"}" + "]}}");
        assertThat(composing.statusCode()).as(composing.body()).isEqualTo(403);
        String own = send(a, "POST", "/api/workflow", "{\"workflowDef\":{\"name\":\"" + unique("inline")
                + "\",\"tasks\":[" + setVariable() + "]}}").body();
        assertThat(workflows.get(TENANT, UUID.fromString(own), false).getOwnerTeam()).isEqualTo(teamA);
    }

    @Test
    void namesKnownOnlyAtRunTimeAreCheckedWhenTheyAreUsed() throws Exception {
        String starter = unique("a_starter");
        expect(200, send(a, "POST", "/api/metadata/workflow", """
                {"name":"%s","version":1,"tasks":[{"name":"s","taskReferenceName":"s","type":"START_WORKFLOW",
                  "inputParameters":{"startWorkflow":{"name":"${workflow.input.target}"}}}]}""".formatted(starter)));
        String started = send(a, "POST", "/api/workflow/" + starter, "{\"target\":\"" + bFlow + "\"}").body();
        Workflow w = awaitStatus(UUID.fromString(started), WorkflowStatus.FAILED, Duration.ofSeconds(10));
        assertThat(w.getReasonForIncompletion()).contains("team '" + teamA + "' may not use workflow '" + bFlow
                + "': team '" + teamB + "' owns it");

        String fanOut = unique("a_fan");
        expect(200, send(a, "POST", "/api/metadata/workflow", """
                {"name":"%s","version":1,"tasks":[
                  {"name":"fan","taskReferenceName":"fan","type":"FORK_JOIN_DYNAMIC",
                   "inputParameters":{"forkTaskName":"${workflow.input.type}","forkTaskInputs":[{"x":1}],"x":[],"y":{}},
                   "dynamicForkTasksParam":"x","dynamicForkTasksInputParamName":"y"},
                  {"name":"join","taskReferenceName":"join","type":"JOIN"}]}""".formatted(fanOut)));
        String fanned = send(a, "POST", "/api/workflow/" + fanOut, "{\"type\":\"" + bTask + "\"}").body();
        Workflow f = awaitStatus(UUID.fromString(fanned), WorkflowStatus.FAILED, Duration.ofSeconds(10));
        assertThat(f.getReasonForIncompletion()).contains("may not use task type '" + bTask + "'");
        assertThat(tasks.queueSizes(TENANT, java.util.List.of(bTask)).get(bTask)).isZero();
    }

    @Test
    void aGrantOfExecuteOpensExactlyWhatItNames() throws Exception {
        expect(200, send(b, "PUT", "/api/grants", "{\"resourceType\":\"WORKFLOW_DEF\",\"resourceName\":\"" + bFlow
                + "\",\"team\":\"" + teamA + "\",\"access\":[\"EXECUTE\"]}"));
        String parent = unique("a_parent");
        expect(200, send(a, "POST", "/api/metadata/workflow", "{\"name\":\"" + parent + "\",\"version\":1,\"tasks\":["
                + "{\"name\":\"s\",\"taskReferenceName\":\"s\",\"type\":\"SUB_WORKFLOW\",\"subWorkflowParam\":"
                + "{\"name\":\"" + bFlow + "\"}}" + "]}"));
        Workflow w = awaitStatus(UUID.fromString(send(a, "POST", "/api/workflow/" + parent, "{}").body()),
                WorkflowStatus.COMPLETED, Duration.ofSeconds(10));
        assertThat(w.getOwnerTeam()).isEqualTo(teamA);
        Workflow child = workflows.get(TENANT, UUID.fromString(w.getTasks().get(0).getSubWorkflowId().toString()), false);
        assertThat(child.getOwnerTeam()).as("the child runs for its own owner").isEqualTo(teamB);
        // the grant names the workflow, not the task type
        HttpResponse<String> worker = send(a, "POST", "/api/metadata/workflow", "{\"name\":\"" + unique("a_worker")
                + "\",\"version\":1,\"tasks\":[" + "{\"name\":\"" + bTask
                + "\",\"taskReferenceName\":\"w\",\"type\":\"SIMPLE\"}" + "]}");
        assertThat(worker.statusCode()).isEqualTo(403);
    }

    private String teamToken(String team) {
        identities.createTeam(TENANT, team, null);
        UUID app = identities.createApplication(TENANT, team + "-app", team,
                EnumSet.of(Role.AUTHOR, Role.OPERATOR, Role.TEAM_ADMIN, Role.VIEWER), false);
        return token(identities.createKey(TENANT, app));
    }

    private static String setVariable() {
        return "{\"name\":\"v\",\"taskReferenceName\":\"v\",\"type\":\"SET_VARIABLE\",\"inputParameters\":{\"x\":1}}";
    }

    private static void expect(int status, HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    }

    private HttpResponse<String> send(String token, String method, String path, String body) throws Exception {
        return call(method, path, token, body);
    }
}
