package dev.baton.events.internal;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The event_messages and event_executions tables; callers run it inside a tenant transaction. */
public final class MessageStore {

    /** A message claimed for handling, with how many times it was claimed before this one. */
    public record Message(UUID id, String event, boolean outgoing, Map<String, Object> payload, int attempts) {}

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public MessageStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public void insert(String tenant, UUID id, String event, boolean outgoing, Map<String, Object> payload,
            Instant at) {
        jdbc.sql("INSERT INTO event_messages (tenant_id, id, event, direction, payload, created_at, visible_at) "
                        + "VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)")
                .params(tenant, id, event, outgoing ? "OUT" : "IN", json.writeValueAsString(payload),
                        Timestamp.from(at), Timestamp.from(at))
                .update();
    }

    /**
     * Claims up to {@code count} due messages, oldest first, for {@code lease}: a node that dies handling them
     * leaves them to be claimed again when it runs out.
     */
    public List<Message> claim(int count, Duration lease) {
        return jdbc.sql("""
                UPDATE event_messages m SET visible_at = clock_timestamp() + ?::interval, attempts = attempts + 1
                 WHERE m.id IN (SELECT id FROM event_messages WHERE handled_at IS NULL
                                   AND visible_at <= clock_timestamp()
                                 ORDER BY visible_at LIMIT ? FOR UPDATE SKIP LOCKED)
                RETURNING m.id, m.event, m.direction, m.payload::text, m.attempts - 1 AS attempts""")
                .params(lease.toMillis() + " milliseconds", count)
                .query((rs, i) -> new Message(rs.getObject(1, UUID.class), rs.getString(2),
                        "OUT".equals(rs.getString(3)), json.readValue(rs.getString(4), MAP), rs.getInt(5)))
                .list();
    }

    public void handled(UUID id, String outcome) {
        jdbc.sql("UPDATE event_messages SET handled_at = clock_timestamp(), outcome = ? WHERE id = ?")
                .params(outcome, id).update();
    }

    /** Records an execution unless one is recorded for that message, handler and action; answers whether it did. */
    public boolean record(String tenant, UUID message, String handler, int action, String event, String actionType,
            String status, Map<String, Object> output) {
        return jdbc.sql("INSERT INTO event_executions (tenant_id, message_id, handler, action_index, event, action, "
                        + "status, output) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT DO NOTHING")
                .params(tenant, message, handler, action, event, actionType, status, json.writeValueAsString(output))
                .update() == 1;
    }

    public void setOutput(UUID message, String handler, int action, Map<String, Object> output) {
        jdbc.sql("UPDATE event_executions SET output = ?::jsonb WHERE message_id = ? AND handler = ? "
                        + "AND action_index = ?")
                .params(json.writeValueAsString(output), message, handler, action).update();
    }

    /** Messages waiting per event. */
    public Map<String, Long> waiting() {
        Map<String, Long> sizes = new java.util.TreeMap<>();
        jdbc.sql("SELECT event, count(*) FROM event_messages WHERE handled_at IS NULL AND direction = 'IN' "
                        + "GROUP BY event")
                .query((rs, i) -> sizes.put(rs.getString(1), rs.getLong(2))).list();
        return sizes;
    }
}
