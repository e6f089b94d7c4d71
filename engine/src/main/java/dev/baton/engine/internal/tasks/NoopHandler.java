package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.execution.Task;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import java.util.Map;

/** NOOP: completes as soon as it is reached, with no output; a placeholder or a join point in a branch. */
public final class NoopHandler implements TaskHandler {

    @Override
    public String type() {
        return "NOOP";
    }

    @Override
    public boolean evaluatedInDryRun() {
        return true;
    }

    @Override
    public boolean decide(WorkflowContext run, Task task) {
        run.complete(task, Map.of());
        return true;
    }
}
