package dev.baton.engine.internal.messages;

import dev.baton.engine.internal.Ids;
import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.tenancy.QuotaExceededException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Conductor's workflow message queue (V24): each running workflow's queue of pushed messages, taken in order by its
 * PULL_WORKFLOW_MESSAGES tasks. Callers hold the workflow's lock, in its tenant's transaction.
 */
public final class WorkflowMessages {

    private final JdbcClient jdbc;
    private final JsonCodec json;
    private final Settings settings;

    /**
     * @param maxQueueSize most undelivered messages one workflow may hold
     * @param timeToLive how long a message waits to be taken before it is dropped
     * @param maxBatchSize most messages one task takes; larger {@code batchSize}s are capped, as in Conductor
     */
    public record Settings(int maxQueueSize, Duration timeToLive, int maxBatchSize) {}

    public WorkflowMessages(JdbcClient jdbc, JsonCodec json, Settings settings) {
        this.jdbc = jdbc;
        this.json = json;
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** Queues {@code payload} for {@code workflowId}; returns the message's id. */
    public UUID push(UUID workflowId, Map<String, Object> payload, Instant now) {
        jdbc.sql("DELETE FROM workflow_messages WHERE workflow_id = ? AND expires_at <= ?")
                .params(workflowId, Timestamp.from(now)).update();
        long queued = jdbc.sql("SELECT count(*) FROM workflow_messages WHERE workflow_id = ?").param(workflowId)
                .query(Long.class).single();
        if (queued >= settings.maxQueueSize()) {
            throw new QuotaExceededException("maxQueueSize", settings.maxQueueSize(), "workflow " + workflowId
                    + " already holds " + queued + " undelivered messages, the most it may; retry once it has taken"
                    + " some");
        }
        UUID id = Ids.next();
        jdbc.sql("""
                INSERT INTO workflow_messages (tenant_id, workflow_id, id, payload, received_at, expires_at)
                VALUES (current_setting('baton.tenant_id', true), ?, ?, ?::jsonb, ?, ?)""")
                .params(workflowId, id, json.write(payload), Timestamp.from(now),
                        Timestamp.from(now.plus(settings.timeToLive())))
                .update();
        return id;
    }

    /** Takes up to {@code most} of the workflow's unexpired messages, oldest first, in Conductor's message shape. */
    public List<Map<String, Object>> take(UUID workflowId, int most, Instant now) {
        return jdbc.sql("""
                WITH taken AS (
                  DELETE FROM workflow_messages WHERE workflow_id = ? AND seq IN (
                    SELECT seq FROM workflow_messages WHERE workflow_id = ? AND expires_at > ?
                     ORDER BY seq LIMIT ?)
                  RETURNING seq, id, payload::text AS payload, received_at)
                SELECT * FROM taken ORDER BY seq""")
                .params(workflowId, workflowId, Timestamp.from(now), Math.max(1, Math.min(most,
                        settings.maxBatchSize())))
                .query((rs, i) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", rs.getObject("id", UUID.class).toString());
                    m.put("workflowId", workflowId.toString());
                    m.put("payload", json.readMap(rs.getString("payload")));
                    m.put("receivedAt", rs.getTimestamp("received_at").toInstant().toString());
                    return m;
                }).list();
    }
}
