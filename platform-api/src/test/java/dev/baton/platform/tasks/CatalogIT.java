package dev.baton.platform.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.authz.api.Role;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.platform.PlatformIT;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The task catalog through the API: publishing and versions (a breaking change needs a new major version),
 * deprecation, browse and search, contracts enforced on save (every miswiring listed) and at run time (input and
 * worker output), usage figures, impact, and team visibility.
 */
class CatalogIT extends PlatformIT {

    private static final Duration SHORT = Duration.ofSeconds(10);

    private static final Map<String, Object> QUOTE_IN = Map.of("type", "object", "required", List.of("sku"),
            "properties", Map.of("sku", Map.of("type", "string"), "qty", Map.of("type", "integer", "minimum", 1)));
    private static final Map<String, Object> QUOTE_OUT = Map.of("type", "object", "required", List.of("price"),
            "properties", Map.of("price", Map.of("type", "number"), "currency", Map.of("type", "string")));

    /** A token of an application with {@code roles} in a new team; returns the team's name and the token. */
    private String[] teamToken(Role... roles) {
        String team = unique("team").toLowerCase();
        identities.createTeam(TENANT, team, null);
        UUID app = identities.createApplication(TENANT, team + "-app", team, EnumSet.of(roles[0], roles), false);
        return new String[] {team, token(identities.createKey(TENANT, app))};
    }

