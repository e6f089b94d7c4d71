package dev.baton.engine.spi;

import dev.baton.engine.api.WorkflowStart;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One task type run by the server: how a task of it is checked when a definition is saved, how it is scheduled,
 * how it moves forward and how it is cancelled. A Spring bean of this type is all it takes to add a type.
 *
 * <p>A plain handler is synchronous: the decider calls {@link #decide} inside the decision that holds the
 * workflow's lock, so it must be quick and touch nothing outside the workflow. A type that waits on the outside world
 * implements {@link AsyncTaskHandler} instead.
 */
public interface TaskHandler {

    /** What follows the last task of one of this type's child lists. */
    enum ChildFlow {
        /** Nothing: the parent itself takes over (a fork's join, a sub-structure that decides). */
        STOP,
        /** The task after the parent (a switch case runs on into what follows the switch). */
        CONTINUE_AFTER,
        /** The parent decides whether the list runs again (a loop body). */
        REPEAT
    }

    /** The name in a workflow task's {@code type}. */
    String type();

    /** Other names the same type goes by (legacy Conductor names). */
    default Set<String> aliases() {
        return Set.of();
    }

    /** What follows the last task of one of this type's child lists. */
    default ChildFlow childFlow() {
        return ChildFlow.STOP;
    }

    /** Checks a task of this type in a definition being saved; refuses through {@link DefinitionCheck#require}. */
    default void check(WorkflowTask task, DefinitionCheck check) {
    }

    /** Creates the task (or tasks) for {@code task} once its input is resolved. */
    default void schedule(WorkflowContext run, WorkflowTask task, Map<String, Object> input, int iteration) {
        run.add(task, task.typeOrSimple(), input, iteration);
    }

    /** Advances an open task of this type inside a decision; returns whether anything changed. */
    default boolean decide(WorkflowContext run, Task task) {
        return false;
    }

    /** The tasks that run after {@code done} completed, when they are not simply the next in its list. */
    default List<WorkflowTask> next(Task done) {
        return List.of();
    }

    /** Undoes what an open task started outside its workflow, because the workflow ends and cancels it. */
    default void cancel(WorkflowContext run, Task task) {
    }

    /**
     * Whether a task of this type that was cancelled with its workflow waits again, rather than runs again, when the
     * workflow is retried (a join or a loop waits for what it waited for).
     */
    default boolean waitsAgainOnRetry() {
        return false;
    }

    /** The workflows a task of this type starts, as its definition names them, so they can be checked on save. */
    default List<WorkflowStart> workflowsStarted(WorkflowTask task) {
        return List.of();
    }

    /**
     * Whether a failed task of this type is retried by the task definition registered with its name, as a worker
     * task is (Conductor retries a SUB_WORKFLOW so).
     */
    default boolean retriedByTaskDefinition() {
        return false;
    }

    /**
     * Whether a dry run decides a task of this type as a real run does. Only a type that touches nothing outside its
     * workflow (control flow, expressions, scripts) may say so; a task of any other type takes the outcome the dry
     * run was given for it, so that a dry run never sends, publishes, waits or consumes anything.
     */
    default boolean evaluatedInDryRun() {
        return false;
    }

    /** Whether a caller of the task API may complete or fail a task of this type (a WAIT or HUMAN task). */
    default boolean takesExternalUpdates() {
        return false;
    }
}
