package dev.baton.metrics;

import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.engine.spi.ExecutionObserver;
import dev.baton.tenancy.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this node's executions did, per tenant: workflows started and ended by status, how long tasks waited ready
 * and ran, tasks held back by limits, and the workers seen polling. Counters and timers count on the node that made
 * the change; Prometheus sums the nodes.
 */
public final class ExecutionMeters implements ExecutionObserver {

    /** How long a worker counts as seen after its last poll. */
    static final Duration WORKER_WINDOW = Duration.ofMinutes(5);
    /** Most workers remembered per tenant tag; more share the count of those already remembered. */
    static final int MAX_WORKERS = 10_000;

    private final MeterRegistry registry;
    private final CappedTags tenants;
    private final CappedTags taskTypes;
    private final Clock clock;
    private final Map<String, Map<String, Long>> workers = new ConcurrentHashMap<>();

    public ExecutionMeters(MeterRegistry registry, CappedTags tenants, CappedTags taskTypes, Clock clock) {
        this.registry = registry;
        this.tenants = tenants;
        this.taskTypes = taskTypes;
        this.clock = clock;
    }

    @Override
    public void workflowStarted(TenantId tenant) {
        Counter.builder("baton.workflows.started").description("Workflows started")
                .tag("tenant", tenants.of(tenant.value())).register(registry).increment();
    }

    @Override
    public void workflowEnded(TenantId tenant, WorkflowStatus status, Duration ran) {
        Timer.builder("baton.workflows.ended").description("Workflows ended, by status, with how long they ran")
                .tag("tenant", tenants.of(tenant.value())).tag("status", status.name())
                .register(registry).record(ran);
    }

    @Override
    public void taskStarted(TenantId tenant, String taskType, Duration waited) {
        Timer.builder("baton.tasks.queue.wait").description("How long tasks waited ready before a worker or the "
                        + "server took them")
                .tag("tenant", tenants.of(tenant.value())).tag("type", taskTypes.of(taskType))
                .register(registry).record(waited);
    }

    @Override
    public void taskEnded(TenantId tenant, String taskType, TaskStatus status, Duration ran) {
        Timer.builder("baton.tasks.execution").description("Task attempts ended, by status, with how long they ran")
                .tag("tenant", tenants.of(tenant.value())).tag("type", taskTypes.of(taskType))
                .tag("status", status.name()).register(registry).record(ran);
    }

    @Override
    public void tasksHeld(TenantId tenant, String taskDefName, int held) {
        Counter.builder("baton.tasks.limit.held").description("Ready tasks a poll left queued because their type's "
                        + "concurrency or rate limit was reached")
                .tag("tenant", tenants.of(tenant.value())).register(registry).increment(held);
    }

    @Override
    public void workerPolled(TenantId tenant, String workerId) {
        String tag = tenants.of(tenant.value());
        Map<String, Long> seen = workers.computeIfAbsent(tag, t -> {
            Map<String, Long> made = new ConcurrentHashMap<>();
            Gauge.builder("baton.workers.seen", made, this::recent)
                    .description("Workers that polled this node in the last " + WORKER_WINDOW.toMinutes()
                            + " minutes")
                    .tag("tenant", t).register(registry);
            return made;
        });
        long now = clock.millis();
        if (seen.size() >= MAX_WORKERS && !seen.containsKey(workerId)) {
            seen.values().removeIf(at -> at < now - WORKER_WINDOW.toMillis());
            if (seen.size() >= MAX_WORKERS) {
                return;
            }
        }
        seen.put(workerId, now);
    }

    private double recent(Map<String, Long> seen) {
        long since = clock.millis() - WORKER_WINDOW.toMillis();
        seen.values().removeIf(at -> at < since);
        return seen.size();
    }

    @Override
    public void searched(TenantId tenant, String servedBy) {
        Counter.builder("baton.search.queries").description("Execution searches, by what answered them (index or "
                        + "database)")
                .tag("tenant", tenants.of(tenant.value())).tag("source", servedBy).register(registry).increment();
    }

    @Override
    public void executionsRemoved(TenantId tenant, int count) {
        Counter.builder("baton.retention.removed").description("Finished executions removed by retention")
                .tag("tenant", tenants.of(tenant.value())).register(registry).increment(count);
    }
}
