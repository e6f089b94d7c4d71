package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.internal.messages.WorkflowMessages;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import java.util.List;
import java.util.Map;

/**
 * PULL_WORKFLOW_MESSAGES, Conductor's consumer of the workflow message queue: stays IN_PROGRESS until messages were
 * pushed to its workflow, then completes with up to {@code batchSize} of them (1 unless given, capped at
 * {@code baton.engine.messages.max-batch-size}) as {@code messages}, oldest first, and their {@code count}. A push
 * decides the workflow, so the task completes in the push's own transaction.
 */
public final class PullWorkflowMessagesHandler implements TaskHandler {

    private final WorkflowMessages messages;

    public PullWorkflowMessagesHandler(WorkflowMessages messages) {
        this.messages = messages;
    }

    @Override
    public String type() {
        return "PULL_WORKFLOW_MESSAGES";
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        Object size = task.inputParameters().get("batchSize");
        check.require(size == null || size instanceof Number n && n.longValue() > 0 || size instanceof String s
                && !check.isLiteral(s), check.path() + ".inputParameters.batchSize", "must be a whole number of 1 or"
                + " more");
    }

    @Override
    public boolean decide(WorkflowContext run, Task task) {
        boolean started = task.getStatus() == TaskStatus.SCHEDULED;
        if (started) {
            task.setStatus(TaskStatus.IN_PROGRESS);
            task.setStarted(run.now());
            task.setFirstStarted(run.now());
        }
        Object size = task.getInputData().getOrDefault("batchSize", 1);
        if (!(size instanceof Number n) || n.longValue() < 1 || n.doubleValue() != Math.floor(n.doubleValue())) {
            run.fail(task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, "batchSize must be a whole number of 1 or more, "
                    + "not " + size);
            return true;
        }
        List<Map<String, Object>> taken = messages.take(run.workflow().getWorkflowId(),
                (int) Math.min(n.longValue(), Integer.MAX_VALUE), run.now());
        if (!taken.isEmpty()) {
            run.complete(task, Map.of("messages", taken, "count", taken.size()));
            return true;
        }
        if (started) {
            run.changed(task);
        }
        return started;
    }
}
