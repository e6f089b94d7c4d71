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
import co.elastic.clients.json.JsonData;
import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.BoolQuery;
import co.elastic.clients.elasticsearch._types.query_dsl.Operator;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.transport.ElasticsearchTransport;

/**
 * The execution index in Elasticsearch (8 or 9), through Elastic's Java client: one index ({@code baton-executions} by
 * default) holding every tenant's executions, each document tagged with its tenant and every query filtered by it.
 * The same documents, mappings and queries as {@link OpenSearchIndex}; the clients are forks that no longer share
 * types.
 */
public final class ElasticsearchIndex implements ExecutionIndex {

    private final ElasticsearchClient client;
    private final ElasticsearchTransport transport;
    private final String name;

    public ElasticsearchIndex(ElasticsearchTransport transport, String name) {
        this.transport = transport;
        this.client = new ElasticsearchClient(transport);
        this.name = name;
    }

    @Override
    public String kind() {
        return "elasticsearch";
    }

    @Override
    public void prepare() {
        try {
            if (client.indices().exists(e -> e.index(name)).value()) {
                return;
            }
            client.indices().create(c -> c.index(name)
                    .mappings(m -> m.dynamic(co.elastic.clients.elasticsearch._types.mapping.DynamicMapping.False)
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
        } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
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
            b.filter(f -> f.range(range -> range.untyped(r -> {
                r.field("startMicros");
                if (q.startedAfter() != null) {
                    r.gte(JsonData.of(ExecutionIndex.micros(q.startedAfter())));
                }
                if (q.startedBefore() != null) {
                    r.lte(JsonData.of(ExecutionIndex.micros(q.startedBefore())));
                }
                return r;
            })));
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
