package dev.baton.engine.internal.execution;

import dev.baton.engine.api.execution.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/** EXCLUSIVE_JOIN: ends the one branch of a switch that ran, taking the output of its joined task. */
final class ExclusiveJoinTask implements SystemTask {

    @Override
    public boolean execute(WorkflowRun run, Task task) {
        List<String> refs = new ArrayList<>(task.getWorkflowTask().joinOn());
        refs.addAll(task.getWorkflowTask().defaultExclusiveJoinTask());
        Task found = null;
        for (String ref : refs) {
            Optional<Task> t = run.workflow.latestTask(ref);
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
        TaskScheduler.complete(run, task, found == null ? new LinkedHashMap<>() : new LinkedHashMap<>(found.getOutputData()));
        return true;
    }
}
