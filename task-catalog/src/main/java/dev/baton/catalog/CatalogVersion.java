package dev.baton.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One version of a catalog entry: its input and output contracts (JSON Schema 2020-12), worked examples, how it
 * runs, and where it is in its life. A deprecated version may name its successor ({@code name@version}).
 */
public record CatalogVersion(
        String version,
        VersionStatus status,
        String successor,
        Map<String, Object> inputSchema,
        Map<String, Object> outputSchema,
        List<Map<String, Object>> examples,
        RunsAs runsAs,
        String notes,
        Instant createdAt,
        Instant publishedAt,
        Instant deprecatedAt) {

    public SemVer semVer() {
        return SemVer.parse(version, "version");
    }

    /** Whether workflows may use it: published, or deprecated (still runs, but warns). */
    public boolean usable() {
        return status != VersionStatus.DRAFT;
    }
}
