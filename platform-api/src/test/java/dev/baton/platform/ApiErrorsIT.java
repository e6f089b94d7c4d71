package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad input over HTTP gets a 4xx problem-details body naming the field, never a 500. */
class ApiErrorsIT extends PlatformIT {

    private final HttpClient http = HttpClient.newHttpClient();
    private String token;

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token());
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String token() {
        if (token == null) {
            token = adminToken();
        }
        return token;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> problem(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        return JSON.readValue(response.body(), Map.class);
    }

    @Test
    void aDefinitionReferringToALaterTaskIsRefusedNamingTheField() throws Exception {
        HttpResponse<String> r = call("POST", "/api/metadata/workflow", """
                {"name":"%s","tasks":[
                  {"name":"a","taskReferenceName":"a","type":"SET_VARIABLE","inputParameters":{"x":"${b.output.y}"}},
                  {"name":"b","taskReferenceName":"b","type":"SET_VARIABLE"}]}""".formatted(unique("later")));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(problem(r)).containsEntry("field", "tasks[0].inputParameters")
                .containsEntry("detail", "${b.output.y} refers to 'b', which is not a task that runs before this one");
    }

    @Test
    void errorBodiesAlsoCarryConductorsMessageRetryableAndValidationErrors() throws Exception {
        HttpResponse<String> invalid = call("POST", "/api/metadata/taskdefs",
                "[{\"name\":\"" + unique("neg") + "\",\"retryCount\":-1}]");
        assertThat(invalid.statusCode()).isEqualTo(400);
        Map<String, Object> body = problem(invalid);
        assertThat(body).containsEntry("message", body.get("detail")).containsEntry("retryable", false)
                .containsEntry("validationErrors", java.util.List.of(Map.of("path", "[0].retryCount",
                        "message", body.get("detail"))));

        HttpResponse<String> missing = call("GET", "/api/workflow/" + java.util.UUID.randomUUID(), null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(problem(missing)).containsEntry("retryable", false).containsKey("message")
                .doesNotContainKey("validationErrors");

        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/api/metadata/taskdefs")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(problem(anonymous)).containsEntry("retryable", false)
                .containsEntry("message", "this call needs a bearer token (Authorization: Bearer or X-Authorization)");
    }

    @Test
    void structuralMistakesAreRefusedWithTheirField() throws Exception {
        Map<String, String> cases = Map.of(
                """
                {"name":"n1","tasks":[{"name":"x","taskReferenceName":"same","type":"SET_VARIABLE"},
                                      {"name":"y","taskReferenceName":"same","type":"SET_VARIABLE"}]}""",
                "tasks[1].taskReferenceName",
                """
                {"name":"n2","tasks":[{"name":"f","taskReferenceName":"f","type":"FORK_JOIN","forkTasks":[[{"name":"x","taskReferenceName":"x","type":"SET_VARIABLE"}]]}]}""",
                "tasks[0]",
                """
                {"name":"n3","tasks":[{"name":"unregistered_worker_type","taskReferenceName":"w"}]}""",
                "tasks[0].name",
                """
                {"name":"n4","tasks":[{"name":"i","taskReferenceName":"i","type":"INLINE","inputParameters":{"expression":"function ("}}]}""",
                "tasks[0].inputParameters.expression",
                """
                {"name":"n5","tasks":[{"name":"j","taskReferenceName":"j","type":"JSON_JQ_TRANSFORM","inputParameters":{"queryExpression":".a | | "}}]}""",
                "tasks[0].inputParameters.queryExpression",
                """
                {"name":"n6","tasks":[{"name":"l","taskReferenceName":"l","type":"DO_WHILE","loopOver":[]}]}""",
                "tasks[0].loopOver");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> r = call("POST", "/api/metadata/workflow", c.getKey());
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
            assertThat(problem(r).get("field")).as(c.getKey()).isEqualTo(c.getValue());
        }
    }

    @Test
    void malformedJsonAWrongTypeAndABadIdAre400NotServerErrors() throws Exception {
        HttpResponse<String> broken = call("POST", "/api/workflow", "{\"name\":");
        assertThat(broken.statusCode()).isEqualTo(400);
        HttpResponse<String> wrongType = call("POST", "/api/metadata/taskdefs", "[{\"name\":\"t\",\"retryCount\":\"many\"}]");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(problem(wrongType).get("field")).isEqualTo("[0].retryCount");
        HttpResponse<String> badId = call("GET", "/api/workflow/not-a-uuid", null);
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(problem(badId)).containsEntry("field", "workflowId");
        HttpResponse<String> badQuery = call("GET", "/api/workflow/search?query=color%20%3D%20red", null);
        assertThat(badQuery.statusCode()).isEqualTo(400);
        assertThat(problem(badQuery)).containsEntry("field", "query");
    }

    @Test
    void unknownThingsAre404AndConflictingStatesAre409() throws Exception {
        HttpResponse<String> missing = call("GET", "/api/workflow/01a204ed-6f2a-7266-8c3f-340700929cf4", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(problem(missing)).containsEntry("detail", "workflow 01a204ed-6f2a-7266-8c3f-340700929cf4 not found");
        String name = unique("conflict");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"h","taskReferenceName":"h","type":"HUMAN"}]}""".formatted(name));
        String id = call("POST", "/api/workflow/" + name, "{}").body();
        assertThat(call("PUT", "/api/workflow/" + id + "/resume", null).statusCode()).isEqualTo(409);
        HttpResponse<String> search = call("GET", "/api/workflow/search?query=workflowType%20IN%20(" + name + ")", null);
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(search.body()).contains("\"totalHits\":1").contains(id);
    }
}
