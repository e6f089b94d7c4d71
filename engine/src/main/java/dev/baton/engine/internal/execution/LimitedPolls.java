package dev.baton.engine.internal.execution;

import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.engine.spi.TaskLimiter;
import dev.baton.tenancy.TenantTransactions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Polls of task types whose limits a {@link TaskLimiter} holds (V26): the poll locks its candidates, the limiter
 * says how many may start, and those start holding their permits; permits go back when their tasks stop running or
 * the poll's transaction rolls back. Types without limits keep the single-statement poll.
 *
 * <p>The limits are the registered definition's, read at most once a second per tenant and type on each node;
 * PostgreSQL's own holding reads each task's definition snapshot instead.
 */
final class LimitedPolls {

    private static final long FRESH_NANOS = 1_000_000_000L;
    private static final int MAX_CACHED = 10_000;
    private static final TaskLimiter.Limits NONE = new TaskLimiter.Limits(0, 0, 0, 0);

    private record Cached(TaskLimiter.Limits limits, long readAt) {}

    private final JdbcClient jdbc;
    private final JsonCodec json;
    private final TaskLimiter limiter;
    private final RowMapper<Task> tasks;
    private final Map<String, Cached> limits = new ConcurrentHashMap<>();

    LimitedPolls(JdbcClient jdbc, JsonCodec json, TaskLimiter limiter,
            RowMapper<Task> tasks) {
        this.jdbc = jdbc;
        this.json = json;
        this.limiter = limiter;
        this.tasks = tasks;
    }

    /** The poll, when the queue's type has limits; empty when the ordinary poll should serve it. */
    Optional<List<Task>> poll(String tenant, String queue, int count,
            String workerId) {
        String type = queue.substring(queue.indexOf(':') + 1);
        TaskLimiter.Limits held = limitsOf(tenant, type);
        if (!held.any()) {
            return Optional.empty();
        }
        String binding = TenantTransactions.claimBinding();
        if (binding != null && !binding.equals(tenant)) {
            throw new IllegalStateException("a poll for one tenant in a transaction of another");
        }
        List<UUID> candidates = jdbc.sql("SELECT * FROM poll_candidates(?, ?, ?)").params(tenant, queue, count)
                .query(UUID.class).list();
        if (candidates.isEmpty()) {
            return Optional.of(List.of());
        }
        List<String> permits = limiter.admit(tenant, type, held, candidates.size());
        if (permits.isEmpty()) {
            return Optional.of(List.of());
        }
        releaseAfterRollback(permits);
        List<UUID> starting = candidates.subList(0, permits.size());
        return Optional.of(jdbc.sql("SELECT * FROM start_polled(?, ?, ?)")
                .params(starting.toArray(UUID[]::new), permits.toArray(String[]::new), workerId)
                .query(tasks).list());
    }

    void releaseAfterCommit(String permit) {
        if (!TenantTransactions.afterCompletion(committed -> {
            if (committed) {
                limiter.release(List.of(permit));
            }
        })) {
            limiter.release(List.of(permit));
        }
    }

    void extendAfterCommit(String permit, long leaseSeconds) {
        TenantTransactions.afterCompletion(committed -> {
            if (committed) {
                limiter.extend(permit, leaseSeconds);
            }
        });
    }

    private void releaseAfterRollback(List<String> permits) {
        List<String> held = permits.stream().filter(Objects::nonNull).toList();
        if (!held.isEmpty()) {
            TenantTransactions.afterCompletion(committed -> {
                if (!committed) {
                    limiter.release(held);
                }
            });
        }
    }

    private TaskLimiter.Limits limitsOf(String tenant, String type) {
        String key = tenant + '\u0000' + type;
        Cached cached = limits.get(key);
        long now = System.nanoTime();
        if (cached != null && now - cached.readAt() < FRESH_NANOS) {
            return cached.limits();
        }
        TaskLimiter.Limits read = jdbc.sql("SELECT definition FROM task_defs WHERE name = ?").param(type)
                .query(String.class).optional()
                .map(def -> json.read(def, TaskDef.class))
                .map(LimitedPolls::limits)
                .orElse(NONE);
        if (limits.size() >= MAX_CACHED) {
            limits.clear();
        }
        limits.put(key, new Cached(read, now));
        return read;
    }

    private static TaskLimiter.Limits limits(TaskDef def) {
        int concurrency = def.concurrentExecLimit() == null ? 0 : Math.max(0, def.concurrentExecLimit());
        int perWindow = def.rateLimitPerFrequency() == null ? 0 : Math.max(0, def.rateLimitPerFrequency());
        int window = def.rateLimitFrequencyInSeconds() == null ? 1 : Math.max(1, def.rateLimitFrequencyInSeconds());
        TaskLimiter.Limits l = new TaskLimiter.Limits(concurrency, perWindow, window,
                def.responseTimeoutSecondsOrDefault());
        return l.any() ? l : NONE;
    }
}
