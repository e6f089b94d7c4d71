package dev.baton.events.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The event_waits table; callers run it inside a tenant transaction. */
public final class WaitStore {

    /** A task waiting on a message of an event whose payload matches. */
    public record Waiting(UUID taskId, UUID workflowId, String taskRef) {}

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public WaitStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public void register(String tenant, UUID taskId, UUID workflowId, String taskRef, List<String> events,
            boolean all, Map<String, Object> match) {
        for (String event : events) {
            jdbc.sql("INSERT INTO event_waits (tenant_id, task_id, event, workflow_id, task_ref, wait_all, match) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT DO NOTHING")
                    .params(tenant, taskId, event, workflowId, taskRef, all, json.writeValueAsString(match))
                    .update();
        }
    }

    /** The tasks waiting for {@code event} whose match the payload contains (at most {@code most}). */
    public List<Waiting> waitingFor(String event, Map<String, Object> payload, int most) {
        return jdbc.sql("SELECT task_id, workflow_id, task_ref FROM event_waits WHERE event = ? AND received IS NULL "
                        + "AND ?::jsonb @> match LIMIT ?")
                .params(event, json.writeValueAsString(payload), most)
                .query((rs, i) -> new Waiting(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getString(3)))
                .list();
    }

    /**
     * Marks {@code event} received by the task, locking its rows; answers the payloads received so far when that
     * completes the wait (all events, or any), else null. Null too when this event was already received.
     */
    public Map<String, Object> receive(UUID taskId, String event, Map<String, Object> payload) {
        List<Object[]> rows = jdbc.sql("SELECT event, wait_all, received::text FROM event_waits WHERE task_id = ? "
                        + "ORDER BY event FOR UPDATE")
                .param(taskId).query((rs, i) -> new Object[] {rs.getString(1), rs.getBoolean(2), rs.getString(3)})
                .list();
        Map<String, Object> received = new LinkedHashMap<>();
        boolean found = false;
        boolean all = true;
        for (Object[] row : rows) {
            all = (Boolean) row[1];
            if (row[0].equals(event)) {
                if (row[2] != null) {
                    return null;
                }
                found = true;
                received.put(event, payload);
            } else if (row[2] != null) {
                received.put((String) row[0], json.readValue((String) row[2], MAP));
            }
        }
        if (!found) {
            return null;
        }
        jdbc.sql("UPDATE event_waits SET received = ?::jsonb WHERE task_id = ? AND event = ?")
                .params(json.writeValueAsString(payload), taskId, event).update();
        return !all || received.size() == rows.size() ? received : null;
    }

    public void release(UUID taskId) {
        jdbc.sql("DELETE FROM event_waits WHERE task_id = ?").param(taskId).update();
    }
}
