package dev.baton.engine.internal.json;

import dev.baton.engine.spi.InputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Converts engine values to and from the JSON stored in jsonb columns. */
public final class JsonCodec {

    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    // 8 M characters of snapshot text, twice over (read and written): tens of megabytes at most
    private static final long SNAPSHOT_CHARS = 8L << 20;

    private final JsonMapper mapper = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private final Snapshots snapshots = new Snapshots(SNAPSHOT_CHARS);

    /**
     * A definition snapshot (a workflow definition, a task's place in it) read from stored JSON: the same object
     * for the same text, shared between runs, so it must never be changed (see {@link Snapshots}).
     */
    public <T> T readSnapshot(String json, Class<T> type) {
        return snapshots.read(json, type, text -> read(text, type));
    }

    /** A definition snapshot's JSON: the text it was read as, when this node has it, else written now. */
    public String writeSnapshot(Object snapshot) {
        return snapshots.write(snapshot, this::write);
    }

    public String write(Object value) {
        return mapper.writeValueAsString(value);
    }

    public <T> T read(String json, Class<T> type) {
        return mapper.readValue(json, type);
    }

    public Map<String, Object> readMap(String json) {
        return json == null ? new LinkedHashMap<>() : mapper.readValue(json, MAP);
    }

    public List<String> readStrings(String json) {
        return mapper.readValue(json, STRINGS);
    }

    /** Converts any value (a record, a map) into plain maps, lists and scalars. */
    public Object toPlain(Object value) {
        return mapper.convertValue(value, Object.class);
    }

    public <T> T convert(Object value, Class<T> type) {
        return mapper.convertValue(value, type);
    }

    /**
     * Converts a task's resolved input to its handler's typed input; a value of the wrong shape, or one the type's
     * own checks refuse, throws InputException naming the field.
     */
    public <T> T convertInput(Map<String, Object> input, Class<T> type) {
        try {
            return mapper.convertValue(input, type);
        } catch (JacksonException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof InputException refused) {
                    throw refused;
                }
            }
            String field = e.getPath().stream()
                    .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("");
            throw new InputException(field, "has the wrong shape: " + e.getOriginalMessage());
        }
    }

    /** A deep copy, so a stored value cannot be changed through a reference kept elsewhere. */
    public Map<String, Object> copy(Map<String, Object> value) {
        return value == null ? new LinkedHashMap<>() : mapper.convertValue(value, MAP);
    }
}