    private JsonNode json(HttpResponse<String> r) {
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> post(String path, String token, Object body) throws Exception {
        return call("POST", path, token, body == null ? null : JSON.writeValueAsString(body));
    }

    private static Map<String, Object> version(String v, Map<String, Object> in, Map<String, Object> out,
            String worker) {
        return Map.of("version", v, "inputSchema", in, "outputSchema", out, "runsAs",
                Map.of("kind", "WORKER", "type", worker), "examples",
                List.of(Map.of("input", Map.of("sku", "A-1", "qty", 2), "output", Map.of("price", 12.5))));
    }

    /** A published entry (version 1.0.0) owned by a new team of authors; returns entry, worker, team, token. */
    private String[] publishedQuoteEntry(String visibility) throws Exception {
        String[] team = teamToken(Role.AUTHOR, Role.OPERATOR, Role.WORKER);
        String entry = unique("shipping-quote").toLowerCase();
        String worker = unique("quote_worker");
        registerTask(worker, "");
        HttpResponse<String> created = post("/api/catalog", team[1], Map.of("name", entry,
                "title", "Shipping quote", "description", "Prices a **parcel** for a destination", "category",
                "logistics", "tags", List.of("shipping", "pricing"), "visibility", visibility));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> draft = post("/api/catalog/" + entry + "/versions", team[1],
                version("1.0.0", QUOTE_IN, QUOTE_OUT, worker));
        assertThat(draft.statusCode()).as(draft.body()).isEqualTo(201);
        HttpResponse<String> published = post("/api/catalog/" + entry + "/versions/1.0.0/publish", team[1], null);
        assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
        return new String[] {entry, worker, team[0], team[1]};
    }

    @Test
    void aPublishedVersionIsImmutableAndABreakingChangeNeedsANewMajorVersion() throws Exception {
        String[] q = publishedQuoteEntry("TENANT");
        String entry = q[0];
        HttpResponse<String> again = post("/api/catalog/" + entry + "/versions/1.0.0/publish", q[3], null);
        assertThat(again.statusCode()).isEqualTo(409);
        HttpResponse<String> edit = call("PUT", "/api/catalog/" + entry + "/versions/1.0.0", q[3],
                JSON.writeValueAsString(version("1.0.0", QUOTE_IN, Map.of("type", "object"), q[1])));
        assertThat(edit.statusCode()).isEqualTo(409);
        assertThat(json(edit).get("detail").asString()).contains("can no longer change");

        Map<String, Object> widened = Map.of("type", "object", "required", List.of("sku"), "properties",
                Map.of("sku", Map.of("type", "string"), "qty", Map.of("type", "integer", "minimum", 1),
                        "express", Map.of("type", "boolean")));
        assertThat(post("/api/catalog/" + entry + "/versions", q[3], version("1.1.0", widened, QUOTE_OUT, q[1]))
                .statusCode()).isEqualTo(201);
        assertThat(post("/api/catalog/" + entry + "/versions/1.1.0/publish", q[3], null).statusCode())
                .as("an optional input field breaks nobody").isEqualTo(200);

        Map<String, Object> stricter = Map.of("type", "object", "required", List.of("sku", "destination"),
                "properties", Map.of("sku", Map.of("type", "string"), "destination", Map.of("type", "string")));
        Map<String, Object> fewerOutputs = Map.of("type", "object", "properties", Map.of("price",
                Map.of("type", "number")));
        Map<String, Object> v12 = Map.of("version", "1.2.0", "inputSchema", stricter, "outputSchema", fewerOutputs,
                "runsAs", Map.of("kind", "WORKER", "type", q[1]));
        assertThat(post("/api/catalog/" + entry + "/versions", q[3], v12).statusCode()).isEqualTo(201);
        HttpResponse<String> breaking = post("/api/catalog/" + entry + "/versions/1.2.0/publish", q[3], null);
        assertThat(breaking.statusCode()).isEqualTo(409);
        assertThat(json(breaking).get("detail").asString())
                .contains("input: 'destination' is now required")
                .contains("output: 'price' is no longer always present")
                .contains("output: 'currency' is gone").endsWith("publish it as 2.0.0");
        Map<String, Object> v2 = Map.of("version", "2.0.0", "inputSchema", stricter, "outputSchema", fewerOutputs,
                "runsAs", Map.of("kind", "WORKER", "type", q[1]));
        assertThat(post("/api/catalog/" + entry + "/versions", q[3], v2).statusCode()).isEqualTo(201);
        assertThat(post("/api/catalog/" + entry + "/versions/2.0.0/publish", q[3], null).statusCode()).isEqualTo(200);

        HttpResponse<String> deprecated = post("/api/catalog/" + entry + "/versions/1.0.0/deprecate", q[3],
                Map.of("successor", entry + "@2.0.0"));
        assertThat(deprecated.statusCode()).as(deprecated.body()).isEqualTo(200);
        JsonNode versions = json(deprecated).get("versions");
        assertThat(versions.findValuesAsString("version")).containsExactly("2.0.0", "1.2.0", "1.1.0", "1.0.0");
        assertThat(versions.findValuesAsString("status")).containsExactly("PUBLISHED", "DRAFT", "PUBLISHED",
                "DEPRECATED");
        assertThat(versions.get(3).get("successor").asString()).isEqualTo(entry + "@2.0.0");
        assertThat(post("/api/catalog/" + entry + "/versions/1.1.0/deprecate", q[3], Map.of("successor", "nope@9"))
                .statusCode()).isEqualTo(400);
    }

    @Test
    void contractsThatAreNoUsableSchemaAndExamplesThatBreakThemAreRefusedWithEveryProblemListed() throws Exception {
        String[] q = publishedQuoteEntry("TENANT");
        Map<String, Object> bad = Map.of("version", "3.0.0",
                "inputSchema", Map.of("type", "strng"),
                "outputSchema", Map.of("$ref", "https://evil.example/schema.json"),
                "runsAs", Map.of("kind", "BUILT_IN", "type", "TELEPORT"));
        HttpResponse<String> refused = post("/api/catalog/" + q[0] + "/versions", q[3], bad);
        assertThat(refused.statusCode()).isEqualTo(400);
        List<String> fields = json(refused).get("violations").findValuesAsString("field");
        assertThat(fields.stream().distinct().toList()).containsExactly("inputSchema", "outputSchema",
                "runsAs.type");
        assertThat(json(refused).get("violations").get(0).get("reason").asString())
                .startsWith("type does not have a value in the enumeration");
        assertThat(json(refused).get("violations").get(fields.indexOf("outputSchema")).get("reason").asString())
                .contains("must point inside the contract");
        Map<String, Object> badExample = Map.of("version", "3.0.0", "inputSchema", QUOTE_IN, "outputSchema",
                QUOTE_OUT, "runsAs", Map.of("kind", "WORKER", "type", q[1]),
                "examples", List.of(Map.of("input", Map.of("sku", 7))));
        HttpResponse<String> example = post("/api/catalog/" + q[0] + "/versions", q[3], badExample);
        assertThat(example.statusCode()).isEqualTo(400);
        assertThat(json(example).get("field").asString()).isEqualTo("examples[0].input.sku");
    }

    @Test
    void browsingFindsEntriesByTextCategoryTagOwnerAndStatusBuiltInOnesIncluded() throws Exception {
        String[] q = publishedQuoteEntry("TENANT");
        String admin = adminToken();
        assertThat(json(call("GET", "/api/catalog?q=parcel%20destination", admin, null)).findValuesAsString("name"))
                .contains(q[0]);
        assertThat(json(call("GET", "/api/catalog?category=logistics&tag=pricing&owner=" + q[2], admin, null))
                .findValuesAsString("name")).containsExactly(q[0]);
        assertThat(json(call("GET", "/api/catalog?status=DEPRECATED&owner=" + q[2], admin, null))
                .findValuesAsString("name")).isEmpty();
        JsonNode http = json(call("GET", "/api/catalog?q=http", admin, null));
        assertThat(http.findValuesAsString("name")).contains("http");
        JsonNode builtIn = json(call("GET", "/api/catalog/http", admin, null));
        assertThat(builtIn.get("visibility").asString()).isEqualTo("CURATED");
        assertThat(builtIn.get("versions").get(0).get("runsAs").get("type").asString()).isEqualTo("HTTP");
        assertThat(json(call("GET", "/api/catalog?q=zzzz-nothing-like-it", admin, null))).isEmpty();
        assertThat(post("/api/catalog", admin, Map.of("name", "http", "title", "mine", "category", "x",
                "visibility", "TENANT")).statusCode()).as("a built-in name is taken").isEqualTo(409);
    }

    @Test
    void aMiswiredWorkflowIsRefusedWithEveryTaskAndFieldNamed() throws Exception {
        String[] q = publishedQuoteEntry("TENANT");
        String[] consumer = publishedQuoteEntry("TENANT");
        String flow = unique("miswired");
        String def = """
                {"name":"%s","version":1,"tasks":[
                  {"name":"%s","taskReferenceName":"quote","catalog":{"name":"%s","version":"1"},
                   "inputParameters":{"qty":"many"}},
                  {"name":"%s","taskReferenceName":"again","catalog":{"name":"%s","version":"1"},
                   "inputParameters":{"sku":"${quote.output.price}","qty":"${quote.output.cost}"}},
                  {"name":"wrong","taskReferenceName":"typed","type":"INLINE","catalog":{"name":"%s","version":"7"},
                   "inputParameters":{"expression":"1"}}]}"""
                .formatted(flow, q[1], q[0], consumer[1], consumer[0], q[0]);
        HttpResponse<String> refused = call("POST", "/api/metadata/workflow?team=" + q[2], q[3], def);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        JsonNode violations = json(refused).get("violations");
        assertThat(violations.findValuesAsString("field")).containsExactly(
                "tasks[0].inputParameters.qty",
                "tasks[0].inputParameters.sku",
                "tasks[2].catalog.version",
                "tasks[1].inputParameters.sku",
                "tasks[1].inputParameters.qty");
        assertThat(violations.get(1).get("reason").asString()).startsWith("is required (contract of " + q[0]);
        assertThat(violations.get(3).get("reason").asString()).contains("${quote.output.price} is [number]")
                .contains("wants [string]");
        assertThat(violations.get(4).get("reason").asString()).isEqualTo("${quote.output.cost} refers to 'cost', "
                + "which the output contract of " + q[0] + "@1.0.0 does not declare");
    }

    @Test
    void atRunTimeABadInputAndAWorkerOutputThatBreaksTheContractFailTheTaskForGoodNamingTheField()
            throws Exception {
        String[] q = publishedQuoteEntry("TENANT");
        String flow = unique("quoting");
        HttpResponse<String> registered = call("POST", "/api/metadata/workflow?team=" + q[2], q[3], """
                {"name":"%s","version":1,"tasks":[{"name":"%s","taskReferenceName":"quote",
                  "catalog":{"name":"%s","version":"1"},"inputParameters":{"sku":"${workflow.input.sku}"}}]}"""
                .formatted(flow, q[1], q[0]));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);

        Workflow badInput = awaitStatus(start(flow, Map.of("sku", 42)), WorkflowStatus.FAILED, SHORT);
        Task refused = taskByRef(badInput, "quote");
        assertThat(refused.getStatus()).isEqualTo(TaskStatus.FAILED_WITH_TERMINAL_ERROR);
        assertThat(refused.getReasonForIncompletion()).startsWith("input 'sku' ")
                .endsWith("(contract of " + q[0] + "@1.0.0)");

        UUID id = start(flow, Map.of("sku", "A-9"));
        Task polled = poll(q[1]);
        assertThat(polled.getWorkflowTask().catalog().version()).as("runs against the exact version").isEqualTo(
                "1.0.0");
        complete(polled, Map.of("currency", "EUR"));
        Task broken = taskByRef(awaitStatus(id, WorkflowStatus.FAILED, SHORT), "quote");
        assertThat(broken.getStatus()).isEqualTo(TaskStatus.FAILED_WITH_TERMINAL_ERROR);
        assertThat(broken.getReasonForIncompletion()).isEqualTo("output 'price' is required (contract of " + q[0]
                + "@1.0.0)");

        UUID good = start(flow, Map.of("sku", "A-10"));
        complete(poll(q[1]), Map.of("price", 9.5));
        awaitStatus(good, WorkflowStatus.COMPLETED, SHORT);

        JsonNode usage = json(call("GET", "/api/catalog/" + q[0] + "/usage", q[3], null));
        assertThat(usage.get(0).get("version").asString()).isEqualTo("1.0.0");
        assertThat(usage.get(0).get("workflows").asInt()).isEqualTo(1);
        assertThat(usage.get(0).get("runs").asLong()).isEqualTo(3);
        assertThat(usage.get(0).get("failureRate").asDouble()).isBetween(0.66, 0.67);
        assertThat(usage.get(0).get("p95Millis").isNumber()).isTrue();
        JsonNode impact = json(call("GET", "/api/catalog/" + q[0] + "/impact", q[3], null));
        assertThat(impact.get(0).get("workflow").asString()).isEqualTo(flow);
        assertThat(impact.get(0).get("taskReferenceName").asString()).isEqualTo("quote");
        assertThat(impact.get(0).get("requestedVersion").asString()).isEqualTo("1");
        assertThat(impact.get(0).get("resolvedVersion").asString()).isEqualTo("1.0.0");
        JsonNode byUsage = json(call("GET", "/api/catalog?sort=USAGE&category=logistics", q[3], null));
        assertThat(byUsage.get(0).get("name").asString()).isEqualTo(q[0]);
        assertThat(byUsage.get(0).get("runsLast7Days").asLong()).isEqualTo(3);
    }

