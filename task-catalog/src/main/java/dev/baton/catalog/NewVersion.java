package dev.baton.catalog;

import java.util.List;
import java.util.Map;

/** A draft version of an entry: its contracts, examples ({@code input} and {@code output} each), and how it runs. */
public record NewVersion(String version, Map<String, Object> inputSchema, Map<String, Object> outputSchema,
        List<Map<String, Object>> examples, RunsAs runsAs, String notes) {}
