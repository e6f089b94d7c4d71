package dev.baton.engine.internal.execution;

import dev.baton.engine.api.execution.Task;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** JOIN: completes when every joined task has completed; its output maps each one to its output. */
final class JoinTask implements SystemTask {

    @Override
    @SuppressWarnings("unchecked")
    public boolean execute(WorkflowRun run, Task task) {
        List<String> joinOn = (List<String>) task.getInputData().getOrDefault("joinOn", List.of());
        Map<String, Object> out = new LinkedHashMap<>();
        for (String ref : joinOn) {
            Optional<Task> joined = run.workflow.latestTask(ref).filter(t -> t.getIteration() == task.getIteration()
                    || t.getIteration() == 0);
            if (joined.isEmpty() || !joined.get().getStatus().isTerminal() || !joined.get().getStatus().isSuccessful()) {
                return false;
            }
            out.put(ref, joined.get().getOutputData());
        }
        TaskScheduler.complete(run, task, out);
        return true;
    }
}
