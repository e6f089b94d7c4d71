package dev.baton.engine.api.execution;

import java.util.List;

/** One page of search results and the total number of matches. */
public record SearchResult<T>(long totalHits, List<T> results) {}
