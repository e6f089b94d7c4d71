package dev.baton.engine.internal.timer;

import dev.baton.engine.api.Leadership;
import dev.baton.engine.internal.execution.WorkflowExecutor;
import dev.baton.tenancy.QuotaExceededException;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Fires passed deadlines (retry delays, waits, poll/response/task timeouts, workflow timeouts) from the database,
 * so timers survive restarts. Each due workflow is handled in its own tenant transaction; a workflow locked by
 * another transaction (or node) is skipped and picked up on the next sweep.
 */
public final class TimerSweeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TimerSweeper.class);
    private static final int BATCH = 200;

    private final JdbcClient jdbc;
    private final WorkflowExecutor executor;
    private final Leadership leadership;
    private final Duration interval;
    private final Thread thread;
    private volatile boolean running = true;

    /** @param leadership only the node that leads {@code timers} sweeps; the others stand by */
    public TimerSweeper(JdbcClient jdbc, WorkflowExecutor executor, Leadership leadership, Duration interval) {
        this.jdbc = jdbc;
        this.executor = executor;
        this.leadership = leadership;
        this.interval = interval;
        this.thread = Thread.ofPlatform().daemon().name("timer-sweeper").unstarted(this::loop);
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        while (running) {
            int handled = 0;
            try {
                handled = leadership.leads("timers") ? sweepOnce() : 0;
            } catch (RuntimeException e) {
                if (running) {
                    log.warn("timer sweep failed: {}", e.toString());
                }
            }
            if (handled < BATCH) {
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Handles every workflow with a passed deadline, once; returns how many it looked at. */
    public int sweepOnce() {
        record Due(String tenant, UUID workflowId) {}
        List<Due> due = jdbc.sql("SELECT tenant_id, workflow_id FROM due_timers(?)").param(BATCH)
                .query((rs, i) -> new Due(rs.getString(1), rs.getObject(2, UUID.class))).list();
        Set<Due> distinct = new LinkedHashSet<>(due);
        for (Due d : distinct) {
            try {
                // a tenant whose share of connections is taken is passed over, and its timers fire next sweep
                TenantTransactions.withoutWaiting(() -> executor.fireTimers(TenantId.of(d.tenant()), d.workflowId()));
            } catch (QuotaExceededException busy) {
                log.debug("timers of workflow {} wait: its tenant's transactions are all in use", d.workflowId());
            } catch (RuntimeException e) {
                log.warn("timers of workflow {} failed: {}", d.workflowId(), e.toString());
            }
        }
        return due.size();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
