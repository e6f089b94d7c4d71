package dev.baton.searchindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.engine.api.ExecutionQuery;
import dev.baton.engine.api.execution.SearchResult;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.engine.api.execution.WorkflowSummary;
import dev.baton.engine.spi.ExecutionIndex;
import dev.baton.tenancy.TenantId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Elasticsearch index through Elastic's real client against a loopback stand-in that answers as Elasticsearch 8
 * does (no Elasticsearch node can run on the build machine; OpenSearch's real node is in SearchIndexIT): what goes
 * over the wire, and that an answer with another tenant's document is refused.
 */
class ElasticsearchIndexTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TenantId ACME = TenantId.of("acme");

    private HttpServer server;
    private ElasticsearchIndex index;
    private final List<String> requests = new ArrayList<>();
    private final Map<String, JsonNode> documents = new LinkedHashMap<>();
    private JsonNode lastSearch;
    private boolean made;

    @BeforeEach
    void standIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        RestClient rest = RestClient.builder(new HttpHost("127.0.0.1", server.getAddress().getPort(), "http"))
                .build();
        index = new ElasticsearchIndex(new RestClientTransport(rest, new JacksonJsonpMapper()), "execs");
    }

    @AfterEach
    void stop() {
        index.close();
        server.stop(0);
    }

    @Test
    void theIndexIsMadeOnceWithItsMappings() {
        index.prepare();
        index.prepare();
        assertThat(requests).containsExactly("HEAD /execs", "PUT /execs", "HEAD /execs");
    }

    @Test
    void documentsAreWrittenAndRemovedInOneBulkAndSearchesFilterByTenantAndSortAsPostgres() throws Exception {
        index.write(List.of(document(ACME, "00000000-0000-0000-0000-000000000001", 10),
                document(ACME, "00000000-0000-0000-0000-000000000002", 20)),
                List.of(new ExecutionIndex.Removal(ACME, "00000000-0000-0000-0000-000000000003")));
        assertThat(requests).containsExactly("POST /execs/_bulk");
        assertThat(documents).containsOnlyKeys("00000000-0000-0000-0000-000000000001",
                "00000000-0000-0000-0000-000000000002");
        assertThat(documents.get("00000000-0000-0000-0000-000000000002").get("tenantId").asText()).isEqualTo("acme");

        Instant after = Instant.parse("2026-12-01T00:00:00.000001Z");
        SearchResult<WorkflowSummary> found = index.search(ACME, new ExecutionQuery(List.of("orders"),
                List.of("COMPLETED"), null, null, after, null, "late order", "endTime", false, 0, 20), 10_000);

        assertThat(found.totalHits()).isEqualTo(2);
        assertThat(found.results()).extracting(WorkflowSummary::workflowId).containsExactly(
                "00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002");
        JsonNode bool = lastSearch.get("query").get("bool");
        assertThat(bool.get("filter").toString()).contains("{\"term\":{\"tenantId\":{\"value\":\"acme\"}}}",
                "{\"terms\":{\"workflowType\":[\"orders\"]}}", "{\"terms\":{\"status\":[\"COMPLETED\"]}}",
                "\"startMicros\":{\"gte\":" + ExecutionIndex.micros(after) + "}");
        assertThat(bool.get("must").toString()).contains("\"text\":{\"operator\":\"and\",\"query\":\"late order\"}");
        assertThat(lastSearch.get("sort").toString()).isEqualTo(
                "[{\"endMicros\":{\"missing\":\"_first\",\"order\":\"desc\"}},{\"workflowId\":{\"order\":\"asc\"}}]");
        assertThat(lastSearch.get("track_total_hits").asInt()).isEqualTo(10_000);
        assertThat(lastSearch.get("size").asInt()).isEqualTo(20);
    }

    @Test
    void anAnswerHoldingAnotherTenantsDocumentIsRefused() {
        index.write(List.of(document(TenantId.of("beta"), "00000000-0000-0000-0000-000000000009", 5)), List.of());
        assertThatThrownBy(() -> index.search(ACME, new ExecutionQuery(null, null, null, null, null, null, "*",
                null, false, 0, 10), 10_000)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another tenant's document");
    }

    private static ExecutionIndex.Document document(TenantId tenant, String id, long micros) {
        WorkflowSummary s = new WorkflowSummary("orders", 1, id, "c-" + id.substring(35), "2026-12-01T00:00:00Z",
                "2026-12-01T00:00:01Z", null, WorkflowStatus.COMPLETED, "{}", "{}", null, 0, "", 0, null);
        return new ExecutionIndex.Document(tenant, s, micros, micros, null, "orders late order");
    }

    /** Answers as Elasticsearch 8.x: its product header, its shapes; keeps what the bulk requests write. */
    private void answer(HttpExchange x) throws IOException {
        String method = x.getRequestMethod();
        String path = x.getRequestURI().getPath();
        requests.add(method + " " + path);
        byte[] body = x.getRequestBody().readAllBytes();
        x.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
        x.getResponseHeaders().add("Content-Type", "application/vnd.elasticsearch+json;compatible-with=8");
        if (method.equals("HEAD")) {
            x.sendResponseHeaders(made ? 200 : 404, -1);
            x.close();
            return;
        }
        ObjectNode reply = JSON.createObjectNode();
        if (method.equals("PUT")) {
            JsonNode mappings = JSON.readTree(body).get("mappings");
            assertThat(mappings.get("properties").get("tenantId").get("type").asText()).isEqualTo("keyword");
            assertThat(mappings.get("properties").get("summary").get("enabled").asBoolean()).isFalse();
            made = true;
            reply.put("acknowledged", true).put("shards_acknowledged", true).put("index", "execs");
        } else if (path.endsWith("/_bulk")) {
            ArrayNode items = reply.put("took", 1).put("errors", false).putArray("items");
            String[] lines = new String(body, StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                JsonNode action = JSON.readTree(lines[i]);
                String op = action.fieldNames().next();
                String id = action.get(op).get("_id").asText();
                ObjectNode item = items.addObject().putObject(op).put("_index", "execs").put("_id", id);
                if (op.equals("index")) {
                    documents.put(id, JSON.readTree(lines[++i]));
                    item.put("status", 201).put("result", "created");
                } else {
                    boolean had = documents.remove(id) != null;
                    item.put("status", had ? 200 : 404).put("result", had ? "deleted" : "not_found");
                }
            }
        } else if (path.endsWith("/_search")) {
            lastSearch = JSON.readTree(body);
            reply.put("took", 1).put("timed_out", false);
            reply.putObject("_shards").put("total", 1).put("successful", 1).put("skipped", 0).put("failed", 0);
            ObjectNode hits = reply.putObject("hits");
            hits.putObject("total").put("value", documents.size()).put("relation", "eq");
            ArrayNode list = hits.putArray("hits");
            documents.forEach((id, doc) -> list.addObject().put("_index", "execs").put("_id", id)
                    .set("_source", doc));
        }
        byte[] out = JSON.writeValueAsBytes(reply);
        x.sendResponseHeaders(200, out.length);
        x.getResponseBody().write(out);
        x.close();
    }
}
