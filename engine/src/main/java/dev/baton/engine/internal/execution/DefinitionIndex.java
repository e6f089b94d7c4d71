package dev.baton.engine.internal.execution;

import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.internal.tasks.TaskHandlers;
import dev.baton.engine.spi.TaskHandler.ChildFlow;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where each task sits in a workflow definition, to find what runs after it. */
final class DefinitionIndex {

    private record Location(List<WorkflowTask> list, int index, WorkflowTask container) {}

    private final Map<String, Location> byRef = new HashMap<>();
    private final TaskHandlers handlers;

    DefinitionIndex(WorkflowDef def, TaskHandlers handlers) {
        this.handlers = handlers;
        index(def.tasks(), null);
    }

    private void index(List<WorkflowTask> tasks, WorkflowTask container) {
        for (int i = 0; i < tasks.size(); i++) {
            WorkflowTask t = tasks.get(i);
            byRef.put(t.taskReferenceName(), new Location(tasks, i, container));
            for (List<WorkflowTask> child : t.children()) {
                index(child, t);
            }
        }
    }

    Optional<WorkflowTask> task(String ref) {
        Location loc = byRef.get(ref);
        return loc == null ? Optional.empty() : Optional.of(loc.list.get(loc.index));
    }

    /**
     * The task that runs after {@code ref} completes, or null: at the end of a child list the flow goes on after
     * its parent when the parent's type says so (a switch case), else it stops (a join or a loop takes over).
     */
    WorkflowTask nextAfter(String ref) {
        Location loc = byRef.get(ref);
        if (loc == null) {
            return null;
        }
        if (loc.index + 1 < loc.list.size()) {
            return loc.list.get(loc.index + 1);
        }
        if (loc.container != null && handlers.childFlow(loc.container.type()) == ChildFlow.CONTINUE_AFTER) {
            return nextAfter(loc.container.taskReferenceName());
        }
        return null;
    }

    /** The task just before {@code ref} in its list, or null. */
    WorkflowTask previous(String ref) {
        Location loc = byRef.get(ref);
        return loc == null || loc.index == 0 ? null : loc.list.get(loc.index - 1);
    }

    /** The loop whose body holds {@code ref}, at any depth, or null. */
    WorkflowTask loopOf(String ref) {
        Location loc = byRef.get(ref);
        while (loc != null && loc.container != null) {
            if (handlers.childFlow(loc.container.type()) == ChildFlow.REPEAT) {
                return loc.container;
            }
            loc = byRef.get(loc.container.taskReferenceName());
        }
        return null;
    }
}
