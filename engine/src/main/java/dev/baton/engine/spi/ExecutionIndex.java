package dev.baton.engine.spi;

import dev.baton.engine.api.ExecutionQuery;
import dev.baton.engine.api.execution.SearchResult;
import dev.baton.engine.api.execution.WorkflowSummary;
import dev.baton.tenancy.TenantId;
import java.util.List;

/**
 * A search index of executions outside PostgreSQL (OpenSearch, Elasticsearch): written from the outbox by the node
 * that leads {@code search}, asked by execution searches, never on the path that runs a workflow. Every document
 * carries its tenant, and every search filters by it.
 */
public interface ExecutionIndex extends AutoCloseable {

    /** What this index is, for logs and meters ({@code opensearch}). */
    String kind();

    /** Creates the index with its mappings when it does not exist; does nothing when it does. */
    void prepare();

    /** Writes and removes documents in one bulk request; throws when any of them failed, so none is acknowledged. */
    void write(List<Document> documents, List<Removal> removals);

    /**
     * One page of {@code tenant}'s executions matching {@code query}, sorted as asked (then by id), with the number
     * of matches counted up to {@code maxCount}; throws when the index cannot answer.
     */
    SearchResult<WorkflowSummary> search(TenantId tenant, ExecutionQuery query, int maxCount);

    @Override
    void close();

    /** Microseconds since 1970, PostgreSQL's precision: how the index keeps times. */
    static long micros(java.time.Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }

    /**
     * An execution as the index keeps it: the summary a search returns, the times it filters and sorts by (in
     * microseconds since 1970, as PostgreSQL keeps them, so that both sort alike), and the words of its name,
     * correlation id, reason and input.
     */
    record Document(TenantId tenant, WorkflowSummary summary, long startMicros, long updateMicros, Long endMicros,
            String text) {}

    /** An execution that no longer exists. */
    record Removal(TenantId tenant, String workflowId) {}
}
