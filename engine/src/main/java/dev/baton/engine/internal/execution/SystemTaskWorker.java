package dev.baton.engine.internal.execution;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.SecretValues;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.engine.internal.queue.QueueSignals;
import dev.baton.engine.internal.tasks.TaskHandlers;
import dev.baton.engine.spi.AsyncTaskHandler;
import dev.baton.engine.spi.InputException;
import dev.baton.engine.spi.TaskCall;
import dev.baton.engine.spi.TaskOutcome;
import dev.baton.tenancy.QuotaExceededException;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantPermits;
import dev.baton.tenancy.TenantTransactions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The server's own worker for asynchronous task types: it claims their tasks from the queue like any worker (so a
 * claim gets a response deadline, and a node that dies mid-attempt has its task timed out and retried), runs each
 * attempt on a virtual thread outside any workflow lock or transaction, and reports the outcome through the same
 * stale-update rules as a worker's update.
 *
 * <p>It is woken in process when a task is queued, and sweeps the database for tasks that became visible later
 * (retry delays, start delays, other nodes' work). One tenant holds at most {@code perTenant} attempts at once, so
 * a tenant whose calls hang cannot hold up everyone else's.
 */
public final class SystemTaskWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SystemTaskWorker.class);
    private static final int SWEEP_BATCH = 200;

    private record Queue(String tenant, String name) {}

    private final JdbcClient jdbc;
    private final TenantTransactions tx;
    private final ExecutionStore store;
    private final TaskExecutor tasks;
    private final TaskHandlers handlers;
    private final JsonCodec json;
    private final RunningAttempts running;
    private final SecretValues secrets;
    private final Clock clock;
    private final TenantPermits perTenant;
    private final Semaphore total;
    private final Duration sweepInterval;
    private final Duration cancelCheckInterval;
    private final String workerId = "baton-server-" + UUID.randomUUID();
    private final Set<Queue> woken = ConcurrentHashMap.newKeySet();
    private final ExecutorService attempts = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("server-task-deadlines").factory());
    private final Thread dispatcher;
    private volatile boolean open = true;
    private volatile boolean paused;
    private final int maxAttempts;

    public SystemTaskWorker(JdbcClient jdbc, TenantTransactions tx, ExecutionStore store, TaskExecutor tasks,
            TaskHandlers handlers, JsonCodec json, RunningAttempts running, QueueSignals signals,
            SecretValues secrets, Clock clock, int maxAttempts, int perTenantAttempts, Duration sweepInterval,
            Duration cancelCheckInterval) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.store = store;
        this.tasks = tasks;
        this.handlers = handlers;
        this.json = json;
        this.running = running;
        this.secrets = secrets;
        this.clock = clock;
        this.total = new Semaphore(maxAttempts);
        this.maxAttempts = maxAttempts;
        this.perTenant = new TenantPermits(perTenantAttempts);
        this.sweepInterval = sweepInterval;
        this.cancelCheckInterval = cancelCheckInterval;
        this.dispatcher = Thread.ofPlatform().daemon().name("server-task-dispatcher").unstarted(this::dispatch);
        signals.listen(this::queued);
    }

    public void start() {
        dispatcher.start();
        deadlines.scheduleWithFixedDelay(this::stopOrphans, cancelCheckInterval.toNanos(),
                cancelCheckInterval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Interrupts attempts whose task this worker no longer holds: cancelled with its workflow, timed out or handed on
     * by a decision on another node. A decision on this node interrupts at once; this catches the others.
     */
    private void stopOrphans() {
        running.byTenant().forEach((tenant, ids) -> {
            try {
                List<UUID> orphans = new ArrayList<>();
                TenantTransactions.withoutWaiting(() -> orphans.addAll(
                        tx.read(tenant, () -> store.notHeldBy(ids, workerId))));
                orphans.forEach(running::interrupt);
            } catch (QuotaExceededException busy) {
                // the tenant's connections are all in use; the next check comes soon
            } catch (RuntimeException e) {
                if (open) {
                    log.warn("cannot check the attempts of tenant {}: {}", tenant, e.toString());
                }
            }
        });
    }

    private void queued(String tenant, String queue) {
        if (TaskHandlers.isServerQueue(queue)) {
            wake(new Queue(tenant, queue));
        }
    }

    private void wake(Queue q) {
        woken.add(q);
        LockSupport.unpark(dispatcher);
    }

    private void dispatch() {
        long nextSweep = 0;
        while (open) {
            if (paused) {
                LockSupport.parkNanos(this, sweepInterval.toNanos());
                continue;
            }
            Set<Queue> work = new LinkedHashSet<>();
            for (Queue q : List.copyOf(woken)) {
                woken.remove(q);
                work.add(q);
            }
            try {
                if (System.nanoTime() - nextSweep >= 0) {
                    work.addAll(sweep());
                    nextSweep = System.nanoTime() + sweepInterval.toNanos();
                }
                for (Queue q : work) {
                    claim(q);
                }
            } catch (RuntimeException e) {
                if (open) {
                    log.warn("server task dispatch failed: {}", e.toString());
                }
            }
            if (woken.isEmpty()) {
                LockSupport.parkNanos(this, sweepInterval.toNanos());
            }
        }
    }

    private List<Queue> sweep() {
        return jdbc.sql("SELECT tenant_id, queue FROM server_task_queues(?)").param(SWEEP_BATCH)
                .query((rs, i) -> new Queue(rs.getString(1), rs.getString(2))).list();
    }

    /** Claims as many ready tasks of {@code q} as its tenant and the node have attempts free, and starts them. */
    private void claim(Queue q) {
        TenantId tenant = TenantId.of(q.tenant());
        int free = Math.min(perTenant.perTenant() - perTenant.inUse(tenant), total.availablePermits());
        if (free <= 0) {
            return; // a finishing attempt wakes the queue again
        }
        List<Task> claimed = new ArrayList<>();
        try {
            TenantTransactions.withoutWaiting(
                    () -> claimed.addAll(tx.write(tenant, () -> store.poll(q.tenant(), q.name(), free, workerId))));
        } catch (QuotaExceededException busy) {
            return; // the tenant's connections are all in use; the next sweep comes back
        }
        for (Task t : claimed) {
            // only this thread takes permits, and it counted them free; a claimed task runs in any case
            boolean tenantPermit = perTenant.acquire(tenant, Duration.ZERO);
            boolean nodePermit = total.tryAcquire();
            attempts.execute(() -> {
                try {
                    finish(tenant, t, attempt(tenant, t));
                } finally {
                    if (nodePermit) {
                        total.release();
                    }
                    if (tenantPermit) {
                        perTenant.release(tenant);
                    }
                    wake(q);
                }
            });
        }
        if (claimed.size() == free) {
            woken.add(q); // there may be more
        }
    }

    private void finish(TenantId tenant, Task t, Attempt attempt) {
        try {
            boolean applied = tasks.finishServerTask(tenant, t.getWorkflowInstanceId(), t.getTaskId(), workerId,
                    attempt.outcome, attempt.logs);
            if (!applied) {
                log.debug("task {} ended while its attempt ran; the outcome was dropped", t.getTaskId());
            }
        } catch (RuntimeException e) {
            // the claim's response deadline times the task out, and its retries run it again
            log.warn("the outcome of task {} could not be stored: {}", t.getTaskId(), e.toString());
        }
    }

    private record Attempt(TaskOutcome outcome, List<String> logs) {}

    private Attempt attempt(TenantId tenant, Task t) {
        List<String> logs = new ArrayList<>();
        AsyncTaskHandler<?> handler = handlers.async(t.getTaskType());
        if (handler == null) {
            return new Attempt(TaskOutcome.failedForGood("this server has no task type " + t.getTaskType(), null),
                    logs);
        }
        String team;
        Map<String, String> values;
        try {
            team = tx.read(tenant, () -> store.ownerTeamOf(t.getWorkflowInstanceId()));
            Set<String> names = SecretSubstitution.names(t.getInputData());
            values = names.isEmpty() ? Map.of() : secrets.resolve(tenant, team, names);
        } catch (EngineException e) {
            return new Attempt(TaskOutcome.failedForGood("input '" + e.field() + "': " + e.getMessage(), null), logs);
        }
        Attempt attempt = attempt(tenant, t, handler, team, values, logs);
        return new Attempt(SecretSubstitution.redact(attempt.outcome, values),
                SecretSubstitution.redact(attempt.logs, values));
    }

    private Attempt attempt(TenantId tenant, Task t, AsyncTaskHandler<?> handler, String team,
            Map<String, String> values, List<String> logs) {
        Instant deadline = clock.instant().plus(handler.maxDuration());
        running.started(t.getTaskId(), tenant);
        Thread self = Thread.currentThread();
        ScheduledFuture<?> timer = deadlines.schedule(self::interrupt, handler.maxDuration().toNanos(),
                TimeUnit.NANOSECONDS);
        try {
            Map<String, Object> input = values.isEmpty() ? t.getInputData()
                    : SecretSubstitution.substitute(t.getInputData(), values);
            TaskOutcome outcome = run(handler, input, new Call(tenant, team, t, deadline, logs));
            if (Thread.currentThread().isInterrupted() && outcome.status() != TaskStatus.COMPLETED) {
                outcome = TaskOutcome.failed(stopped(handler, deadline), outcome.output());
            }
            return new Attempt(outcome, logs);
        } catch (InputException e) {
            return new Attempt(TaskOutcome.failedForGood(e.getMessage(), null), logs);
        } catch (InterruptedException e) {
            return new Attempt(TaskOutcome.failed(stopped(handler, deadline), null), logs);
        } catch (Exception | StackOverflowError e) {
            // an interrupt during blocking I/O surfaces as an I/O error, with the interrupt flag set
            String message = Thread.currentThread().isInterrupted() ? stopped(handler, deadline)
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Attempt(TaskOutcome.failed(message, null), logs);
        } finally {
            timer.cancel(false);
            running.ended(t.getTaskId());
            Thread.interrupted();
        }
    }

    private String stopped(AsyncTaskHandler<?> handler, Instant deadline) {
        return clock.instant().isBefore(deadline) ? "the attempt was cancelled"
                : "the attempt ran longer than " + handler.maxDuration().toSeconds() + " s";
    }

    private <I> TaskOutcome run(AsyncTaskHandler<I> handler, Map<String, Object> resolved, TaskCall call)
            throws Exception {
        I input = json.convertInput(resolved, handler.inputType());
        TaskOutcome outcome = handler.execute(input, call);
        if (outcome == null) {
            throw new IllegalStateException(handler.type() + " returned no outcome");
        }
        return outcome;
    }

    /** What one attempt knows of itself. */
    private record Call(TenantId tenant, String team, Task task, Instant deadline, List<String> logs)
            implements TaskCall {
        @Override
        public UUID workflowId() {
            return task.getWorkflowInstanceId();
        }

        @Override
        public UUID taskId() {
            return task.getTaskId();
        }

        @Override
        public int retryCount() {
            return task.getRetryCount();
        }

        @Override
        public void log(String line) {
            synchronized (logs) {
                if (logs.size() < 100) {
                    logs.add(line.length() <= 4096 ? line : line.substring(0, 4096));
                }
            }
        }
    }

    /**
     * Stops taking tasks and gives the attempts running {@code within} to finish and report; those still running
     * then are interrupted (their claims' deadlines hand the tasks to another node). {@link #resume} takes tasks
     * again (a context paused and started again, as Spring's test context cache does).
     */
    public void drain(Duration within) {
        paused = true;
        long deadline = System.nanoTime() + within.toNanos();
        while (total.availablePermits() < maxAttempts && System.nanoTime() < deadline) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(20));
        }
        if (total.availablePermits() < maxAttempts) {
            log.warn("server task attempts still running after {}; they are interrupted", within);
            running.byTenant().values().forEach(ids -> ids.forEach(running::interrupt));
        }
    }

    /** Takes tasks again after {@link #drain}. */
    public void resume() {
        paused = false;
        LockSupport.unpark(dispatcher);
    }

    @Override
    public void close() {
        open = false;
        dispatcher.interrupt();
        attempts.shutdownNow();
        deadlines.shutdownNow();
    }
}
