package dev.baton.connections;

import java.util.Map;

/** A connection as a task uses it: every setting, secret ones decrypted; never stored, logged or returned. */
public record Connection(String name, ConnectionKind kind, Map<String, Object> settings) {

    public String text(String key) {
        Object v = settings.get(key);
        return v == null ? null : String.valueOf(v);
    }
}
