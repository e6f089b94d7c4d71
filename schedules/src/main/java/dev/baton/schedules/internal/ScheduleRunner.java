package dev.baton.schedules.internal;

import dev.baton.engine.api.CompositionPolicy;
import dev.baton.engine.api.Leadership;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.WorkflowService;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.schedules.ScheduleExecution;
import dev.baton.schedules.WorkflowSchedule;
import dev.baton.tenancy.QuotaExceededException;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import dev.baton.tenancy.Tenants;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Fires due schedules on every node. A fire locks its schedule's row (another node skips it), starts the workflow
 * for the schedule's owning team, records the execution and sets the next run, all in one transaction: a fire
 * starts one workflow or, refused (the team may not run it, the quota is full, it is not defined), records why
 * and moves on. A node that dies mid-fire leaves the schedule due for the next node.
 */
public final class ScheduleRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ScheduleRunner.class);
    private static final int BATCH = 100;

    private final JdbcClient jdbc;
    private final TenantTransactions tx;
    private final ScheduleStore store;
    private final WorkflowService workflows;
    private final CompositionPolicy composition;
    private final Tenants tenants;
    private final Clock clock;
    private final Leadership leadership;
    private final Duration interval;
    private final Duration keep;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("schedules").daemon().factory());
    private long lastPurge;

    public ScheduleRunner(JdbcClient jdbc, TenantTransactions tx, ScheduleStore store, WorkflowService workflows,
            CompositionPolicy composition, Tenants tenants, Clock clock, Leadership leadership, Duration interval,
            Duration keep) {
        this.leadership = leadership;
        this.jdbc = jdbc;
        this.tx = tx;
        this.store = store;
        this.workflows = workflows;
        this.composition = composition;
        this.tenants = tenants;
        this.clock = clock;
        this.interval = interval;
        this.keep = keep;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::sweep, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void sweep() {
        try {
            // one node fires the schedules; the others stand by (a fire is taken with SKIP LOCKED either way)
            if (!leadership.leads("schedules")) {
                return;
            }
            purge();
            List<String[]> due = jdbc.sql("SELECT tenant_id, name FROM due_schedules(?)").param(BATCH)
                    .query((rs, i) -> new String[] {rs.getString(1), rs.getString(2)}).list();
            for (String[] d : due) {
                try {
                    fire(new TenantId(d[0]), d[1]);
                } catch (RuntimeException e) {
                    log.warn("schedule {} of tenant {} could not fire; trying again: {}", d[1], d[0], e.toString());
                }
            }
        } catch (RuntimeException e) {
            log.warn("schedule sweep failed; trying again: {}", e.toString());
        }
    }

    private void purge() {
        long now = System.nanoTime();
        if (now - lastPurge > TimeUnit.MINUTES.toNanos(1)) {
            lastPurge = now;
            jdbc.sql("SELECT purge_schedule_executions(?::interval, 1000)").param(keep.toSeconds() + " seconds")
                    .query(Integer.class).single();
        }
    }

    /** One fire of a due schedule, unless another node holds or has just fired it. */
    void fire(TenantId tenant, String name) {
        Instant[] firedAt = new Instant[1];
        try {
            tx.run(tenant, () -> store.lockDue(name).ifPresent(s -> {
                firedAt[0] = s.nextRun();
                ScheduleExecution started = start(tenant, s);
                store.insertExecution(tenant.value(), started);
                store.setNext(name, Cron.next(s.schedule(), clock.instant(), s.nextRun()));
            }));
        } catch (EngineException | QuotaExceededException refused) {
            // the start is rolled back with its transaction; this one records why and moves the schedule on
            tx.run(tenant, () -> store.lockDue(name).filter(s -> s.nextRun().equals(firedAt[0])).ifPresent(s -> {
                store.insertExecution(tenant.value(), execution(s, UUID.randomUUID(), null,
                        ScheduleExecution.State.FAILED, refused.getMessage()));
                store.setNext(name, Cron.next(s.schedule(), clock.instant(), s.nextRun()));
            }));
        }
    }

    private ScheduleExecution start(TenantId tenant, ScheduleStore.Stored s) {
        WorkflowSchedule w = s.schedule();
        StartWorkflowRequest asked = w.startWorkflowRequest();
        if (s.ownerTeam() != null) {
            composition.refuseStart(tenant, s.ownerTeam(), asked.name(), false).ifPresent(reason -> {
                throw EngineException.invalid("startWorkflowRequest.name", reason);
            });
        }
        Integer max = tenants.find(tenant).map(t -> t.quotas().maxRunningWorkflows()).orElse(null);
        if (max != null && tenants.runningWorkflows(tenant) >= max) {
            throw new QuotaExceededException("maxRunningWorkflows", max, "the tenant may have at most " + max
                    + " running workflows at once");
        }
        UUID executionId = UUID.randomUUID();
        Map<String, Object> input = new LinkedHashMap<>(asked.input() == null ? Map.of() : asked.input());
        input.put("_startedByScheduler", w.name());
        input.put("_scheduledTime", s.nextRun().toEpochMilli());
        input.put("_executedTime", clock.millis());
        input.put("_executionId", executionId.toString());
        input.put("_schedulerCron", w.effectiveCrons().stream().map(c -> c.cronExpression() + " " + c.zoneId())
                .collect(Collectors.joining(", ")));
        UUID id = workflows.start(tenant, new StartWorkflowRequest(asked.name(), asked.version(),
                asked.correlationId(), input, asked.taskToDomain(), null, asked.priority(), w.createdBy(),
                asked.idempotencyKey(), asked.idempotencyStrategy()), s.ownerTeam());
        return execution(s, executionId, id, ScheduleExecution.State.EXECUTED, null);
    }

    private ScheduleExecution execution(ScheduleStore.Stored s, UUID executionId, UUID workflowId,
            ScheduleExecution.State state, String reason) {
        WorkflowSchedule w = s.schedule();
        return new ScheduleExecution(executionId.toString(), w.name(), s.nextRun().toEpochMilli(), clock.millis(),
                w.startWorkflowRequest().name(), workflowId == null ? null : workflowId.toString(),
                reason == null || reason.length() <= 1000 ? reason : reason.substring(0, 1000),
                w.startWorkflowRequest(), state, w.effectiveCrons().isEmpty() ? "UTC"
                        : w.effectiveCrons().get(0).zoneId());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
