package dev.baton.events.internal.broker;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Message bodies as brokers carry them: JSON objects; any other body arrives as {@code {"payload": text}}. */
final class Payloads {

    /** The largest body taken from a broker; a larger one is refused (dead-lettered where the broker can). */
    static final int MAX_BYTES = 1024 * 1024;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private Payloads() {}

    static byte[] write(Map<String, Object> payload) {
        return JSON.writeValueAsBytes(payload);
    }

    static Map<String, Object> read(byte[] body) {
        try {
            return JSON.readValue(body, MAP);
        } catch (RuntimeException notAnObject) {
            return Map.of("payload", new String(body, StandardCharsets.UTF_8));
        }
    }
}
