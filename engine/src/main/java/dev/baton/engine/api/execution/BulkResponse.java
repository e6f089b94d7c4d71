package dev.baton.engine.api.execution;

import java.util.List;
import java.util.Map;

/** The outcome of a bulk operation: the ids that succeeded and why the others failed. */
public record BulkResponse(Map<String, String> bulkErrorResults, List<String> bulkSuccessfulResults) {}