    @Test
    void aTeamOnlyEntryIsNeitherReadableNorUsableByAnotherTeam() throws Exception {
        String[] q = publishedQuoteEntry("TEAM");
        String[] other = teamToken(Role.AUTHOR);
        HttpResponse<String> read = call("GET", "/api/catalog/" + q[0], other[1], null);
        assertThat(read.statusCode()).isEqualTo(403);
        assertThat(json(call("GET", "/api/catalog?owner=" + q[2], other[1], null))).isEmpty();
        HttpResponse<String> use = call("POST", "/api/metadata/workflow?team=" + other[0], other[1], """
                {"name":"%s","version":1,"tasks":[{"name":"%s","taskReferenceName":"quote",
                  "catalog":{"name":"%s","version":"1"},"inputParameters":{"sku":"x"}}]}"""
                .formatted(unique("borrowed"), q[1], q[0]));
        assertThat(use.statusCode()).isEqualTo(403);
        assertThat(use.body()).contains("catalog entry '" + q[0] + "' is for team '" + q[2] + "' only");
        HttpResponse<String> publish = post("/api/catalog/" + q[0] + "/versions/1.0.0/deprecate", other[1], null);
        assertThat(publish.statusCode()).isEqualTo(403);
    }

    @Test
    void theBuiltInHttpEntryChecksAnHttpTaskThatUsesIt() throws Exception {
        String admin = adminToken();
        HttpResponse<String> wrongType = call("POST", "/api/metadata/workflow", admin, """
                {"name":"%s","version":1,"tasks":[{"name":"call","taskReferenceName":"call","type":"INLINE",
                  "catalog":{"name":"http","version":"1"},"inputParameters":{"expression":"1"}}]}"""
                .formatted(unique("not_http")));
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(json(wrongType).get("field").asString()).isEqualTo("tasks[0].type");
        assertThat(json(wrongType).get("violations").get(0).get("reason").asString())
                .isEqualTo("must be HTTP to run catalog entry http@1.0.0");
        HttpResponse<String> fine = call("POST", "/api/metadata/workflow", admin, """
                {"name":"%s","version":1,"tasks":[{"name":"call","taskReferenceName":"call","type":"HTTP",
                  "catalog":{"name":"http","version":"1"},
                  "inputParameters":{"uri":"https://api.example.org/x","method":"GET"}}]}"""
                .formatted(unique("http_ok")));
        assertThat(fine.statusCode()).as(fine.body()).isEqualTo(200);
    }

