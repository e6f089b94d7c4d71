package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.definition.TaskType;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/** EXCLUSIVE_JOIN: ends the one branch of a switch that ran, taking the output of its joined task. */
public final class ExclusiveJoinHandler implements TaskHandler {

    @Override
    public String type() {
        return TaskType.EXCLUSIVE_JOIN;
    }

    @Override
    public boolean evaluatedInDryRun() {
        return true;
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        JoinHandler.requireJoinedBefore(task, check);
    }

    @Override
    public boolean decide(WorkflowContext run, Task task) {
        List<String> refs = new ArrayList<>(task.getWorkflowTask().joinOn());
        refs.addAll(task.getWorkflowTask().defaultExclusiveJoinTask());
        Task found = null;
        for (String ref : refs) {
            Optional<Task> t = run.workflow().latestTask(ref);
            if (t.isEmpty()) {
                continue;
            }
            if (!t.get().getStatus().isTerminal()) {
                return false;
            }
            if (found == null && t.get().getStatus().isSuccessful()) {
                found = t.get();
            }
        }
        run.complete(task, found == null ? new LinkedHashMap<>() : new LinkedHashMap<>(found.getOutputData()));
        return true;
    }
}
