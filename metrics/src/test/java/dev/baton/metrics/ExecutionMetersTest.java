package dev.baton.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.tenancy.TenantId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExecutionMetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MutableClock clock = new MutableClock();
    private final ExecutionMeters meters = new ExecutionMeters(registry, new CappedTags(2), new CappedTags(2), clock);

    @Test
    void tenantsPastTheCapShareTheOtherSeries() {
        meters.workflowStarted(TenantId.of("a"));
        meters.workflowStarted(TenantId.of("b"));
        meters.workflowStarted(TenantId.of("c"));
        meters.workflowStarted(TenantId.of("d"));
        meters.workflowStarted(TenantId.of("a"));

        assertThat(registry.get("baton.workflows.started").tag("tenant", "a").counter().count()).isEqualTo(2.0);
        assertThat(registry.get("baton.workflows.started").tag("tenant", "b").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("baton.workflows.started").tag("tenant", "other").counter().count()).isEqualTo(2.0);
        assertThat(registry.get("baton.workflows.started").counters()).hasSize(3);
    }

    @Test
    void taskTypesPastTheirCapShareTheOtherSeries() {
        TenantId t = TenantId.of("a");
        meters.taskEnded(t, "SIMPLE", TaskStatus.COMPLETED, Duration.ofMillis(30));
        meters.taskEnded(t, "HTTP", TaskStatus.COMPLETED, Duration.ofMillis(10));
        meters.taskEnded(t, "made_up_1", TaskStatus.COMPLETED, Duration.ofMillis(10));
        meters.taskEnded(t, "made_up_2", TaskStatus.FAILED, Duration.ofMillis(10));

        assertThat(registry.get("baton.tasks.execution").tags("type", "SIMPLE", "status", "COMPLETED").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(30.0);
        assertThat(registry.get("baton.tasks.execution").tags("type", "other", "status", "COMPLETED").timer()
                .count()).isEqualTo(1);
        assertThat(registry.get("baton.tasks.execution").tags("type", "other", "status", "FAILED").timer()
                .count()).isEqualTo(1);
    }

    @Test
    void workflowsEndedAreTimedByStatus() {
        meters.workflowEnded(TenantId.of("a"), WorkflowStatus.COMPLETED, Duration.ofSeconds(2));
        meters.workflowEnded(TenantId.of("a"), WorkflowStatus.COMPLETED, Duration.ofSeconds(4));
        meters.workflowEnded(TenantId.of("a"), WorkflowStatus.TIMED_OUT, Duration.ofSeconds(9));

        var completed = registry.get("baton.workflows.ended").tags("tenant", "a", "status", "COMPLETED").timer();
        assertThat(completed.count()).isEqualTo(2);
        assertThat(completed.totalTime(TimeUnit.SECONDS)).isEqualTo(6.0);
        assertThat(registry.get("baton.workflows.ended").tags("status", "TIMED_OUT").timer().count()).isEqualTo(1);
    }

    @Test
    void workersCountWhilePollingAndDropOutAfterTheWindow() {
        meters.workerPolled(TenantId.of("a"), "w1");
        meters.workerPolled(TenantId.of("a"), "w2");
        meters.workerPolled(TenantId.of("a"), "w1");
        assertThat(registry.get("baton.workers.seen").tag("tenant", "a").gauge().value()).isEqualTo(2.0);

        clock.advance(Duration.ofMinutes(3));
        meters.workerPolled(TenantId.of("a"), "w2");
        clock.advance(Duration.ofMinutes(3));
        assertThat(registry.get("baton.workers.seen").tag("tenant", "a").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void aTenantInventingWorkerIdsIsRememberedUpToTheBound() {
        for (int i = 0; i < ExecutionMeters.MAX_WORKERS + 500; i++) {
            meters.workerPolled(TenantId.of("a"), "w-" + i);
        }
        assertThat(registry.get("baton.workers.seen").tag("tenant", "a").gauge().value())
                .isEqualTo(ExecutionMeters.MAX_WORKERS);
    }

    @Test
    void heldTasksAddUp() {
        meters.tasksHeld(TenantId.of("a"), "ship", 3);
        meters.tasksHeld(TenantId.of("a"), "pack", 2);
        assertThat(registry.get("baton.tasks.limit.held").tag("tenant", "a").counter().count()).isEqualTo(5.0);
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
