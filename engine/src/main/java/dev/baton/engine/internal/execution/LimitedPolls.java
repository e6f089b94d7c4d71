package dev.baton.engine.internal.execution;

import dev.baton.engine.api.execution.Task;
import dev.baton.engine.spi.TaskLimiter;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Polls of task types whose limits a {@link TaskLimiter} holds (V26): the poll locks its candidates, the limiter
 * says how many may start, and those start holding their permits; permits go back when their tasks stop running or
 * the poll's transaction rolls back. Types without limits keep the single-statement poll.
 *
 * <p>The limits are the registered definition's ({@link TaskLimits}); PostgreSQL's own holding reads each task's
 * definition snapshot instead.
 */
final class LimitedPolls {

    private final JdbcClient jdbc;
    private final TaskLimits limits;
    private final TaskLimiter limiter;
    private final RowMapper<Task> tasks;
    private final ExecutionEvents events;

    LimitedPolls(JdbcClient jdbc, TaskLimits limits, TaskLimiter limiter, RowMapper<Task> tasks,
            ExecutionEvents events) {
        this.jdbc = jdbc;
        this.limits = limits;
        this.limiter = limiter;
        this.tasks = tasks;
        this.events = events;
    }

    /** The poll, when the queue's type has limits; empty when the ordinary poll should serve it. */
    Optional<List<Task>> poll(String tenant, String queue, int count,
            String workerId) {
        String type = queue.substring(queue.indexOf(':') + 1);
        TaskLimiter.Limits held = limits.of(tenant, type);
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
        events.held(TenantId.of(tenant), type, candidates.size() - permits.size());
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

}
