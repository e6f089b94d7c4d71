package dev.baton.engine.api;

import java.time.Instant;
import java.util.List;

/** Filters for an execution search; null or empty fields do not filter. Times bound the start time. */
public record ExecutionQuery(
        List<String> workflowTypes,
        List<String> statuses,
        List<String> workflowIds,
        String correlationId,
        Instant startedAfter,
        Instant startedBefore,
        String freeText,
        String sortField,
        boolean ascending,
        int start,
        int size) {

    /** The fields an execution search sorts by. */
    public static final java.util.Set<String> SORT_FIELDS = java.util.Set.of("startTime", "updateTime", "endTime",
            "workflowType", "status", "workflowId");
}
