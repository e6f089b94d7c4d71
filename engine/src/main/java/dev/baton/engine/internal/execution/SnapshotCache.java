package dev.baton.engine.internal.execution;

import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.internal.json.JsonCodec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parsed workflow-definition snapshots by their stored JSON text, most recently used kept.
 *
 * <p>Every decision loads its workflow row, and parsing the definition snapshot again each time was a large share
 * of the engine's JSON work; runs of the same definition share one snapshot text. Keying by the text itself (not
 * by name and version) keeps this exact: a snapshot differs whenever its definition did. The parsed definitions
 * are shared between runs and never changed by the engine.
 */
final class SnapshotCache {

    private static final int CAPACITY = 512;

    private final JsonCodec json;
    private final Map<String, WorkflowDef> parsed = new LinkedHashMap<>(CAPACITY, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, WorkflowDef> eldest) {
            return size() > CAPACITY;
        }
    };

    SnapshotCache(JsonCodec json) {
        this.json = json;
    }

    WorkflowDef parse(String text) {
        synchronized (parsed) {
            WorkflowDef def = parsed.get(text);
            if (def != null) {
                return def;
            }
        }
        WorkflowDef def = json.read(text, WorkflowDef.class);
        synchronized (parsed) {
            parsed.put(text, def);
        }
        return def;
    }
}
