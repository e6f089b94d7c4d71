package dev.baton.engine.api;

import dev.baton.engine.api.definition.WorkflowTask;
import java.util.List;
import java.util.SortedSet;

/** The task types the server runs itself; any other type names a worker task. */
public interface TaskTypes {

    /** Whether tasks of {@code type} run in the server rather than in a worker. */
    boolean runsInServer(String type);

    /** The workflows {@code task} would start, as its definition names them (none for most types). */
    List<WorkflowStart> workflowsStartedBy(WorkflowTask task);

    /** Every server type, aliases included. */
    SortedSet<String> serverTypes();
}
