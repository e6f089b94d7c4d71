package dev.baton.platform.nodes;

import dev.baton.engine.api.SearchIndexing;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/searchindex}, for platform operators: the execution index's state (GET), and a rebuild (POST)
 * that has every execution written to it again from PostgreSQL, after the index was lost or replaced.
 */
@Component
@Endpoint(id = "searchindex")
public class SearchIndexEndpoint {

    private final SearchIndexing indexing;

    public SearchIndexEndpoint(SearchIndexing indexing) {
        this.indexing = indexing;
    }

    @ReadOperation
    public Map<String, Object> state() {
        SearchIndexing.Status status = indexing.status();
        Map<String, Object> state = new LinkedHashMap<>();
        if (status == null) {
            state.put("configured", false);
            state.put("detail", "no execution index is configured (baton.search.url); searches run on PostgreSQL");
            return state;
        }
        state.put("configured", true);
        state.put("kind", status.kind());
        state.put("answering", status.answering());
        state.put("waiting", status.waiting());
        state.put("lagMillis", status.lag().toMillis());
        if (status.lastError() != null) {
            state.put("lastError", status.lastError());
        }
        return state;
    }

    /** Refused (as {@link SearchIndexing#rebuild} refuses) when no index is configured. */
    @WriteOperation
    public Map<String, Object> rebuild() {
        return Map.of("queued", indexing.rebuild());
    }
}
