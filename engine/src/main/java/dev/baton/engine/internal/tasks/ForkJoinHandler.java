package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.definition.TaskType;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** FORK_JOIN: starts every branch at once; the JOIN that must follow it waits for them. */
public final class ForkJoinHandler implements TaskHandler {

    @Override
    public String type() {
        return TaskType.FORK_JOIN;
    }

    @Override
    public boolean evaluatedInDryRun() {
        return true;
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        String path = check.path();
        requireJoinAfter(task, check);
        check.require(!task.forkTasks().isEmpty(), path + ".forkTasks", "a FORK_JOIN needs at least one branch");
        List<String> fields = new ArrayList<>();
        for (int b = 0; b < task.forkTasks().size(); b++) {
            List<WorkflowTask> branch = task.forkTasks().get(b);
            check.require(branch != null && !branch.isEmpty(), path + ".forkTasks[" + b + "]", "a branch needs tasks");
            fields.add(path + ".forkTasks[" + b + "]");
        }
        check.branches(task.forkTasks(), fields);
    }

    /** A fork is ended by the JOIN right after it; without one the branches would never meet. */
    static void requireJoinAfter(WorkflowTask fork, DefinitionCheck check) {
        WorkflowTask next = check.nextSibling();
        check.require(next != null && TaskType.JOIN.equals(next.type()), check.path(),
                fork.type() + " must be followed by a JOIN task");
    }

    @Override
    public void schedule(WorkflowContext run, WorkflowTask task, Map<String, Object> input, int iteration) {
        run.complete(run.add(task, type(), input, iteration), new LinkedHashMap<>());
        for (List<WorkflowTask> branch : task.forkTasks()) {
            run.schedule(branch.get(0), iteration);
        }
    }
}
