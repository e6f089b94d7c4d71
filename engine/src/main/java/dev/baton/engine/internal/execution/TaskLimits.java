package dev.baton.engine.internal.execution;

import dev.baton.engine.api.definition.TaskDef;
import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.engine.spi.TaskLimiter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The concurrency and rate limits of task types as their registered definitions give them, read at most once a
 * second per tenant and type on each node (a tenant's further types beyond the cache's bound are read afresh).
 */
final class TaskLimits {

    static final TaskLimiter.Limits NONE = new TaskLimiter.Limits(0, 0, 0, 0);
    private static final long FRESH_NANOS = 1_000_000_000L;
    private static final int MAX_CACHED = 10_000;

    private record Cached(TaskLimiter.Limits limits, long readAt) {}

    private final JdbcClient jdbc;
    private final JsonCodec json;
    private final Map<String, Cached> limits = new ConcurrentHashMap<>();

    TaskLimits(JdbcClient jdbc, JsonCodec json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The limits of {@code type} in {@code tenant}, read in the caller's tenant transaction. */
    TaskLimiter.Limits of(String tenant, String type) {
        String key = tenant + '\u0000' + type;
        Cached cached = limits.get(key);
        long now = System.nanoTime();
        if (cached != null && now - cached.readAt() < FRESH_NANOS) {
            return cached.limits();
        }
        TaskLimiter.Limits read = jdbc.sql("SELECT definition FROM task_defs WHERE name = ?").param(type)
                .query(String.class).optional()
                .map(def -> json.read(def, TaskDef.class))
                .map(TaskLimits::limits)
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
