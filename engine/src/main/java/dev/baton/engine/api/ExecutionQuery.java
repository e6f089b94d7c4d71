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
        int size) {}
