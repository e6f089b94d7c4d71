package dev.baton.engine.internal.search;

import dev.baton.engine.api.ExecutionQuery;
import dev.baton.engine.api.execution.SearchResult;
import dev.baton.engine.api.execution.WorkflowSummary;
import dev.baton.engine.spi.ExecutionIndex;
import dev.baton.tenancy.TenantId;
import java.time.Duration;
import java.util.Optional;

/**
 * Execution searches the index answers when there is one and it is up; the caller searches PostgreSQL otherwise,
 * with the same query and the same shape of result. Pages beyond the index's window (10,000 hits, as Elasticsearch
 * and OpenSearch allow by default) also go to PostgreSQL.
 */
public final class IndexedSearch {

    /** The deepest hit an index page may reach (from + size). */
    public static final int MAX_WINDOW = 10_000;

    private final ExecutionIndex index;
    private final IndexHealth health;
    private final int maxCount;

    /** @param index the index, or null when none is configured */
    public IndexedSearch(ExecutionIndex index, int maxCount, Duration pauseAfterFailure) {
        this.index = index;
        this.maxCount = maxCount;
        this.health = new IndexHealth(pauseAfterFailure);
    }

    /** No index: every search goes to PostgreSQL. */
    public static IndexedSearch none() {
        return new IndexedSearch(null, 0, Duration.ZERO);
    }

    /** The index's answer, or empty when PostgreSQL must answer (no index, index down, page too deep). */
    public Optional<SearchResult<WorkflowSummary>> search(TenantId tenant, ExecutionQuery query) {
        if (index == null || !health.up() || query.start() + query.size() > MAX_WINDOW) {
            return Optional.empty();
        }
        try {
            SearchResult<WorkflowSummary> found = index.search(tenant, query, maxCount);
            health.answered();
            return Optional.of(found);
        } catch (RuntimeException e) {
            health.failed(e);
            return Optional.empty();
        }
    }

    /** Whether the index answered searches lately (false when there is none). */
    public boolean answering() {
        return index != null && health.up();
    }
}
