package dev.baton.engine.spi;

import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.tenancy.TenantId;
import java.time.Duration;

/**
 * Told what executions did, after the change commits (never for a change rolled back): what meters count. Calls come
 * on the threads that made the changes, so an observer returns at once and throws nothing.
 */
public interface ExecutionObserver {

    /** A workflow of {@code tenant} started. */
    default void workflowStarted(TenantId tenant) {
    }

    /** A workflow ended in {@code status} (COMPLETED, FAILED, TIMED_OUT, TERMINATED) after running {@code ran}. */
    default void workflowEnded(TenantId tenant, WorkflowStatus status, Duration ran) {
    }

    /** A task of {@code taskType} was handed to a worker or the server after waiting ready for {@code waited}. */
    default void taskStarted(TenantId tenant, String taskType, Duration waited) {
    }

    /** A task attempt ended in {@code status} after running {@code ran} from its start. */
    default void taskEnded(TenantId tenant, String taskType, TaskStatus status, Duration ran) {
    }

    /** A poll left {@code held} ready tasks of {@code taskDefName} queued because the type's limits were reached. */
    default void tasksHeld(TenantId tenant, String taskDefName, int held) {
    }

    /** A worker polled (whether or not it got a task). */
    default void workerPolled(TenantId tenant, String workerId) {
    }

    /** An execution search was answered by {@code servedBy}: {@code index} or {@code database}. */
    default void searched(TenantId tenant, String servedBy) {
    }

    /** Retention removed {@code count} finished executions of the tenant (sub-workflows included). */
    default void executionsRemoved(TenantId tenant, int count) {
    }
}
