package dev.baton.engine.api;

import java.time.Duration;

/** The state of the execution index beside PostgreSQL, for operators: is there one, does it answer, how far behind. */
public interface SearchIndexing {

    /** What an operator sees of the index. */
    record Status(String kind, boolean answering, long waiting, Duration lag, String lastError) {}

    /** The index's state now, or null when none is configured. */
    Status status();

    /** Notes every execution for writing to the index again (after it was lost or replaced); returns how many. */
    long rebuild();
}
