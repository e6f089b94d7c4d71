package dev.baton.engine.spi;

import dev.baton.engine.api.EngineLimits;
import dev.baton.engine.api.definition.WorkflowTask;
import java.util.List;

/** A task handler's view of the definition being saved: where the task sits, and the checks it may run. */
public interface DefinitionCheck {

    /** The field path of the task under check, e.g. {@code tasks[2].forkTasks[0][1]}. */
    String path();

    /** The task after this one in its list, or null. */
    WorkflowTask nextSibling();

    /** Whether the task sits in a loop body. */
    boolean inLoop();

    /** Whether a task with reference name {@code ref} runs before this one. */
    boolean runsBefore(String ref);

    /** Refuses the definition with {@code message} on {@code field} unless {@code condition} holds. */
    void require(boolean condition, String field, String message);

    /** Whether {@code value} holds no {@code ${...}} expression, so it is known when the definition is saved. */
    boolean isLiteral(Object value);

    /** Checks child lists that run as alternatives or in parallel: each sees what ran before, not its siblings. */
    void branches(List<List<WorkflowTask>> branches, List<String> fields);

    /** Checks a loop body: its tasks may refer to each other and to the loop, in any order. */
    void loopBody(WorkflowTask loop, List<WorkflowTask> body, String field);

    /** Refuses malformed JavaScript. */
    void script(String script, String field);

    /** Refuses a malformed jq query. */
    void jq(String query, String field);

    EngineLimits limits();
}
