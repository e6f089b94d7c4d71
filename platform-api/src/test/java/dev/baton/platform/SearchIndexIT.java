package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.authz.api.Role;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Execution search through a real OpenSearch node (a process of its own): answered by the index for the caller's
 * tenant only, the same answers from PostgreSQL when the node is down, workflows running on meanwhile, and the index
 * rebuilt from PostgreSQL after it was lost.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SearchIndexIT extends PlatformIT {

    private static final int PORT = freePort();
    private static final String INDEX = "baton-it-" + UUID.randomUUID().toString().substring(0, 8);
    private static SearchNode node;

    @Autowired MeterRegistry meters;

    private static String acme;
    private static String beta;
    private static String operator;

    @DynamicPropertySource
    static void index(DynamicPropertyRegistry registry) {
        if (node == null) {
            node = startNode();
        }
        registry.add("baton.search.url", () -> "http://127.0.0.1:" + PORT);
        registry.add("baton.search.index", () -> INDEX);
        registry.add("baton.search.feed-interval", () -> "PT0.05S");
        registry.add("baton.search.pause-after-failure", () -> "PT0.5S");
        registry.add("baton.search.timeout", () -> "PT2S");
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @BeforeEach
    void twoTenantsAndAnOperator() {
        if (acme != null) {
            return;
        }
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        acme = token(adminKey(createTenant("acme-" + suffix)));
        beta = token(adminKey(createTenant("beta-" + suffix)));
        String team = unique("ops").toLowerCase();
        identities.createTeam(TENANT, team, null);
        UUID app = identities.createApplication(TENANT, team + "-bot", team, EnumSet.of(Role.VIEWER), false);
        identities.makePlatformOperators(TENANT, null, app);
        operator = token(identities.createKey(TENANT, app));
    }

    @Test
    @Order(1)
    void theIndexAnswersEachTenantWithItsOwnExecutionsOnly() throws Exception {
        List<String> acmeIds = startAll(acme, "orders", List.of("shared-7", "a-1", "a-2"));
        List<String> betaIds = startAll(beta, "orders", List.of("shared-7", "b-1"));
        awaitIndexed(acme, 3);
        awaitIndexed(beta, 2);
        double before = indexAnswers();

        JsonNode all = search(acme, "workflowType IN (orders)", "*", null);
        assertThat(ids(all)).containsExactlyInAnyOrderElementsOf(acmeIds);
        assertThat(all.get("totalHits").asLong()).isEqualTo(3);
        JsonNode shared = search(beta, "correlationId = shared-7", "*", null);
        assertThat(ids(shared)).containsExactly(betaIds.get(0));
        // another tenant's words, ids and correlation ids find nothing
        assertThat(ids(search(acme, "workflowId IN (" + betaIds.get(1) + ")", "*", null))).isEmpty();
        assertThat(ids(search(acme, null, "b-1", null))).isEmpty();
        assertThat(ids(search(acme, null, "a-2", null))).containsExactly(acmeIds.get(2));
        assertThat(indexAnswers()).as("answered by the index").isEqualTo(before + 5);
    }

    @Test
    @Order(2)
    void withTheIndexDownSearchesGetTheSameAnswersFromPostgresAndWorkflowsRunOn() throws Exception {
        List<Map<String, String>> queries = queries();
        List<JsonNode> fromIndex = new ArrayList<>();
        for (Map<String, String> q : queries) {
            fromIndex.add(search(acme, q.get("query"), q.get("freeText"), q.get("sort")));
        }
        double indexed = indexAnswers();

        node.close();
        for (int i = 0; i < queries.size(); i++) {
            Map<String, String> q = queries.get(i);
            assertThat(search(acme, q.get("query"), q.get("freeText"), q.get("sort")))
                    .as("the same answer from PostgreSQL for %s", q).isEqualTo(fromIndex.get(i));
        }
        assertThat(indexAnswers()).as("none of them from the index").isEqualTo(indexed);

        // workflows start and finish while the index is down; the outbox keeps what the index has to learn
        List<String> during = startAll(acme, "orders", List.of("down-1", "down-2"));
        for (String id : during) {
            HttpResponse<String> got = call("GET", "/api/workflow/" + id, acme, null);
            assertThat(JSON.readTree(got.body()).get("status").asString()).isEqualTo("COMPLETED");
        }
        JsonNode state = awaitState(s -> s.get("waiting").asLong() >= 2 && !s.get("answering").asBoolean());
        assertThat(state.get("kind").asString()).isEqualTo("opensearch");

        // a new, empty node: the feed makes the index again and writes what waited; a rebuild brings back the rest
        node = startNode();
        awaitState(s -> s.get("waiting").asLong() == 0);
        HttpResponse<String> rebuild = call("POST", "/actuator/searchindex", operator, null);
        assertThat(rebuild.statusCode()).as(rebuild.body()).isEqualTo(200);
        assertThat(JSON.readTree(rebuild.body()).get("queued").asLong()).isGreaterThanOrEqualTo(7);
        awaitIndexed(acme, 5);
        awaitIndexed(beta, 2);
        List<JsonNode> rebuilt = new ArrayList<>();
        double beforeRebuilt = indexAnswers();
        for (Map<String, String> q : queries) {
            rebuilt.add(search(acme, q.get("query"), q.get("freeText"), q.get("sort")));
        }
        assertThat(indexAnswers()).as("answered by the rebuilt index").isEqualTo(beforeRebuilt + queries.size());
        node.close();
        node = null;
        for (int i = 0; i < queries.size(); i++) {
            Map<String, String> q = queries.get(i);
            assertThat(search(acme, q.get("query"), q.get("freeText"), q.get("sort")))
                    .as("PostgreSQL's answer for %s", q).isEqualTo(rebuilt.get(i));
        }
        assertThat(rebuilt.get(0).get("totalHits").asLong()).isEqualTo(5);
    }

    @Test
    @Order(3)
    void onlyPlatformOperatorsSeeOrRebuildTheIndex() throws Exception {
        // (the node is down by now; who may look does not depend on it)
        assertThat(call("GET", "/actuator/searchindex", acme, null).statusCode()).isEqualTo(403);
        assertThat(call("POST", "/actuator/searchindex", acme, null).statusCode()).isEqualTo(403);
        assertThat(call("GET", "/actuator/searchindex", operator, null).statusCode()).isEqualTo(200);
    }

    private static List<Map<String, String>> queries() {
        List<Map<String, String>> queries = new ArrayList<>();
        queries.add(query("workflowType IN (orders)", "*", null));
        queries.add(query("workflowType IN (orders)", "*", "startTime:ASC"));
        queries.add(query("status IN (COMPLETED)", "*", "workflowId:DESC"));
        queries.add(query(null, "a-1", null));
        queries.add(query(null, "*", "endTime:DESC"));
        queries.add(query("correlationId = shared-7", "*", "updateTime:ASC"));
        return queries;
    }

    private static Map<String, String> query(String query, String freeText, String sort) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("query", query);
        q.put("freeText", freeText);
        q.put("sort", sort);
        return q;
    }

    /** Registers a one-task workflow and runs one execution per correlation id to its end; returns their ids. */
    private List<String> startAll(String token, String name, List<String> correlationIds) throws Exception {
        call("POST", "/api/metadata/workflow", token, """
                {"name":"%s","tasks":[{"name":"note","taskReferenceName":"note","type":"SET_VARIABLE",
                 "inputParameters":{"seen":"${workflow.input.who}"}}]}""".formatted(name));
        List<String> ids = new ArrayList<>();
        for (String c : correlationIds) {
            HttpResponse<String> r = call("POST", "/api/workflow/" + name + "?correlationId=" + c, token,
                    "{\"who\":\"" + c + "\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            ids.add(r.body());
        }
        return ids;
    }

    private JsonNode search(String token, String query, String freeText, String sort) throws Exception {
        StringBuilder path = new StringBuilder("/api/workflow/search?size=50&freeText=")
                .append(URLEncoder.encode(freeText == null ? "*" : freeText, StandardCharsets.UTF_8));
        if (query != null) {
            path.append("&query=").append(URLEncoder.encode(query, StandardCharsets.UTF_8));
        }
        if (sort != null) {
            path.append("&sort=").append(URLEncoder.encode(sort, StandardCharsets.UTF_8));
        }
        HttpResponse<String> r = call("GET", path.toString(), token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static List<String> ids(JsonNode result) {
        List<String> ids = new ArrayList<>();
        result.get("results").forEach(w -> ids.add(w.get("workflowId").asString()));
        return ids;
    }

    /** Waits until the index answers with {@code count} of the tenant's executions (the feed and a refresh). */
    private void awaitIndexed(String token, long count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            double before = indexAnswers();
            seen = search(token, null, "*", null).get("totalHits").asLong();
            if (seen == count && indexAnswers() > before) {
                return;
            }
            sleep(100);
        }
        throw new AssertionError("the index answered " + seen + " executions, not " + count);
    }

    private JsonNode awaitState(java.util.function.Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode state = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = call("GET", "/actuator/searchindex", operator, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            state = JSON.readTree(r.body());
            if (until.test(state)) {
                return state;
            }
            sleep(100);
        }
        throw new AssertionError("the index's state stayed " + state);
    }

    private double indexAnswers() {
        return meters.find("baton.search.queries").tag("source", "index").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private static SearchNode startNode() {
        try {
            return SearchNode.start(PORT);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
