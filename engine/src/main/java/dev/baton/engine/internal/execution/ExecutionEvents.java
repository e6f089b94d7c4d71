package dev.baton.engine.internal.execution;

import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.spi.ExecutionObserver;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the {@link ExecutionObserver}s what a transaction did once it commits; with none, costs nothing. An observer
 * that throws is logged and does not stop the others or the change it was told of.
 */
public final class ExecutionEvents {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionEvents.class);

    private final List<ExecutionObserver> observers;

    public ExecutionEvents(List<ExecutionObserver> observers) {
        this.observers = List.copyOf(observers);
    }

    /** What one change did to one workflow: its start and end and the task attempts that ended in it. */
    void persisted(WorkflowRun run, List<Task> changed) {
        if (observers.isEmpty()) {
            return;
        }
        List<Consumer<ExecutionObserver>> events = new ArrayList<>();
        Workflow w = run.workflow;
        TenantId tenant = run.tenant;
        if (run.isNew) {
            events.add(o -> o.workflowStarted(tenant));
        }
        if (run.ended && !run.endTold) {
            run.endTold = true;
            Duration ran = between(w.getCreated(), w.getEnded());
            events.add(o -> o.workflowEnded(tenant, w.getStatus(), ran));
        }
        for (List<Task> tasks : List.of(run.added, changed)) {
            for (Task t : tasks) {
                if (t.getStatus().isTerminal() && run.now.equals(t.getEnded())) {
                    String type = t.getTaskType();
                    var status = t.getStatus();
                    Duration ran = between(t.getStarted(), t.getEnded());
                    events.add(o -> o.taskEnded(tenant, type, status, ran));
                }
            }
        }
        tell(events);
    }

    /** Tasks a poll, a claim or a hand-off started, each after waiting since it became ready. */
    void started(TenantId tenant, List<Task> tasks) {
        if (observers.isEmpty() || tasks.isEmpty()) {
            return;
        }
        List<Consumer<ExecutionObserver>> events = new ArrayList<>(tasks.size());
        for (Task t : tasks) {
            String type = t.getTaskType();
            Instant ready = t.getVisibleAt() != null ? t.getVisibleAt() : t.getScheduled();
            Duration waited = between(ready, t.getStarted());
            events.add(o -> o.taskStarted(tenant, type, waited));
        }
        tell(events);
    }

    /** A poll's limits held {@code held} ready tasks back. */
    void held(TenantId tenant, String taskDefName, int held) {
        if (held > 0) {
            tell(List.of(o -> o.tasksHeld(tenant, taskDefName, held)));
        }
    }

    /** A worker's poll, told at once: nothing it did needs a commit. */
    void polled(TenantId tenant, String workerId) {
        tellNow(o -> o.workerPolled(tenant, workerId == null ? "" : workerId));
    }

    /** A search, answered by the index or by PostgreSQL. */
    void searched(TenantId tenant, boolean byIndex) {
        tellNow(o -> o.searched(tenant, byIndex ? "index" : "database"));
    }

    /** Retention removed {@code count} executions of the tenant, in a transaction that has committed. */
    public void removed(TenantId tenant, int count) {
        tellNow(o -> o.executionsRemoved(tenant, count));
    }

    boolean heard() {
        return !observers.isEmpty();
    }

    private void tell(List<Consumer<ExecutionObserver>> events) {
        if (events.isEmpty() || observers.isEmpty()) {
            return;
        }
        TenantTransactions.afterCommit(() -> {
            for (ExecutionObserver o : observers) {
                for (Consumer<ExecutionObserver> e : events) {
                    run(o, e);
                }
            }
        });
    }

    private void tellNow(Consumer<ExecutionObserver> event) {
        for (ExecutionObserver o : observers) {
            run(o, event);
        }
    }

    private static void run(ExecutionObserver o, Consumer<ExecutionObserver> event) {
        try {
            event.accept(o);
        } catch (RuntimeException e) {
            LOG.warn("an execution observer failed: {}", e.toString());
        }
    }

    private static Duration between(Instant from, Instant to) {
        if (from == null || to == null || to.isBefore(from)) {
            return Duration.ZERO;
        }
        return Duration.between(from, to);
    }
}
