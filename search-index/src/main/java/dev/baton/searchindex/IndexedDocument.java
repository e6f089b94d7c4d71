package dev.baton.searchindex;

import dev.baton.engine.api.execution.WorkflowSummary;
import dev.baton.engine.spi.ExecutionIndex;

/**
 * An execution's document in the index: the summary a search returns (kept, not indexed) and the fields it filters,
 * sorts and matches words by. {@code tenantId} is in every document and every query.
 */
record IndexedDocument(String tenantId, WorkflowSummary summary, String workflowId, String workflowType,
        String status, String correlationId, long startMicros, long updateMicros, Long endMicros, String text) {

    static IndexedDocument of(ExecutionIndex.Document d) {
        WorkflowSummary s = d.summary();
        return new IndexedDocument(d.tenant().value(), s, s.workflowId(), s.workflowType(), s.status().name(),
                s.correlationId(), d.startMicros(), d.updateMicros(), d.endMicros(), d.text());
    }
}
