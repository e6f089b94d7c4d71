package dev.baton.searchindex;

import dev.baton.engine.api.ExecutionQuery;
import dev.baton.engine.api.execution.SearchResult;
import dev.baton.engine.api.execution.WorkflowSummary;
import dev.baton.engine.spi.ExecutionIndex;
import dev.baton.tenancy.TenantId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.query_dsl.BoolQuery;
import org.opensearch.client.opensearch._types.query_dsl.Operator;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.BulkRequest;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.transport.OpenSearchTransport;

/**
 * The execution index in OpenSearch, through OpenSearch's own Java client: one index ({@code baton-executions} by
 * default) holding every tenant's executions, each document tagged with its tenant and every query filtered by it.
 */
public final class OpenSearchIndex implements ExecutionIndex {

    private final OpenSearchClient client;
    private final OpenSearchTransport transport;
    private final String name;

    public OpenSearchIndex(OpenSearchTransport transport, String name) {
        this.transport = transport;
        this.client = new OpenSearchClient(transport);
        this.name = name;
    }

    @Override
    public String kind() {
        return "opensearch";
    }

    @Override
    public void prepare() {
        try {
            if (client.indices().exists(e -> e.index(name)).value()) {
                return;
            }
            client.indices().create(c -> c.index(name)
                    .mappings(m -> m.dynamic(org.opensearch.client.opensearch._types.mapping.DynamicMapping.False)
                            .properties("tenantId", p -> p.keyword(k -> k))
                            .properties("workflowId", p -> p.keyword(k -> k))
                            .properties("workflowType", p -> p.keyword(k -> k))
                            .properties("status", p -> p.keyword(k -> k))
                            .properties("correlationId", p -> p.keyword(k -> k))
                            .properties("startMicros", p -> p.long_(l -> l))
                            .properties("updateMicros", p -> p.long_(l -> l))
                            .properties("endMicros", p -> p.long_(l -> l))
                            .properties("text", p -> p.text(t -> t))
                            .properties("summary", p -> p.object(o -> o.enabled(false)))));
        } catch (IOException e) {
            throw new UncheckedIOException("the index " + name + " could not be made: " + e, e);
        } catch (org.opensearch.client.opensearch._types.OpenSearchException e) {
            // another node made it meanwhile
            if (!"resource_already_exists_exception".equals(e.error().type())) {
                throw e;
            }
        }
    }

    @Override
    public void write(List<Document> documents, List<Removal> removals) {
        if (documents.isEmpty() && removals.isEmpty()) {
            return;
        }
        BulkRequest.Builder bulk = new BulkRequest.Builder().index(name);
        for (Document d : documents) {
            IndexedDocument doc = IndexedDocument.of(d);
            bulk.operations(op -> op.index(i -> i.id(doc.workflowId()).document(doc)));
        }
        for (Removal r : removals) {
            bulk.operations(op -> op.delete(d -> d.id(r.workflowId())));
        }
        BulkResponse response;
        try {
            response = client.bulk(bulk.build());
        } catch (IOException e) {
            throw new UncheckedIOException("the index " + name + " could not be written: " + e, e);
        }
        for (BulkResponseItem item : response.items()) {
            // removing what was never indexed (a workflow started and deleted between two rounds) is no failure
            if (item.error() != null && item.status() != 404) {
                throw new IllegalStateException("the index " + name + " refused " + item.id() + ": "
                        + item.error().type() + " " + item.error().reason());
            }
        }
    }

    @Override
    public SearchResult<WorkflowSummary> search(TenantId tenant, ExecutionQuery q, int maxCount) {
        Query query = Query.of(root -> root.bool(b -> filters(b, tenant, q)));
        String sortField = IndexFields.sortField(q.sortField());
        SortOrder order = q.ascending() ? SortOrder.Asc : SortOrder.Desc;
        String missing = IndexFields.missing(q.ascending());
        SearchResponse<IndexedDocument> response;
        try {
            response = client.search(s -> s.index(name).query(query)
                    .sort(so -> so.field(f -> f.field(sortField).order(order).missing(FieldValue.of(missing))))
                    .sort(so -> so.field(f -> f.field("workflowId").order(SortOrder.Asc)))
                    .source(src -> src.filter(f -> f.includes("tenantId", "summary")))
                    .from(q.start()).size(q.size())
                    .trackTotalHits(t -> t.count(maxCount)), IndexedDocument.class);
        } catch (IOException e) {
            throw new UncheckedIOException("the index " + name + " could not be searched: " + e, e);
        }
        long total = Math.min(response.hits().total() == null ? 0 : response.hits().total().value(), maxCount);
        List<WorkflowSummary> rows = new ArrayList<>();
        for (Hit<IndexedDocument> hit : response.hits().hits()) {
            IndexedDocument doc = hit.source();
            if (doc == null || !tenant.value().equals(doc.tenantId())) {
                throw new IllegalStateException("the index answered a search of tenant " + tenant.value()
                        + " with another tenant's document");
            }
            rows.add(doc.summary());
        }
        return new SearchResult<>(total, rows);
    }

    private static BoolQuery.Builder filters(BoolQuery.Builder b, TenantId tenant, ExecutionQuery q) {
        b.filter(f -> f.term(t -> t.field("tenantId").value(FieldValue.of(tenant.value()))));
        if (q.workflowTypes() != null && !q.workflowTypes().isEmpty()) {
            b.filter(f -> f.terms(t -> t.field("workflowType").terms(v -> v.value(values(q.workflowTypes())))));
        }
        if (q.statuses() != null && !q.statuses().isEmpty()) {
            b.filter(f -> f.terms(t -> t.field("status").terms(v -> v.value(values(q.statuses())))));
        }
        if (q.workflowIds() != null && !q.workflowIds().isEmpty()) {
            b.filter(f -> f.terms(t -> t.field("workflowId").terms(v -> v.value(values(q.workflowIds().stream()
                    .map(String::toLowerCase).toList())))));
        }
        if (q.correlationId() != null) {
            b.filter(f -> f.term(t -> t.field("correlationId").value(FieldValue.of(q.correlationId()))));
        }
        if (q.startedAfter() != null || q.startedBefore() != null) {
            b.filter(f -> f.range(r -> {
                r.field("startMicros");
                if (q.startedAfter() != null) {
                    r.gte(JsonData.of(ExecutionIndex.micros(q.startedAfter())));
                }
                if (q.startedBefore() != null) {
                    r.lte(JsonData.of(ExecutionIndex.micros(q.startedBefore())));
                }
                return r;
            }));
        }
        if (IndexFields.matchesWords(q.freeText())) {
            b.must(m -> m.match(t -> t.field("text").query(FieldValue.of(q.freeText())).operator(Operator.And)));
        }
        return b;
    }

    private static List<FieldValue> values(List<String> strings) {
        return strings.stream().map(FieldValue::of).toList();
    }

    @Override
    public void close() {
        try {
            transport.close();
        } catch (IOException e) {
            // closing: nothing more to do
        }
    }
}
