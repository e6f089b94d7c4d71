package dev.baton.catalog;

/**
 * A search of the catalog: free text, and filters that all must hold (null: any). Sorted by relevance to the text
 * (or by name without one), or by usage over the last seven days.
 */
public record BrowseQuery(String text, String category, String tag, String owner, VersionStatus status, Sort sort,
        int limit) {

    /** The order of results. */
    public enum Sort {
        RELEVANCE, USAGE, NAME
    }
}
