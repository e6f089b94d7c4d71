package dev.baton.engine.internal.execution;

import static dev.baton.engine.api.definition.TaskType.DECISION;
import static dev.baton.engine.api.definition.TaskType.DO_WHILE;
import static dev.baton.engine.api.definition.TaskType.SWITCH;

import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.definition.WorkflowTask;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where each task sits in a workflow definition, to find what runs after it. */
final class DefinitionIndex {

    private record Location(List<WorkflowTask> list, int index, WorkflowTask container) {}

    private final Map<String, Location> byRef = new HashMap<>();

    DefinitionIndex(WorkflowDef def) {
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
     * The task that runs after {@code ref} completes, or null: at the end of a switch case the flow goes on after
     * the switch; at the end of a fork branch or a loop body it stops (the join or the loop takes over).
     */
    WorkflowTask nextAfter(String ref) {
        Location loc = byRef.get(ref);
        if (loc == null) {
            return null;
        }
        if (loc.index + 1 < loc.list.size()) {
            return loc.list.get(loc.index + 1);
        }
        if (loc.container != null
                && (SWITCH.equals(loc.container.type()) || DECISION.equals(loc.container.type()))) {
            return nextAfter(loc.container.taskReferenceName());
        }
        return null;
    }

    /** The task just before {@code ref} in its list, or null. */
    WorkflowTask previous(String ref) {
        Location loc = byRef.get(ref);
        return loc == null || loc.index == 0 ? null : loc.list.get(loc.index - 1);
    }

    /** The DO_WHILE whose body holds {@code ref}, at any depth, or null. */
    WorkflowTask loopOf(String ref) {
        Location loc = byRef.get(ref);
        while (loc != null && loc.container != null) {
            if (DO_WHILE.equals(loc.container.type())) {
                return loc.container;
            }
            loc = byRef.get(loc.container.taskReferenceName());
        }
        return null;
    }
}
