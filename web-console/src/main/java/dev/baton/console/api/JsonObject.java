package dev.baton.console.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JSON object from the API as the templates read it: a field the API left out (it omits nulls) reads as null
 * instead of failing the page, as it would in JavaScript. Spring's expression language asks {@code containsKey}
 * before reading a map's entry, so that is the one method changed.
 */
public final class JsonObject extends LinkedHashMap<String, Object> {

    JsonObject(Map<String, Object> fields) {
        super(fields);
    }

    /** A lenient copy of {@code fields}, for pages that add fields of their own. */
    public static JsonObject copyOf(Map<String, Object> fields) {
        return new JsonObject(fields);
    }

    @Override
    public boolean containsKey(Object key) {
        return true;
    }
}