    @Test
    void aCompositionOfEntriesBecomesAValidatedDefinitionAndAMiswiredOneIsRefused() throws Exception {
        String[] q = publishedQuoteEntry("TENANT");
        Map<String, Object> composition = Map.of("name", unique("composed"), "steps", List.of(
                Map.of("ref", "quote", "entry", q[0] + "@1", "input", Map.of("sku", "${workflow.input.sku}")),
                Map.of("ref", "both", "parallel", List.of(
                        List.of(Map.of("ref", "wait", "entry", "wait@1", "input", Map.of("duration", "1s"))),
                        List.of(Map.of("ref", "nothing", "entry", "noop@1")))),
                Map.of("ref", "route", "switchOn", "${quote.output.currency}", "cases", Map.of("EUR",
                        List.of(Map.of("ref", "eur", "entry", "noop@1"))), "otherwise", List.of())),
                "outputParameters", Map.of("price", "${quote.output.price}"));
        HttpResponse<String> composed = post("/api/catalog/compose", q[3], composition);
        assertThat(composed.statusCode()).as(composed.body()).isEqualTo(200);
        JsonNode tasks = json(composed).get("tasks");
        assertThat(tasks.findValuesAsString("taskReferenceName")).contains("quote", "both", "both_join", "route");
        assertThat(tasks.get(0).get("type").asString()).isEqualTo("SIMPLE");
        assertThat(tasks.get(0).get("name").asString()).isEqualTo(q[1]);
        assertThat(tasks.get(0).get("catalog").get("name").asString()).isEqualTo(q[0]);
        assertThat(tasks.get(1).get("type").asString()).isEqualTo("FORK_JOIN");
        assertThat(JSON.convertValue(tasks.get(2).get("joinOn"), List.class)).isEqualTo(List.of("wait", "nothing"));
        assertThat(tasks.get(3).get("type").asString()).isEqualTo("SWITCH");
        HttpResponse<String> registered = call("POST", "/api/metadata/workflow?team=" + q[2], q[3], composed.body());
        assertThat(registered.statusCode()).as("what compose returns can be saved as it is").isEqualTo(200);

        Map<String, Object> miswired = Map.of("name", unique("miswired"), "steps", List.of(
                Map.of("ref", "quote", "entry", q[0] + "@1", "input", Map.of("qty", 2)),
                Map.of("ref", "ghost", "entry", "nothing-like-this@1")));
        HttpResponse<String> refused = post("/api/catalog/compose", q[3], miswired);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).get("violations").findValuesAsString("field")).containsExactly("steps[1].entry");
        Map<String, Object> unwired = Map.of("name", unique("unwired"), "steps", List.of(
                Map.of("ref", "quote", "entry", q[0] + "@1", "input", Map.of("qty", 2))));
        HttpResponse<String> missing = post("/api/catalog/compose", q[3], unwired);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(json(missing).get("field").asString()).isEqualTo("tasks[0].inputParameters.sku");
    }
}
