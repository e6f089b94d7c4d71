package dev.baton.engine.internal.execution;

import dev.baton.engine.api.execution.Task;

/** A task type that runs inside the server, evaluated by the decider while its task is not terminal. */
interface SystemTask {

    /** Advances {@code task}; returns whether anything changed. */
    boolean execute(WorkflowRun run, Task task);
}
