package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.definition.TaskType;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * JOIN: completes when every joined task has completed; its output maps each one to its output. Without a
 * {@code joinOn} list it joins the last task of each branch of the fork before it; after a dynamic fork it joins
 * what that fork started.
 */
public final class JoinHandler implements TaskHandler {

    @Override
    public String type() {
        return TaskType.JOIN;
    }

    @Override
    public boolean evaluatedInDryRun() {
        return true;
    }

    @Override
    public boolean waitsAgainOnRetry() {
        return true;
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        requireJoinedBefore(task, check);
    }

    static void requireJoinedBefore(WorkflowTask task, DefinitionCheck check) {
        for (int j = 0; j < task.joinOn().size(); j++) {
            check.require(check.runsBefore(task.joinOn().get(j)), check.path() + ".joinOn[" + j + "]",
                    "joins on '" + task.joinOn().get(j) + "', which is no task before this join");
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void schedule(WorkflowContext run, WorkflowTask wt, Map<String, Object> input, int iteration) {
        List<String> joinOn = new ArrayList<>(wt.joinOn());
        WorkflowTask previous = run.previous(wt.taskReferenceName()).orElse(null);
        if (previous != null && TaskType.FORK_JOIN_DYNAMIC.equals(previous.type())) {
            joinOn = run.workflow().latestTask(previous.taskReferenceName())
                    .map(t -> (List<String>) t.getOutputData().getOrDefault("forkedTasks", List.of()))
                    .map(ArrayList::new).orElseGet(ArrayList::new);
        } else if (joinOn.isEmpty() && previous != null && TaskType.FORK_JOIN.equals(previous.type())) {
            for (List<WorkflowTask> branch : previous.forkTasks()) {
                joinOn.add(branch.get(branch.size() - 1).taskReferenceName());
            }
        }
        input.put("joinOn", joinOn);
        run.add(wt, type(), input, iteration);
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean decide(WorkflowContext run, Task task) {
        // as Conductor's join: IN_PROGRESS while it waits for its branches
        boolean started = task.getStatus() == TaskStatus.SCHEDULED;
        if (started) {
            task.setStatus(TaskStatus.IN_PROGRESS);
            task.setStarted(run.now());
            task.setFirstStarted(run.now());
            run.changed(task);
        }
        List<String> joinOn = (List<String>) task.getInputData().getOrDefault("joinOn", List.of());
        Map<String, Object> out = new LinkedHashMap<>();
        boolean withErrors = false;
        List<String> failed = new ArrayList<>();
        for (String ref : joinOn) {
            Optional<Task> joined = run.workflow().latestTask(ref)
                    .filter(t -> t.getIteration() == task.getIteration() || t.getIteration() == 0);
            if (joined.isEmpty() || !joined.get().getStatus().isTerminal()) {
                return started;
            }
            if (!joined.get().getStatus().isSuccessful()) {
                // only a permissive task fails without ending the workflow; its join waits for every branch
                if (!joined.get().isPermissive() || !joined.get().isExecuted()) {
                    return started;
                }
                failed.add(ref);
            }
            withErrors |= joined.get().getStatus() == TaskStatus.COMPLETED_WITH_ERRORS;
            out.put(ref, joined.get().getOutputData());
        }
        if (!failed.isEmpty()) {
            task.setOutputData(out);
            run.fail(task, TaskStatus.FAILED, "permissive task" + (failed.size() == 1 ? " " : "s ") + failed
                    + " failed");
            return true;
        }
        run.complete(task, out);
        if (withErrors) {
            // as Conductor's: a branch whose optional task failed is joined, and the join says so
            task.setStatus(TaskStatus.COMPLETED_WITH_ERRORS);
        }
        return true;
    }
}
