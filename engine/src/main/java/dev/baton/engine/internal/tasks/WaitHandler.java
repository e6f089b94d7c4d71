package dev.baton.engine.internal.tasks;

import dev.baton.engine.api.definition.TaskType;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.WorkflowContext;
import java.util.List;
import java.util.Set;

/**
 * WAIT and HUMAN: the task stays IN_PROGRESS until it is signalled through the task API, or, with a
 * {@code duration} or {@code until} input, until the timer sweeper completes it at that time.
 */
public final class WaitHandler implements TaskHandler {

    @Override
    public String type() {
        return TaskType.WAIT;
    }

    @Override
    public Set<String> aliases() {
        return Set.of(TaskType.HUMAN);
    }

    @Override
    public boolean takesExternalUpdates() {
        return true;
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        for (String key : List.of("duration", "until")) {
            Object value = task.inputParameters().get(key);
            if (value instanceof String s && check.isLiteral(s)) {
                try {
                    if (key.equals("duration")) {
                        WaitTimes.parseDuration(s);
                    } else {
                        WaitTimes.parseInstant(s);
                    }
                } catch (IllegalArgumentException e) {
                    check.require(false, check.path() + ".inputParameters." + key, e.getMessage());
                }
            }
        }
    }

    @Override
    public boolean decide(WorkflowContext run, Task task) {
        if (task.getStatus() != TaskStatus.SCHEDULED) {
            return false;
        }
        task.setStatus(TaskStatus.IN_PROGRESS);
        task.setStarted(run.now());
        task.setFirstStarted(run.now());
        try {
            Object duration = task.getInputData().get("duration");
            Object until = task.getInputData().get("until");
            if (duration != null) {
                task.setWaitUntil(run.now().plus(WaitTimes.parseDuration(String.valueOf(duration))));
            } else if (until != null) {
                task.setWaitUntil(WaitTimes.parseInstant(String.valueOf(until)));
            }
        } catch (IllegalArgumentException e) {
            run.fail(task, TaskStatus.FAILED_WITH_TERMINAL_ERROR, e.getMessage());
        }
        run.changed(task);
        return true;
    }
}
