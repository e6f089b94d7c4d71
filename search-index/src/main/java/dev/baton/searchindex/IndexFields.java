package dev.baton.searchindex;

import java.util.Map;

/** The index's fields as both clients name them, and how PostgreSQL's search orders map onto them. */
final class IndexFields {

    /** The fields a search sorts by ({@code ExecutionQuery.SORT_FIELDS}), as the index names them. */
    static final Map<String, String> SORTABLE = Map.of(
            "startTime", "startMicros", "updateTime", "updateMicros", "endTime", "endMicros",
            "workflowType", "workflowType", "status", "status", "workflowId", "workflowId");

    private IndexFields() {}

    /** The index field a search sorts by first; start time when none is asked. */
    static String sortField(String asked) {
        return SORTABLE.getOrDefault(asked == null ? "startTime" : asked, "startMicros");
    }

    /**
     * Where documents without the sort field go: PostgreSQL puts NULLs first in descending order and last in
     * ascending order (only {@code endMicros} has them).
     */
    static String missing(boolean ascending) {
        return ascending ? "_last" : "_first";
    }

    /** Whether a free-text query asks for anything ({@code *} and blanks match all, as in PostgreSQL's search). */
    static boolean matchesWords(String freeText) {
        return freeText != null && !freeText.isBlank() && !freeText.trim().equals("*");
    }
}
